package dev.cmkd.method;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The distillation methods by name and feature layout: an explicit map, no reflection. Each entry builds a
 * method with its documented defaults for a feature dimension (for {@link FeatureLayout#MAP} the map's channels)
 * and a number of classes (the teacher's feature dimension equals the student's in every kit experiment). A name
 * means the same method in both layouts where the method is defined for both.
 *
 * <pre>
 *   name              VECTOR (classification)          MAP (segmentation)
 *   none              {@link NoDistillation}                   the same, per-pixel task loss
 *   kd                {@link LogitKd}                          {@link PerPixelMethod} of LogitKd
 *   feature-mse       {@link FeatureMse}                       the same on maps
 *   fitnet            {@link FitNet}, conv regressor on the    {@link FeatureFitNet}, 1x1 convolution regressor
 *                     stage-2 map (needs stage maps)           on the encoders' last maps
 *   fitnet-pooled     {@link FeatureFitNet}, linear regressor  -
 *                     on the pooled feature
 *   dkd               {@link Dkd}                              PerPixelMethod of Dkd (20-epoch warm-up)
 *   dist              {@link Dist}                             PerPixelMethod of Dist
 *   c2kd              {@link C2kd}, proxies on the pooled      dense proxies, per labelled pixel
 *                     penultimate stage map (needs stage maps)
 *   c2kd-pooled       {@link C2kd}, proxies on the pooled      -
 *                     distilled feature
 *   fd-cmkd           {@link FdCmkd}                           2-D spatial split ({@link MapDecoupling#SPATIAL})
 *   fd-cmkd-channel   -                                  the released code's channel split at every position
 * </pre>
 *
 * {@code fitnet} and {@code c2kd} on pooled features read an intermediate map ({@link
 * DistillationMethod#readsStageMaps}), which only ResNets give ({@link NetworkOutput#stages}); {@link
 * #names(FeatureLayout, boolean)} leaves them out for networks without stage maps (text, MLP).
 */
public final class MethodRegistry {

    private static final Map<FeatureLayout, Map<String, MethodSpec>> SPECS = new EnumMap<>(FeatureLayout.class);
    /** The methods that read an intermediate map, all of pooled features (VECTOR). */
    private static final Set<String> STAGE_MAP_METHODS = Set.of(FitNet.NAME, C2kd.NAME);
    /** The pooled-feature stand-ins of {@link #STAGE_MAP_METHODS}, for networks without stage maps. */
    private static final Set<String> POOLED_STAND_INS = Set.of(FeatureFitNet.POOLED_NAME, C2kd.POOLED_NAME);

    static {
        FeatureLayout vector = FeatureLayout.VECTOR;
        register(vector, NoDistillation.NAME, (dim, classes) -> new NoDistillation());
        register(vector, LogitKd.NAME, (dim, classes) -> LogitKd.builder().build());
        register(vector, FeatureMse.NAME, (dim, classes) -> new FeatureMse(1));
        register(vector, FitNet.NAME, (dim, classes) -> FitNet.builder().build());
        register(vector, FeatureFitNet.POOLED_NAME, (dim, classes) -> FeatureFitNet.builder()
                .setTeacherFeatureDim(dim).build());
        register(vector, Dkd.NAME, (dim, classes) -> Dkd.builder().build());
        register(vector, Dist.NAME, (dim, classes) -> Dist.builder().build());
        register(vector, C2kd.NAME, (dim, classes) -> C2kd.builder().setFeatureDim(dim).setNumClasses(classes)
                .optStageProxies(true).build());
        register(vector, C2kd.POOLED_NAME, (dim, classes) -> C2kd.builder().setFeatureDim(dim).setNumClasses(classes)
                .build());
        register(vector, FdCmkd.NAME, (dim, classes) -> FdCmkd.builder().setFeatureDim(dim).setNumClasses(classes)
                .build());

        FeatureLayout map = FeatureLayout.MAP;
        register(map, NoDistillation.NAME, (channels, classes) -> new NoDistillation(map));
        register(map, FeatureMse.NAME, (channels, classes) -> new FeatureMse(1, map));
        register(map, FdCmkd.NAME, (channels, classes) -> FdCmkd.builder().optFeatureLayout(map)
                .setFeatureDim(channels).setNumClasses(classes).build());
        register(map, FdCmkd.CHANNEL_NAME, (channels, classes) -> FdCmkd.builder().optFeatureLayout(map)
                .optDecoupling(MapDecoupling.CHANNEL).setFeatureDim(channels).setNumClasses(classes).build());
        register(map, LogitKd.NAME, (channels, classes) -> PerPixelMethod.of(LogitKd.builder().build()));
        register(map, FeatureFitNet.NAME, (channels, classes) -> FeatureFitNet.builder().optFeatureLayout(map)
                .setTeacherFeatureDim(channels).build());
        register(map, Dkd.NAME, (channels, classes) -> PerPixelMethod.of(Dkd.builder().build()));
        register(map, Dist.NAME, (channels, classes) -> PerPixelMethod.of(Dist.builder().build()));
        register(map, C2kd.NAME, (channels, classes) -> C2kd.builder().optFeatureLayout(map)
                .setFeatureDim(channels).setNumClasses(classes).build());
    }

    private MethodRegistry() {}

    private static void register(FeatureLayout layout, String name, MethodSpec.Factory factory) {
        SPECS.computeIfAbsent(layout, l -> new LinkedHashMap<>()).put(name, new MethodSpec(name, factory));
    }

    /** Returns the names of the methods defined for {@code layout}, in registration order. */
    public static List<String> names(FeatureLayout layout) {
        return List.copyOf(SPECS.get(layout).keySet());
    }

    /**
     * Returns the method {@code name} for {@code layout}.
     *
     * @throws IllegalArgumentException if no such method is registered for the layout; the message lists the
     *     layout's names
     */
    public static MethodSpec spec(String name, FeatureLayout layout) {
        MethodSpec spec = SPECS.get(layout).get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown method '" + name + "' for " + layout + " features; known: "
                    + names(layout));
        }
        return spec;
    }

    /**
     * Returns the names of the methods defined for {@code layout} that networks with or without stage maps can run:
     * without them, {@link #names(FeatureLayout)} less the methods that read an intermediate map ({@link FitNet},
     * {@link C2kd}).
     */
    public static List<String> names(FeatureLayout layout, boolean stageMaps) {
        return names(layout).stream().filter(name -> stageMaps || layout == FeatureLayout.MAP
                || !STAGE_MAP_METHODS.contains(name)).toList();
    }

    /**
     * Returns the methods a protocol runs by default on networks with or without stage maps: {@link
     * #names(FeatureLayout, boolean)}, less the pooled-feature stand-ins ({@code fitnet-pooled}, {@code
     * c2kd-pooled}) where the published methods can run.
     */
    public static List<String> defaults(FeatureLayout layout, boolean stageMaps) {
        return names(layout, stageMaps).stream().filter(name -> !stageMaps || layout == FeatureLayout.MAP
                || !POOLED_STAND_INS.contains(name)).toList();
    }

    /** Returns the methods {@code names} for {@code layout}, in that order. */
    public static List<MethodSpec> specs(List<String> names, FeatureLayout layout) {
        return names.stream().map(name -> spec(name, layout)).toList();
    }
}
