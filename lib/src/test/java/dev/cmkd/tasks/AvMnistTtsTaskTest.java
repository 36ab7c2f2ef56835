package dev.cmkd.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.experiment.Runner;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.cli.Profile;
import dev.cmkd.cli.Settings;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.testing.TestSettings;
import dev.cmkd.method.MethodRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/** The main job end to end on a tiny dataset in the AV-MNIST-TTS layout, and its settings. */
class AvMnistTtsTaskTest {

    @Test
    void settingsOverrideTheMainJobsDefaultsAndEachProfileHasItsOwnOutput() {
        Settings defaults = TestSettings.of(AvMnistTtsTask.TYPE);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), defaults.get(TaskRegistry.SEEDS));
        assertEquals(2, defaults.get(TaskRegistry.WORKERS));
        assertEquals(MethodRegistry.defaults(FeatureLayout.VECTOR, true),
                defaults.get(TaskRegistry.methods(AvMnistTtsTask.TYPE)));
        assertEquals(Path.of("results/embedded"), Runner.output(AvMnistTtsTask.TYPE, defaults));
        Settings read = TestSettings.of(AvMnistTtsTask.TYPE, "seeds=4,5");
        assertEquals(List.of(4L, 5L), read.get(TaskRegistry.SEEDS));
        assertEquals(defaults.get(TaskRegistry.TEACHER_EPOCHS), read.get(TaskRegistry.TEACHER_EPOCHS));
        Settings ci = TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci");
        assertEquals(Profile.CI, ci.profile());
        assertEquals(Path.of("results/embedded-ci"), Runner.output(AvMnistTtsTask.TYPE, ci));
        assertEquals(List.of(0L), ci.get(TaskRegistry.SEEDS));
        assertEquals(1, ci.get(TaskRegistry.WORKERS));
    }

    @Test
    void everyTeacherAndStudentRunsAndIsReported(@TempDir Path dir) throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Path out = dir.resolve("out");
        Settings settings = TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci", "data=" + data, "output=" + out,
                "seeds=0,1", "width=4", "batchSize=4");
        BenchmarkReport report = Runner.train(AvMnistTtsTask.TYPE, settings);

        Table summary = report.summary();
        // 2 teachers + 2 student modalities x every method, each over 2 seeds.
        assertEquals(2 + 2 * MethodRegistry.defaults(FeatureLayout.VECTOR, true).size(), summary.rowCount());
        for (int row = 0; row < summary.rowCount(); row++) {
            assertEquals(2, summary.intColumn("seeds").getInt(row));
        }
        for (String file : List.of("results.csv", "summary.csv", "accuracy.png", "curves-image.png",
                "curves-audio.png", "results/fd-cmkd-audio-seed1.csv")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        assertTrue(Files.exists(out.resolve("runs/student-audio-fd-cmkd-seed1/checkpoint.bin")));
        // Started again, the job reads every finished run back instead of training it.
        BenchmarkReport again = Runner.train(AvMnistTtsTask.TYPE, settings);
        assertEquals(summary.doubleColumn("bestVal_mean").asList(),
                again.summary().doubleColumn("bestVal_mean").asList());
        // The gathered report of every command equals the invocation's summary.
        assertEquals(summary.doubleColumn("bestVal_mean").asList().stream().sorted().toList(), Runner.report(out)
                .doubleColumn("bestVal_mean").asList().stream().sorted().toList());
    }
}
