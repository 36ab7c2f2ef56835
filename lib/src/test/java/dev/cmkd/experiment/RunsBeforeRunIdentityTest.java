package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.Splits;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;
import dev.cmkd.model.FeaturePoint;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished runs written before a run's identity covered its data and the engine's thread count, and before run files
 * had a manifest of digests, are refused rather than read back: their {@code config.json} cannot say which data
 * trained them, and their files cannot be verified. The message names the field the old claim lacks and the fix;
 * nothing in the old directories changes, and nothing trains.
 *
 * <p>The resources {@code runs-before-run-identity/} (four run directories: {@code config.json}, {@code
 * checkpoint.bin}, {@code best.params}, {@code metrics.csv}) were written at commit {@code fc00f4a} by {@code
 * PairedExperiment} on {@code new SyntheticPairs(4, 8, 1.0, 5)} with the splits {@code ("train", 192, 0)}, {@code
 * ("val", 64, 1000)}, {@code ("test", 64, 2000)}, a ResNet of width 8 with two stages and {@code new RunSpec(2, 32,
 * 0.05, 1e-4, 0.9, 0.9, 1)}: the teachers of "b" and "a", the students "a" with "fd-cmkd" and with "c2kd".
 */
class RunsBeforeRunIdentityTest {

    private static final List<String> RUNS = List.of("teacher-b-seed1", "teacher-a-seed1", "student-a-fd-cmkd-seed1",
            "student-a-c2kd-seed1");

    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final NetworkConfig TINY = new NetworkConfig(8, new int[] {1, 1}, true, FeaturePoint.POST_RELU);
    private static final Splits SPLITS = new Splits(DATA.split("train", 192, 0), DATA.split("val", 64, 1000),
            DATA.split("test", 64, 2000));
    private static final RunSpec SPEC = new RunSpec(2, 32, 0.05, 1e-4, 0.9, 0.9, 1);

    /** Fails the test if anything trains. */
    private static final TrainingLoop.Listener NO_TRAINING = new TrainingLoop.Listener() {
        @Override
        public void onBatch(int epoch, int batch, int batches) {
            throw new AssertionError("a run of the old layout trains (epoch " + epoch + ", batch " + batch + ")");
        }

        @Override
        public void onEpoch(EpochRecord record, int epochs) {
            throw new AssertionError("a run of the old layout trains: " + record);
        }
    };

    @TempDir
    Path runs;

    private Experiment experiment;

    @BeforeEach
    void copyTheOldRuns() throws Exception {
        Path source = Path.of(resource("runs-before-run-identity").toURI());
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path target = runs.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        experiment = new Experiment(new PairedTask("synthetic", "SYNTHETIC", TINY, seed -> SPLITS, Map.of()), runs);
    }

    @Test
    void finishedRunsOfTheOldLayoutAreRefusedNamingTheMissingFieldAndLeftAsTheyWere() throws Exception {
        Map<String, Map<String, byte[]>> before = files();
        Map<String, Executable> reads = new LinkedHashMap<>();
        reads.put(RUNS.get(0), () -> experiment.teacher("b", SPEC, NO_TRAINING));
        reads.put(RUNS.get(1), () -> experiment.teacher("a", SPEC, NO_TRAINING));
        reads.put(RUNS.get(2), () -> experiment.student("a", MethodRegistry.spec("fd-cmkd", FeatureLayout.VECTOR),
                SPEC, SPEC, NO_TRAINING));
        reads.put(RUNS.get(3), () -> experiment.student("a", MethodRegistry.spec("c2kd", FeatureLayout.VECTOR), SPEC,
                SPEC, NO_TRAINING));
        for (Map.Entry<String, Executable> read : reads.entrySet()) {
            Path dir = runs.resolve(read.getKey());
            String message = assertThrows(RunDirectoryException.class, read.getValue()::execute).getMessage();
            String teacherDir = runs.resolve("teacher-b-seed1").toString();
            boolean refusedItself = message.startsWith(dir + " holds a run with another configuration (");
            boolean refusedItsTeacher = message.startsWith(teacherDir + " holds checkpoint.bin but no manifest.json");
            assertTrue(refusedItself || read.getKey().startsWith("student") && refusedItsTeacher, message);
            if (refusedItself) {
                assertTrue(message.contains("intraOpThreads: the run has no value, the settings \""), message);
            }
            assertTrue(message.contains("fix: delete "), message);
            assertFalse(message.contains("\n"), message);
        }
        assertEquals(RUNS, List.copyOf(before.keySet()));
        Map<String, Map<String, byte[]>> after = files();
        for (String run : RUNS) {
            assertEquals(before.get(run).keySet(), after.get(run).keySet(), run + ": files added or removed");
            before.get(run).forEach((name, bytes) -> assertArrayEquals(bytes, after.get(run).get(name), run + "/"
                    + name + " changed"));
        }
    }

    /** Every regular file of every old run, by run and file name (the lock file is not a run file). */
    private Map<String, Map<String, byte[]>> files() throws IOException {
        Map<String, Map<String, byte[]>> files = new LinkedHashMap<>();
        for (String run : RUNS) {
            Map<String, byte[]> bytes = new LinkedHashMap<>();
            try (Stream<Path> listing = Files.list(runs.resolve(run))) {
                for (Path file : listing.filter(f -> !f.getFileName().toString().equals(".lock")).sorted().toList()) {
                    bytes.put(file.getFileName().toString(), Files.readAllBytes(file));
                }
            }
            files.put(run, bytes);
        }
        return files;
    }

    private static URL resource(String name) throws URISyntaxException {
        URL url = RunsBeforeRunIdentityTest.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        return url;
    }

    /** A read that throws. */
    @FunctionalInterface
    private interface Executable {
        void execute() throws Throwable;
    }
}
