package dev.cmkd.method;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distillation methods by name: an explicit map, no reflection. Each entry builds a method with its
 * documented defaults for a feature dimension and a number of classes (the teacher's feature dimension
 * equals the student's in every kit experiment).
 */
public final class MethodRegistry {

    private static final Map<String, MethodSpec> SPECS = new LinkedHashMap<>();

    static {
        register(new MethodSpec(NoDistillation.NAME, (dim, classes) -> new NoDistillation()));
        register(new MethodSpec(LogitKd.NAME, (dim, classes) -> LogitKd.builder().build()));
        register(new MethodSpec(FeatureMse.NAME, (dim, classes) -> new FeatureMse(1)));
        register(new MethodSpec(FitNet.NAME, (dim, classes) -> FitNet.builder().setTeacherFeatureDim(dim).build()));
        register(new MethodSpec(Dkd.NAME, (dim, classes) -> Dkd.builder().build()));
        register(new MethodSpec(Dist.NAME, (dim, classes) -> Dist.builder().build()));
        register(new MethodSpec(C2kd.NAME, (dim, classes) -> C2kd.builder().setFeatureDim(dim).setNumClasses(classes)
                .build()));
        register(new MethodSpec(FdCmkd.NAME, (dim, classes) -> FdCmkd.builder().setFeatureDim(dim)
                .setNumClasses(classes).build()));
    }

    private MethodRegistry() {}

    private static void register(MethodSpec spec) {
        SPECS.put(spec.name(), spec);
    }

    /** Returns the registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /** Returns the registered method {@code name}. */
    public static MethodSpec spec(String name) {
        MethodSpec spec = SPECS.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; known methods: " + names());
        }
        return spec;
    }

    /** Returns the registered methods {@code names}, in that order. */
    public static List<MethodSpec> specs(List<String> names) {
        return names.stream().map(MethodRegistry::spec).toList();
    }

    /** Creates the method {@code name} for {@code featureDim}-d features and {@code numClasses} classes. */
    public static DistillationMethod create(String name, int featureDim, int numClasses) {
        return spec(name).create(featureDim, numClasses);
    }
}
