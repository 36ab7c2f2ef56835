package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.loading.TinyAvMnistTts;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/** The main job end to end on a tiny dataset in the AV-MNIST-TTS layout. */
class EmbeddedBenchmarkTest {

    @Test
    void systemPropertiesOverrideTheMainJobsDefaults() {
        EmbeddedBenchmark.Settings defaults = EmbeddedBenchmark.Settings.defaults(false, Path.of("data/av-mnist-tts"),
                Path.of("results/embedded"));
        assertEquals(List.of(0L, 1L, 2L), defaults.seeds());
        assertEquals(MethodRegistry.names(FeatureLayout.VECTOR), defaults.methods());
        System.setProperty("fdcmkd.seeds", "4,5");
        try {
            EmbeddedBenchmark.Settings read = EmbeddedBenchmark.Settings.fromSystemProperties();
            assertEquals(List.of(4L, 5L), read.seeds());
            assertEquals(defaults.teacherEpochs(), read.teacherEpochs());
            assertEquals(defaults.outputDir(), read.outputDir());
        } finally {
            System.clearProperty("fdcmkd.seeds");
        }
    }

    @Test
    void everyTeacherAndStudentRunsAndIsReported(@TempDir Path dir) throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        EmbeddedBenchmark.Settings settings = new EmbeddedBenchmark.Settings(data, dir.resolve("out"), List.of(0L, 1L),
                1, 1, Integer.MAX_VALUE, MethodRegistry.names(FeatureLayout.VECTOR), -5, new NetworkConfig(4, new int[] {1}, false), 4, false);
        BenchmarkReport report = EmbeddedBenchmark.run(settings);

        Table summary = report.summary();
        // 2 teachers + 2 student modalities x every method, each over 2 seeds.
        assertEquals(2 + 2 * MethodRegistry.names(FeatureLayout.VECTOR).size(), summary.rowCount());
        for (int row = 0; row < summary.rowCount(); row++) {
            assertEquals(2, summary.intColumn("seeds").getInt(row));
        }
        report.write(settings.outputDir());
        for (String file : List.of("results.csv", "summary.csv", "accuracy.png", "curves-image.png",
                "curves-audio.png")) {
            assertTrue(Files.size(settings.outputDir().resolve(file)) > 0, file);
        }
        assertTrue(Files.exists(settings.outputDir().resolve("runs/student-audio-fd-cmkd-seed1/checkpoint.bin")));
        // Started again, the job reads every finished run back instead of training it.
        BenchmarkReport again = EmbeddedBenchmark.run(settings);
        assertEquals(summary.doubleColumn("bestVal_mean").asList(), again.summary().doubleColumn("bestVal_mean").asList());
    }
}
