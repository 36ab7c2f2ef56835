package dev.cmkd.experiment;

import dev.cmkd.data.PairedSplit;
import dev.cmkd.train.RunSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One real benchmark as the paper runs it: how to load its prepared splits, its backbone, its classes and
 * its training hyper-parameters, how to get the data, and how to write a small synthetic stand-in for smoke
 * runs. Registered by name in {@link RealBenchmarks}; {@link RealBenchmark} runs one (method, direction, seed)
 * of it.
 *
 * @param name the benchmark's name ({@code crema-d}, ...), also the folder under {@code data/} and {@code
 *     data-scripts/}
 * @param description one line for listings
 * @param modalities the two modalities, in the splits' input order
 * @param numClasses the number of classes
 * @param loader reads one prepared split
 * @param fixture writes a synthetic prepared dataset in the same layout
 * @param network the backbone of both modalities (ResNet-18 in the paper; input channels come from the data)
 * @param epochs epochs of every teacher and student (100 in the paper)
 * @param batchSize the batch size (64 in the paper)
 * @param trainClips the approximate size of the full training split, for cost estimates (0: unknown)
 * @param howToGet how to obtain and prepare the data, printed when it is missing
 */
public record BenchmarkConfig(String name, String description, List<String> modalities, int numClasses,
        SplitLoader loader, Fixture fixture, NetworkConfig network, int epochs, int batchSize, int trainClips,
        String howToGet) {

    /** Reads one split of a prepared dataset. */
    @FunctionalInterface
    public interface SplitLoader {
        /**
         * Returns split {@code split} ({@code train}, {@code val} or {@code test}) of the prepared dataset at
         * {@code root}, its training views seeded by {@code seed}, at most {@code maxClips} samples.
         */
        PairedSplit load(Path root, String split, long seed, int maxClips);
    }

    /** Writes a synthetic prepared dataset, for smoke runs and cost measurements. */
    @FunctionalInterface
    public interface Fixture {
        /** Writes {@code perSplit} samples per split into {@code root}, seeded by {@code seed}; returns the root. */
        Path write(Path root, int perSplit, long seed);
    }

    /** Validates the values. */
    public BenchmarkConfig {
        if (modalities.size() != 2 || numClasses < 2 || epochs < 1 || batchSize < 1 || trainClips < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "BenchmarkConfig %s: need two modalities"
                    + " (%s), numClasses >= 2 (%d), epochs >= 1 (%d), batchSize >= 1 (%d), trainClips >= 0 (%d)",
                    name, modalities, numClasses, epochs, batchSize, trainClips));
        }
        modalities = List.copyOf(modalities);
    }

    /** Returns the default prepared root, {@code data/<name>/prepared}. */
    public Path defaultData() {
        return Path.of("data", name, "prepared");
    }

    /** Returns the paper's run specification (SGD 0.01, momentum 0.9, poly, {@link #batchSize}) with {@code seed}. */
    public RunSpec runSpec(int runEpochs, int runBatchSize, long seed) {
        RunSpec paper = RunSpec.paper(runEpochs, seed);
        return new RunSpec(runEpochs, runBatchSize, paper.learningRate(), paper.finalLearningRate(),
                paper.polyPower(), paper.momentum(), seed);
    }
}
