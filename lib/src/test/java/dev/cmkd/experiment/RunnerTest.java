package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.report.EpochCostReport;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.DatasetException;
import dev.cmkd.testing.TestSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tech.tablesaw.api.Table;

/**
 * The registry holds the embedded benchmark, the paper's five real ones and the synthetic MFH task, and one command of each (what {@code
 * lib/bin/kit run <benchmark>} runs) trains a teacher and an FD-CMKD student on a synthetic stand-in and writes its
 * rows; the report gathers the commands; the epoch-cost mode reports the cost of one epoch of each (printed, at a
 * tiny width so that the test stays short).
 */
class RunnerTest {

    private static final List<String> REAL = List.of("crema-d", "ave", "vggsound-50", "crisismmd", "nyu-depth-v2");

    @TempDir
    Path temp;

    @Test
    void registryHoldsTheBenchmarksAndRefusesUnknownNames() {
        assertEquals("av-mnist-tts", TaskRegistry.names().get(0));
        assertEquals(REAL, TaskRegistry.names().subList(1, 1 + REAL.size()));
        assertEquals(List.of("mfh-synthetic"), TaskRegistry.names().subList(1 + REAL.size(),
                TaskRegistry.names().size()));
        assertEquals(List.of("audio", "visual"), TaskRegistry.get("ave").modalities());
        assertEquals(List.of("image", "text"), TaskRegistry.get("crisismmd").modalities());
        assertEquals(List.of("rgb", "depth"), TaskRegistry.get("nyu-depth-v2").modalities());
        String unknown = assertThrows(IllegalArgumentException.class, () -> TaskRegistry.get("nope")).getMessage();
        assertTrue(unknown.contains("nyu-depth-v2") && unknown.contains("crema-d") && unknown.contains("fix"),
                unknown);
        for (String name : REAL) {
            assertTrue(TaskRegistry.get(name).howToGet().contains("data-scripts/"), name);
        }
    }

    @Test
    void settingsNameTheKnownStudentsAndMethods() {
        TaskType crisis = TaskRegistry.get("crisismmd");
        String student = assertThrows(IllegalArgumentException.class, () -> TestSettings.of(crisis, "students=audio"))
                .getMessage();
        assertTrue(student.contains("[image, text]") && student.contains("-Dfdcmkd.students="), student);
        String method = assertThrows(IllegalArgumentException.class, () -> TestSettings.of(crisis,
                "methods=fd-cmkd-channel")).getMessage();
        assertTrue(method.contains("fd-cmkd-channel") && method.contains("c2kd"), method);
        assertTrue(TestSettings.of(TaskRegistry.get("nyu-depth-v2"), "methods=fd-cmkd-channel") != null);
    }

    @Test
    void missingDataSaysHowToGetIt() {
        for (String name : REAL) {
            TaskType type = TaskRegistry.get(name);
            Settings settings = TestSettings.of(type, "data=" + temp.resolve("absent"), "output=" + temp.resolve("out"),
                    "fixture=false");
            String message = assertThrows(DatasetException.class, () -> Runner.train(type, settings)).getMessage();
            assertTrue(message.contains("absent") && message.contains("data-scripts/") && message.contains("fix"),
                    name + ": " + message);
            assertTrue(!Files.exists(temp.resolve("out/runs")), "nothing trained for " + name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"crema-d", "ave", "vggsound-50", "crisismmd", "nyu-depth-v2"})
    void oneCommandTrainsTeacherAndStudentOnAStandIn(String name) {
        TaskType type = TaskRegistry.get(name);
        String student = type.modalities().get(1);
        Path output = temp.resolve(name);
        Settings settings = TestSettings.of(type, "profile=ci", "fixture=true", "output=" + output, "methods=fd-cmkd",
                "students=" + student, "seeds=0");
        Table summary = Runner.train(type, settings).summary();
        assertTrue(summary.rowCount() >= 2, summary.print());
        Path rows = output.resolve("results/fd-cmkd-" + student + "-seed0.csv");
        assertTrue(Files.isRegularFile(rows), rows.toString());
        // teacher and student, each under the three selection protocols
        assertEquals(6, Table.read().csv(rows.toFile()).rowCount());
        // the second time, both runs are read back
        assertEquals(summary.print(), Runner.train(type, settings).summary().print());
        Table report = Runner.report(output);
        assertEquals(List.of("teacher", "student"), report.stringColumn("role").asList());
        assertEquals(List.of(1, 1), report.intColumn("seeds").asList());
        assertTrue(Files.isRegularFile(output.resolve("summary.csv")));
        assertTrue(Files.isRegularFile(output.resolve(name.equals("nyu-depth-v2") ? "miou.png" : "accuracy.png")));
    }

    @Test
    void reportGathersTheCommandsAndCountsASharedTeacherOnce() {
        TaskType type = TaskRegistry.get("ave");
        Path output = temp.resolve("ave");
        String missing = assertThrows(IllegalArgumentException.class, () -> Runner.report(output)).getMessage();
        assertTrue(missing.contains("lib/bin/kit run"), missing);
        Runner.train(type, TestSettings.of(type, "profile=ci", "fixture=true", "output=" + output, "methods=kd,fd-cmkd",
                "students=audio", "seeds=0"));
        Runner.train(type, TestSettings.of(type, "profile=ci", "fixture=true", "output=" + output, "methods=kd",
                "students=audio", "seeds=1"));
        Runner.train(type, TestSettings.of(type, "profile=ci", "fixture=true", "output=" + output, "methods=kd",
                "students=visual", "seeds=0"));
        Table summary = Runner.report(output);
        Table rows = Table.read().csv(output.resolve("results.csv").toFile());
        // teachers: visual seeds 0 and 1, audio seed 0; students: kd audio 0 and 1, fd-cmkd audio 0, kd visual 0
        assertEquals((3 + 4) * 3, rows.rowCount());
        Table kd = summary.where(summary.stringColumn("method").isEqualTo("kd")
                .and(summary.stringColumn("modality").isEqualTo("audio")));
        assertEquals(2, kd.intColumn("seeds").get(0));
        Table seed1 = Table.read().csv(output.resolve("results/kd-audio-seed1.csv").toFile());
        Table seed0 = Table.read().csv(output.resolve("results/kd-audio-seed0.csv").toFile());
        double expected = (student(seed0) + student(seed1)) / 2;
        assertEquals(expected, kd.doubleColumn("bestVal_mean").get(0), 1e-12);
    }

    private static double student(Table commandRows) {
        return commandRows.where(commandRows.stringColumn("role").isEqualTo("student")
                .and(commandRows.stringColumn("protocol").isEqualTo("bestVal"))).numberColumn("test_accuracy")
                .getDouble(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"crema-d", "crisismmd", "nyu-depth-v2"})
    void epochCostTimesOneTeacherAndOneStudentEpoch(String name) {
        TaskType type = TaskRegistry.get(name);
        List<String> pairs = new java.util.ArrayList<>(List.of("output=" + temp.resolve("cost"), "width=4"));
        if (name.equals("crisismmd")) {
            pairs.add("imageSize=32");
        }
        if (name.equals("nyu-depth-v2")) {
            pairs.addAll(List.of("downsample=5", "crop=96x128"));
        }
        EpochCostReport cost = Runner.epochCost(type, TestSettings.of(type, pairs.toArray()));
        System.out.print(cost);
        assertEquals(2, cost.secondsPerRun().size(), cost.toString());
        assertTrue(cost.secondsPerRun().values().stream().allMatch(s -> s > 0), cost.toString());
        assertEquals(16, cost.trainedSamples());
        assertTrue(cost.toString().contains("per training sample"), cost.toString());
        assertTrue(cost.peakResidentBytes() > 0, cost.toString());
    }
}
