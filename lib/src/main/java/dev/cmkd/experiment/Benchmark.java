package dev.cmkd.experiment;

import java.nio.file.Path;
import java.util.List;

import tech.tablesaw.api.Table;

/**
 * A benchmark of the paper on real data, as {@link RealBenchmarks} registers it and {@code lib/bin/kit real
 * <name>} runs it: one command trains (or resumes, or reads back) the teacher of one modality and the student of
 * the other with one method and seed, on the prepared data or on a synthetic stand-in of the same layout.
 *
 * <p>The registered implementations: {@link AudioVisualBenchmark} (CREMA-D, AVE, VGGSound-50), {@link
 * dev.cmkd.experiment.crisis.CrisisMmdBenchmark#registered()} (image-text) and {@link
 * SegmentationBenchmark#registered()} (RGB-depth segmentation). Each documents the system properties it reads
 * beyond the command's method, student and seed.
 */
public interface Benchmark {

    /** Returns the name: the folder under {@code data/}, {@code data-scripts/} and {@code results/real/}. */
    String name();

    /** Returns one line for listings. */
    String description();

    /** Returns the two modalities. */
    List<String> modalities();

    /** Returns the names of the distillation methods this benchmark runs. */
    List<String> methods();

    /** Returns how to obtain and prepare the data. */
    String howToGet();

    /**
     * Returns where the commands of the current settings (system properties: profile, {@code -Dfdcmkd.output})
     * write their runs and rows.
     */
    Path outputDir();

    /**
     * Runs one command: the teacher of the modality that is not {@code student}, then the student with {@code
     * method} and {@code seed}, each resumed or read back when it has run before. The other settings (profile,
     * data, output, {@code -Dfdcmkd.fixture=true} for a synthetic stand-in, size overrides) come from system
     * properties. Writes the command's result files and returns its summary table.
     */
    Table run(String method, String student, long seed);

    /**
     * Trains one teacher epoch and one FD-CMKD student epoch on a small synthetic stand-in written under {@code
     * workDir} (replaced), at the paper's input sizes, network and batch size unless system properties override
     * them, and returns what they cost.
     */
    EpochCostReport epochCost(Path workDir);

    /**
     * Returns the file of one command's rows, {@code <outputDir>/results/<method>-<student>-seed<seed>.csv}, which
     * {@link RealBenchmark#report} gathers.
     */
    static Path commandRows(Path outputDir, String method, String student, long seed) {
        return outputDir.resolve("results").resolve(method + "-" + student + "-seed" + seed + ".csv");
    }

    /**
     * Checks that {@code method} and {@code student} are among this benchmark's.
     *
     * @throws IllegalArgumentException naming the known values
     */
    default void checkCommand(String method, String student) {
        if (!modalities().contains(student)) {
            throw new IllegalArgumentException("student modality '" + student + "' is not one of " + name() + "'s "
                    + modalities() + "; fix: -Dfdcmkd.student=" + modalities().get(0));
        }
        if (!methods().contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "' for " + name() + "; known: "
                    + methods());
        }
    }

    /** Returns the modality that is not {@code modality}. */
    default String otherModality(String modality) {
        return modalities().get(1 - modalities().indexOf(modality));
    }
}
