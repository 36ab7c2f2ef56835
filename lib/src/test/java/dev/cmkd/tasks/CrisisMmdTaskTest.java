package dev.cmkd.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.testing.TestSettings;
import dev.cmkd.experiment.Runner;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.data.crisis.CrisisMmdFixture;
import dev.cmkd.data.crisis.CrisisMmdLoader;
import dev.cmkd.report.BenchmarkReport;
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
 * synthetic prepared layout, and the text side from pretrained features.
 */
class CrisisMmdTaskTest {

    @TempDir
    Path temp;

    static BenchmarkReport run(Path data, Path output, List<String> methods, Path features) {
        List<String> pairs = new ArrayList<>(List.of("profile=ci", "data=" + data, "output=" + output, "methods="
                + String.join(",", methods), "batchSize=8", "imageSize=16", "width=4", "maxRows=" + Integer.MAX_VALUE));
        if (features != null) {
            pairs.add("textFeatures=" + features);
        }
        return Runner.train(CrisisMmdTask.TYPE, TestSettings.of(CrisisMmdTask.TYPE, pairs.toArray()));
    }

    @Test
    void trainsTeachersAndEveryMethodInBothDirections() throws Exception {
        Path data = temp.resolve("prepared");
        CrisisMmdFixture.writePrepared(data, 2);
        BenchmarkReport report = run(data, temp.resolve("out"), MethodRegistry.names(FeatureLayout.VECTOR, false), null);
        Table results = report.results();
        int students = 2 * MethodRegistry.names(FeatureLayout.VECTOR, false).size();
        assertEquals((2 + students) * 3, results.rowCount());
        for (String method : MethodRegistry.names(FeatureLayout.VECTOR, false)) {
            for (String student : CrisisMmdTask.TYPE.modalities()) {
                Table rows = results.where(results.stringColumn("method").isEqualTo(method)
                        .and(results.stringColumn("modality").isEqualTo(student)));
                assertEquals(3, rows.rowCount(), method + " " + student);
                double accuracy = rows.doubleColumn("test_accuracy").get(0);
                assertTrue(accuracy >= 0 && accuracy <= 1, method + " " + student + ": " + accuracy);
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
        BenchmarkReport report = run(data, temp.resolve("out"), List.of("fd-cmkd"), features);
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
