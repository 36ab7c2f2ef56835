package dev.cmkd.experiment.crisis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.method.FeatureLayout;
import dev.cmkd.data.loading.CrisisMmdFixture;
import dev.cmkd.data.loading.CrisisMmdLoader;
import dev.cmkd.experiment.BenchmarkReport;
import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.testing.NpyFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * One short training of both teachers and of a student of every registered method in both directions on the
 * synthetic prepared layout; prints the time and peak memory of each epoch at this fixture scale.
 */
class CrisisMmdBenchmarkTest {

    @TempDir
    Path temp;

    static CrisisMmdBenchmark.Settings tiny(Path data, Path output, List<String> methods, Path features) {
        return new CrisisMmdBenchmark.Settings(data, output, List.of(0L), 1, 1, 8, methods,
                CrisisMmdBenchmark.DIRECTIONS, 16,
                new CrisisMmdNetworks(new NetworkConfig(4, new int[] {1, 1}, false), 8, new int[] {2, 3}, 4, 0.5f, 8),
                Integer.MAX_VALUE, features);
    }

    @Test
    void trainsTeachersAndEveryMethodInBothDirections() throws Exception {
        Path data = temp.resolve("prepared");
        CrisisMmdFixture.writePrepared(data, 2);
        CrisisMmdBenchmark.Settings settings = tiny(data, temp.resolve("out"), MethodRegistry.names(FeatureLayout.VECTOR), null);
        BenchmarkReport report = CrisisMmdBenchmark.run(settings);
        Table results = report.results();
        int students = 2 * MethodRegistry.names(FeatureLayout.VECTOR).size();
        assertEquals((2 + students) * 3, results.rowCount());
        for (String method : MethodRegistry.names(FeatureLayout.VECTOR)) {
            for (String direction : CrisisMmdBenchmark.DIRECTIONS) {
                Table rows = results.where(results.stringColumn("method").isEqualTo(method)
                        .and(results.stringColumn("modality").isEqualTo(CrisisMmdBenchmark.studentOf(direction))));
                assertEquals(3, rows.rowCount(), method + " " + direction);
                double accuracy = rows.doubleColumn("test_accuracy").get(0);
                assertTrue(accuracy >= 0 && accuracy <= 1, method + " " + direction + ": " + accuracy);
            }
        }
        // every run but the reused "none" students has its own directory
        try (var runs = Files.list(temp.resolve("out/runs"))) {
            assertEquals(2 + students - 2, runs.count());
        }
        Path fdcmkd = temp.resolve("out/runs/student-text-fd-cmkd-seed0/metrics.csv");
        String header = Files.exists(fdcmkd) ? readFirstLine(fdcmkd) : "";
        for (String term : List.of("train_task", "train_low", "train_high", "train_phiLow", "val_head", "test_psiLow")) {
            assertTrue(header.contains(term), header);
        }
        assertTrue(Files.exists(temp.resolve("out/vocabulary-seed0.tsv")));
    }

    @Test
    void trainsOnPretrainedTextFeatures() throws Exception {
        Path data = temp.resolve("prepared");
        CrisisMmdFixture.writePrepared(data, 1);
        Path features = data.resolve("text-features");
        Files.createDirectories(features);
        for (String split : CrisisMmdLoader.SPLITS) {
            float[] values = new float[8 * 6];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) Math.sin(i);
            }
            NpyFiles.writeFloat32(features.resolve(split + ".npy"), 8, 6, values);
        }
        BenchmarkReport report = CrisisMmdBenchmark.run(tiny(data, temp.resolve("out"), List.of("fd-cmkd"), features));
        assertEquals((2 + 2) * 3, report.results().rowCount());
        assertTrue(Files.readString(temp.resolve("out/runs/teacher-text-seed0/config.json"))
                .contains(features.toString()), "the run records its text input");
    }

    private static String readFirstLine(Path file) {
        try {
            return Files.readAllLines(file).get(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
