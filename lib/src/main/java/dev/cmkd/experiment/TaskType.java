package dev.cmkd.experiment;

import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Settings;
import dev.cmkd.method.FeatureLayout;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark as {@code lib/bin/kit run <name>} knows it before any data are read: what it is, where its data come
 * from and its results go, its own settings beside the protocol's ({@link TaskRegistry#protocolOptions}), and how to
 * build its {@link Task} from settings. Adding a benchmark is one task class with its type and one {@link
 * TaskRegistry} line.
 *
 * @param name the name: the folder under {@code data/} and {@code data-scripts/}
 * @param description one line for listings
 * @param howToGet how to obtain and prepare the data
 * @param output where the {@code full} profile's runs and tables go ({@code ci}'s go to {@code <output>-ci})
 * @param modalities the two modalities
 * @param layout the features the methods see, which decides the methods available
 * @param stageMaps whether both modalities' networks give their stage maps ({@link
 *     dev.cmkd.method.NetworkOutput#stages}, ResNets do), which {@link dev.cmkd.method.FitNet}'s hint needs
 * @param epochs the epochs of teachers and students, {@code {full, ci}}
 * @param batchSize the batch size, {@code {full, ci}}
 * @param seeds the seeds of the {@code full} profile, 0 to {@code seeds - 1} ({@code ci} runs seed 0)
 * @param workers the worker processes of the {@code full} profile ({@link Workers}; {@code ci} runs one): more
 *     than one where the networks are too small for the engine's intra-op threads to keep the cores busy
 * @param options the task's own settings (data, sizes, network)
 * @param factory builds the task from settings (the protocol's and the task's)
 * @param costRun builds a small stand-in at the paper's sizes for {@code epoch-cost}, or null when there is none
 */
public record TaskType(String name, String description, String howToGet, Path output, List<String> modalities,
        FeatureLayout layout, boolean stageMaps, int[] epochs, int[] batchSize, int seeds, int workers,
        List<Option<?>> options, Factory factory,
        CostFactory costRun) {

    /** Builds a task from settings. */
    @FunctionalInterface
    public interface Factory {
        /** Returns the task of {@code settings} with output folder {@code output} (stand-ins are written there). */
        Task create(Settings settings, Path output);
    }

    /** Builds the stand-in of an epoch-cost measurement. */
    @FunctionalInterface
    public interface CostFactory {
        /** Returns the cost run of {@code settings} with its data written under {@code workDir}. */
        CostRun create(Settings settings, Path workDir);
    }

    /**
     * One teacher epoch and one FD-CMKD student epoch to time.
     *
     * @param task a task on a small stand-in at the paper's input sizes and network
     * @param student the student's modality (the teacher has the other)
     * @param batchSize the batch size
     * @param setup the network, input sizes and batch, in words
     * @param fullTrainSamples the full training split's approximate size (0: unknown)
     */
    public record CostRun(Task task, String student, int batchSize, String setup, int fullTrainSamples) {}

    /** Returns the name of a folder in listings and messages: {@code name}, lower case. */
    public String label() {
        return name.toLowerCase(Locale.ROOT);
    }
}
