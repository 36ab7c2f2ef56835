package dev.cmkd.segmentation;

import dev.cmkd.method.Dist;
import dev.cmkd.method.DistillationMethod;
import dev.cmkd.method.Dkd;
import dev.cmkd.method.LogitKd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The segmentation methods by name, an explicit map like {@link dev.cmkd.method.MethodRegistry}: each
 * factory takes the channels {@code D} of the distilled map and the number of classes {@code K}.
 *
 * <pre>
 *   none              the student alone
 *   feature-mse       plain dense feature matching
 *   fd-cmkd           FD-CMKD with the 2-D spatial split
 *   fd-cmkd-channel   FD-CMKD with the released code's channel split at every position
 *   kd                Hinton's KD per labelled pixel            ({@link PerPixelMethod} of {@link LogitKd})
 *   fitnet            FitNets hint with a 1x1 conv regressor    ({@link DenseFitNet})
 *   dkd               DKD per labelled pixel, 20-epoch warm-up  ({@link PerPixelMethod} of {@link Dkd})
 *   dist              DIST: per-pixel inter-class and per-class intra-class relations over the labelled
 *                     pixels                                    ({@link PerPixelMethod} of {@link Dist})
 *   c2kd              C2KD with dense proxies, per labelled pixel, co-trained teacher ({@link DenseC2kd})
 * </pre>
 */
public final class SegmentationMethods {

    private static final Map<String, BiFunction<Integer, Integer, DistillationMethod>> FACTORIES =
            new LinkedHashMap<>();

    static {
        FACTORIES.put(DenseBaselines.NONE, (channels, classes) -> DenseBaselines.none());
        FACTORIES.put(DenseBaselines.FEATURE_MSE, (channels, classes) -> DenseBaselines.featureMse());
        FACTORIES.put(DenseFdCmkd.NAME, (channels, classes) -> DenseFdCmkd.builder().setFeatureChannels(channels)
                .setNumClasses(classes).build());
        FACTORIES.put(DenseFdCmkd.CHANNEL_NAME, (channels, classes) -> DenseFdCmkd.builder()
                .setFeatureChannels(channels).setNumClasses(classes).optDecoupling(DenseDecoupling.CHANNEL).build());
        FACTORIES.put(LogitKd.NAME, (channels, classes) -> PerPixelMethod.of(LogitKd.builder().build()));
        FACTORIES.put(DenseFitNet.NAME, (channels, classes) -> DenseFitNet.builder().setTeacherChannels(channels)
                .build());
        FACTORIES.put(Dkd.NAME, (channels, classes) -> PerPixelMethod.of(Dkd.builder().build()));
        FACTORIES.put(Dist.NAME, (channels, classes) -> PerPixelMethod.of(Dist.builder().build()));
        FACTORIES.put(DenseC2kd.NAME, (channels, classes) -> DenseC2kd.builder().setFeatureChannels(channels)
                .setNumClasses(classes).build());
    }

    private SegmentationMethods() {}

    /** Returns the registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** Returns the method {@code name} as a spec. */
    public static dev.cmkd.method.MethodSpec spec(String name) {
        create(name, 8, 2);
        return new dev.cmkd.method.MethodSpec(name, (channels, classes) -> create(name, channels, classes));
    }

    /** Creates the method {@code name} for {@code channels}-channel maps and {@code classes} classes. */
    public static DistillationMethod create(String name, int channels, int classes) {
        BiFunction<Integer, Integer, DistillationMethod> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown segmentation method '" + name + "'; known: " + names());
        }
        return factory.apply(channels, classes);
    }
}
