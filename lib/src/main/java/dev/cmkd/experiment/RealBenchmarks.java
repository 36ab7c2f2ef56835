package dev.cmkd.experiment;

import dev.cmkd.data.av.AvConvention;
import dev.cmkd.data.av.PreparedAvLoader;
import dev.cmkd.data.av.PreparedFixture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of real benchmarks, by name: an explicit map, no reflection. A new benchmark is one {@link
 * #register} line in the static block below (or a call from its own code before use).
 */
public final class RealBenchmarks {

    private static final Map<String, BenchmarkConfig> CONFIGS = new LinkedHashMap<>();

    static {
        register(audioVisual(AvConvention.CREMA_D, "CREMA-D, 6 emotions, audio <-> face frames (7,442 clips)",
                6_698 * 9 / 10));
        register(audioVisual(AvConvention.AVE, "AVE, 28 audio-visual events (4,143 ten-second clips)", 3_339));
        register(audioVisual(AvConvention.VGGSOUND_50, "VGGSound, C2KD's 50-class subset (train_tiny / test_tiny)",
                0));
    }

    private RealBenchmarks() {}

    /** Registers {@code config} under its name; a second registration of the same name is refused. */
    public static synchronized void register(BenchmarkConfig config) {
        if (CONFIGS.putIfAbsent(config.name(), config) != null) {
            throw new IllegalArgumentException("a benchmark named '" + config.name() + "' is already registered");
        }
    }

    /** Returns the registered names, in registration order. */
    public static synchronized List<String> names() {
        return new ArrayList<>(CONFIGS.keySet());
    }

    /** Returns the benchmark named {@code name}, or throws listing the known names. */
    public static synchronized BenchmarkConfig get(String name) {
        BenchmarkConfig config = CONFIGS.get(name);
        if (config == null) {
            throw new IllegalArgumentException("no benchmark '" + name + "'; known: " + names());
        }
        return config;
    }

    /**
     * An audio-visual benchmark as the paper runs it: {@link PreparedAvLoader} on the prepared layout,
     * ResNet-18 on both modalities (1-channel spectrogram, 3-channel frame), SGD 0.01 with momentum 0.9 and the
     * poly schedule, batch 64, 100 epochs (method.md section 2.9).
     *
     * @param trainClips the full training split's approximate size, for cost estimates (0: unknown, as for
     *     VGGSound, whose count depends on the clips still online)
     */
    public static BenchmarkConfig audioVisual(AvConvention convention, String description, int trainClips) {
        return new BenchmarkConfig(convention.name(), description, AvConvention.MODALITIES, convention.numClasses(),
                (root, split, seed, maxClips) -> PreparedAvLoader.builder().setConvention(convention).optSeed(seed)
                        .optMaxClips(maxClips).build().load(root, split),
                (root, perSplit, seed) -> PreparedFixture.write(root, convention, Math.min(4, convention.numClasses()),
                        new int[] {perSplit, perSplit, perSplit}, 96, 72, seed),
                NetworkConfig.resNet18(), 100, 64, trainClips,
                "data-scripts/" + convention.name() + "/README.md: download, then data-scripts/" + convention.name()
                        + "/prepare.sh (writes data/" + convention.name() + "/prepared)");
    }
}
