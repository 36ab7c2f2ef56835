package dev.cmkd.method;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The distillation methods by name: an explicit map, no reflection. Each factory takes the feature
 * dimension and the number of classes and returns a method with its documented defaults.
 */
public final class MethodRegistry {

    private static final Map<String, BiFunction<Integer, Integer, DistillationMethod>> FACTORIES =
            new LinkedHashMap<>();

    static {
        FACTORIES.put(NoDistillation.NAME, (dim, classes) -> new NoDistillation());
        FACTORIES.put(LogitKd.NAME, (dim, classes) -> LogitKd.builder().build());
        FACTORIES.put(FeatureMse.NAME, (dim, classes) -> new FeatureMse(1));
        FACTORIES.put(FdCmkd.NAME, (dim, classes) -> FdCmkd.builder().setFeatureDim(dim).setNumClasses(classes)
                .build());
    }

    private MethodRegistry() {}

    /** Returns the registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** Creates the method {@code name} for {@code featureDim}-d features and {@code numClasses} classes. */
    public static DistillationMethod create(String name, int featureDim, int numClasses) {
        BiFunction<Integer, Integer, DistillationMethod> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; known methods: " + names());
        }
        return factory.apply(featureDim, numClasses);
    }
}
