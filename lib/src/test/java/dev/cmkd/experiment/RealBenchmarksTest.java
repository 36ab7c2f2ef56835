package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.loading.DatasetException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tech.tablesaw.api.Table;

/**
 * The registry holds the paper's five real benchmarks, and one command of each (what {@code lib/bin/kit real
 * <dataset>} runs) trains a teacher and an FD-CMKD student on a synthetic stand-in and writes its rows; its
 * epoch-cost mode reports the cost of one epoch of each (printed, at a tiny width so that the test stays short).
 */
class RealBenchmarksTest {

    private static final List<String> NAMES = List.of("crema-d", "ave", "vggsound-50", "crisismmd", "nyu-depth-v2");

    @TempDir
    Path temp;

    @Test
    void registryHoldsTheFiveBenchmarksAndRefusesUnknownNamesAndDuplicates() {
        assertEquals(NAMES, RealBenchmarks.names());
        assertEquals(List.of("audio", "visual"), RealBenchmarks.get("ave").modalities());
        assertEquals(List.of("image", "text"), RealBenchmarks.get("crisismmd").modalities());
        assertEquals(List.of("rgb", "depth"), RealBenchmarks.get("nyu-depth-v2").modalities());
        assertTrue(RealBenchmarks.get("nyu-depth-v2").methods().contains("fd-cmkd-channel"));
        String unknown = assertThrows(IllegalArgumentException.class, () -> RealBenchmarks.get("nope")).getMessage();
        assertTrue(unknown.contains("nyu-depth-v2") && unknown.contains("crema-d"), unknown);
        assertThrows(IllegalArgumentException.class, () -> RealBenchmarks.register(RealBenchmarks.get("ave")));
        String notAv = assertThrows(IllegalArgumentException.class, () -> RealBenchmarks.audioVisual("crisismmd"))
                .getMessage();
        assertTrue(notAv.contains("[crema-d, ave, vggsound-50]"), notAv);
        for (String name : NAMES) {
            assertTrue(RealBenchmarks.get(name).howToGet().contains("data-scripts/"), name);
        }
    }

    @Test
    void aCommandNamesTheKnownStudentsAndMethods() {
        Benchmark crisis = RealBenchmarks.get("crisismmd");
        String student = assertThrows(IllegalArgumentException.class, () -> crisis.checkCommand("kd", "audio"))
                .getMessage();
        assertTrue(student.contains("[image, text]") && student.contains("-Dfdcmkd.student=image"), student);
        String method = assertThrows(IllegalArgumentException.class, () -> crisis.checkCommand("fd-cmkd-channel",
                "text")).getMessage();
        assertTrue(method.contains("crisismmd") && method.contains("c2kd"), method);
        assertEquals("image", crisis.otherModality("text"));
    }

    @Test
    void missingDataSaysHowToGetIt() {
        withProperties(Map.of("fdcmkd.data", temp.resolve("absent").toString(), "fdcmkd.output",
                temp.resolve("out").toString()), () -> {
                    for (String name : NAMES) {
                        String message = assertThrows(DatasetException.class, () -> RealBenchmarks.get(name).run(
                                "fd-cmkd", RealBenchmarks.get(name).modalities().get(0), 0)).getMessage();
                        assertTrue(message.contains("absent") && message.contains("data-scripts/")
                                && message.contains("fix"), name + ": " + message);
                    }
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"crema-d", "ave", "vggsound-50", "crisismmd", "nyu-depth-v2"})
    void oneCommandTrainsTeacherAndStudentOnAStandIn(String name) {
        Benchmark benchmark = RealBenchmarks.get(name);
        String student = benchmark.modalities().get(1);
        Path output = temp.resolve(name);
        withProperties(Map.of("fdcmkd.profile", "ci", "fdcmkd.fixture", "true", "fdcmkd.output", output.toString()),
                () -> {
                    assertEquals(output, benchmark.outputDir());
                    Table summary = benchmark.run("fd-cmkd", student, 0);
                    assertTrue(summary.rowCount() >= 2, summary.print());
                    Path rows = output.resolve("results/fd-cmkd-" + student + "-seed0.csv");
                    assertTrue(Files.isRegularFile(rows), rows.toString());
                    // teacher and student, each under the three selection protocols
                    assertEquals(6, Table.read().csv(rows.toFile()).rowCount());
                    // the second time, both runs are read back
                    assertEquals(summary.print(), benchmark.run("fd-cmkd", student, 0).print());
                    Table report = RealBenchmark.report(output);
                    assertEquals(List.of("teacher", "student"), report.stringColumn("role").asList());
                    assertEquals(List.of(1, 1), report.intColumn("seeds").asList());
                    assertTrue(Files.isRegularFile(output.resolve("summary.csv")));
                    assertTrue(Files.isRegularFile(output.resolve(name.equals("nyu-depth-v2") ? "miou.png"
                            : "accuracy.png")));
                });
    }

    @Test
    void reportGathersTheCommandsAndCountsASharedTeacherOnce() {
        Benchmark benchmark = RealBenchmarks.get("ave");
        Path output = temp.resolve("ave");
        String missing = assertThrows(IllegalArgumentException.class, () -> RealBenchmark.report(output))
                .getMessage();
        assertTrue(missing.contains("lib/bin/kit real"), missing);
        withProperties(Map.of("fdcmkd.profile", "ci", "fdcmkd.fixture", "true", "fdcmkd.output", output.toString()),
                () -> {
                    for (String method : List.of("kd", "fd-cmkd")) {
                        benchmark.run(method, "audio", 0);
                    }
                    benchmark.run("kd", "audio", 1);
                    benchmark.run("kd", "visual", 0);
                });
        Table summary = RealBenchmark.report(output);
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
        withProperties(Map.of("fdcmkd.width", "4", "fdcmkd.imageSize", "32", "fdcmkd.downsample", "5",
                "fdcmkd.crop", "96x128"), () -> {
                    EpochCostReport cost = RealBenchmarks.get(name).epochCost(temp.resolve("cost"));
                    System.out.print(cost);
                    assertEquals(2, cost.secondsPerRun().size(), cost.toString());
                    assertTrue(cost.secondsPerRun().values().stream().allMatch(s -> s > 0), cost.toString());
                    assertEquals(16, cost.trainedSamples());
                    assertTrue(cost.toString().contains("per training sample"), cost.toString());
                    assertTrue(cost.peakResidentBytes() > 0, cost.toString());
                });
    }

    private static void withProperties(Map<String, String> properties, Runnable body) {
        properties.forEach(System::setProperty);
        try {
            body.run();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }
}
