package dev.cmkd.experiment;

import dev.cmkd.data.av.AvConvention;
import dev.cmkd.experiment.crisis.CrisisMmdBenchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of the paper's real benchmarks, by name: an explicit map, no reflection. A new benchmark is one
 * {@link #register} line in the static block below (or a call from its own code before use).
 */
public final class RealBenchmarks {

    private static final Map<String, Benchmark> BENCHMARKS = new LinkedHashMap<>();

    static {
        register(AudioVisualBenchmark.paper(AvConvention.CREMA_D,
                "CREMA-D, 6 emotions, audio <-> face frames (7,442 clips)", 6_698 * 9 / 10));
        register(AudioVisualBenchmark.paper(AvConvention.AVE,
                "AVE, 28 audio-visual events (4,143 ten-second clips)", 3_339));
        register(AudioVisualBenchmark.paper(AvConvention.VGGSOUND_50,
                "VGGSound, C2KD's 50-class subset (train_tiny / test_tiny)", 0));
        register(CrisisMmdBenchmark.registered());
        register(SegmentationBenchmark.registered());
    }

    private RealBenchmarks() {}

    /** Registers {@code benchmark} under its name; a second registration of the same name is refused. */
    public static synchronized void register(Benchmark benchmark) {
        if (BENCHMARKS.putIfAbsent(benchmark.name(), benchmark) != null) {
            throw new IllegalArgumentException("a benchmark named '" + benchmark.name() + "' is already registered");
        }
    }

    /** Returns the registered names, in registration order. */
    public static synchronized List<String> names() {
        return new ArrayList<>(BENCHMARKS.keySet());
    }

    /** Returns the benchmark named {@code name}, or throws listing the known names. */
    public static synchronized Benchmark get(String name) {
        Benchmark benchmark = BENCHMARKS.get(name);
        if (benchmark == null) {
            throw new IllegalArgumentException("no benchmark '" + name + "'; known: " + names());
        }
        return benchmark;
    }

    /** Returns the audio-visual benchmark named {@code name}, or throws naming the audio-visual ones. */
    public static AudioVisualBenchmark audioVisual(String name) {
        if (get(name) instanceof AudioVisualBenchmark audioVisual) {
            return audioVisual;
        }
        throw new IllegalArgumentException("'" + name + "' is not an audio-visual benchmark; those are "
                + names().stream().filter(n -> get(n) instanceof AudioVisualBenchmark).toList());
    }
}
