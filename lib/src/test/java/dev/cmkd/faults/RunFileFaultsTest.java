package dev.cmkd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cmkd.data.DatasetException;
import dev.cmkd.data.Splits;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.experiment.PairedTask;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.faults.FaultTable.Outcome;
import dev.cmkd.faults.Faults.Captured;
import dev.cmkd.faults.Faults.Damage;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.Checkpoint;
import dev.cmkd.train.RunDirectory;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;
import dev.cmkd.model.FeaturePoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of a run directory x {truncated to half, truncated to 0, 16 bytes flipped, deleted}, in a finished run
 * and in one interrupted after epoch 2 of 3: the damaged copy is run again (and its best parameters read by a
 * student) and must either end bit-identical to the undamaged reference or be refused with one line that names the
 * file and the fix, leaving the directory as it was. Plus a checkpoint whose records were edited (it parses; its
 * digest differs), both checkpoints damaged, leftovers of a killed commit, and a real student of a damaged teacher.
 */
class RunFileFaultsTest {

    private static final FaultTable TABLE = new FaultTable(RunFileFaultsTest.class);
    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final NetworkConfig TINY = new NetworkConfig(8, new int[] {1, 1}, true, FeaturePoint.POST_RELU);
    private static final Splits SPLITS = new Splits(DATA.split("train", 192, 0), DATA.split("val", 64, 1000),
            DATA.split("test", 64, 2000));
    private static final RunSpec SPEC = new RunSpec(3, 32, 0.05, 1e-4, 0.9, 0.9, 1);
    private static final String TEACHER = "teacher-b-seed1";
    private static final List<String> FILES = List.of(Checkpoint.FILE, RunDirectory.PREVIOUS_CHECKPOINT,
            TrainingLoop.BEST_PARAMETERS, TrainingLoop.METRICS, RunDirectory.CONFIG, RunDirectory.MANIFEST);
    private static final String EXPECTED = "bit-identical, or a clear error naming the file";

    @TempDir
    static Path dir;

    private static RunOutcome reference;
    private static Path finished;
    private static Path interrupted;

    /** The state a damaged copy starts from. */
    enum State {
        FINISHED("finished run (3 of 3)"),
        AFTER_EPOCH_2("run stopped after epoch 2 of 3");

        final String label;

        State(String label) {
            this.label = label;
        }

        Path dir() {
            return this == FINISHED ? finished : interrupted;
        }
    }

    static Experiment experiment(Path runs) {
        return new Experiment(new PairedTask("synthetic", "SYNTHETIC", TINY, seed -> SPLITS, Map.of()), runs);
    }

    /** Thrown by a listener to stop a run, as a crash would. */
    private static final class Interruption extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @BeforeAll
    static void trainTheReferenceAndAnInterruptedCopy() {
        Captured<RunOutcome> whole = Faults.captured(() -> experiment(dir.resolve("reference")).teacher("b", SPEC));
        assertTrue(whole.error() == null, () -> "reference: " + whole.error() + "\n" + whole.err());
        reference = whole.value();
        assertEquals(3, reference.records().size());
        finished = dir.resolve("reference").resolve(TEACHER);
        Captured<RunOutcome> stopped = Faults.captured(() -> experiment(dir.resolve("interrupted")).teacher("b",
                SPEC, new TrainingLoop.Listener() {
                    @Override
                    public void onBatch(int epoch, int batch, int batches) {
                        if (epoch == 2 && batch == 0) {
                            throw new Interruption();
                        }
                    }
                }));
        assertTrue(stopped.error() instanceof Interruption, () -> "interrupted: " + stopped.error());
        interrupted = dir.resolve("interrupted").resolve(TEACHER);
    }

    @AfterAll
    static void writeTheTable() {
        TABLE.write();
        assertEquals("", TABLE.failures());
    }

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (State state : State.values()) {
            for (String file : FILES) {
                for (Damage damage : Damage.values()) {
                    cases.add(Arguments.of(state, file, damage));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void aDamagedRunFileResumesIdenticallyOrIsRefusedByName(State state, String file, Damage damage)
            throws IOException {
        // named by index: a file's name in the path would make any message "name" it
        Path runs = dir.resolve("case-" + state.ordinal() + "-" + FILES.indexOf(file) + "-" + damage.ordinal())
                .resolve("runs");
        Path run = Faults.copy(state.dir(), runs.resolve(TEACHER));
        if (!Files.exists(run.resolve(file))) {
            TABLE.add(state.label, file + " " + damage.label, EXPECTED, Outcome.HARMLESS, file + " does not exist"
                    + " in this state");
            return;
        }
        damage.apply(run.resolve(file), (state.ordinal() * 31L + FILES.indexOf(file)) * 31L + damage.ordinal());
        Outcome outcome = runAgain(runs, state.label, file + " " + damage.label, file);
        assertFalse(outcome.failed(), TABLE.failures());
    }

    /** A checkpoint whose records were edited (a test accuracy changed, same length): it parses, its digest differs. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void anEditedAccuracyInTheCheckpointNeverReachesTheResults(State state) throws IOException {
        Path runs = dir.resolve("edited-" + state).resolve("runs");
        Path run = Faults.copy(state.dir(), runs.resolve(TEACHER));
        Path checkpoint = run.resolve(Checkpoint.FILE);
        byte[] bytes = Files.readAllBytes(checkpoint);
        int length = ByteBuffer.wrap(bytes, 4, 4).getInt();
        String json = new String(bytes, 8, length, StandardCharsets.UTF_8);
        Matcher accuracy = Pattern.compile("\"test\":\\{\"head\":0\\.(\\d)").matcher(json);
        int at = -1;
        while (accuracy.find()) {
            at = accuracy.start(1); // the last epoch's
        }
        assertTrue(at > 0, json);
        char digit = json.charAt(at);
        String edited = json.substring(0, at) + (char) ('0' + (digit - '0' + 5) % 10) + json.substring(at + 1);
        byte[] editedBytes = edited.getBytes(StandardCharsets.UTF_8);
        assertEquals(length, editedBytes.length);
        System.arraycopy(editedBytes, 0, bytes, 8, length);
        Files.write(checkpoint, bytes);
        Outcome outcome = runAgain(runs, state.label, "a test accuracy in checkpoint.bin's records edited",
                Checkpoint.FILE);
        assertFalse(outcome.failed(), TABLE.failures());
        assertTrue(outcome == Outcome.BIT_IDENTICAL, "falls back to the previous checkpoint: " + outcome);
    }

    static List<State> states() {
        return List.of(State.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void bothCheckpointsDamagedAreRefusedByName(State state) throws IOException {
        Path runs = dir.resolve("both-" + state).resolve("runs");
        Path run = Faults.copy(state.dir(), runs.resolve(TEACHER));
        Faults.flip(run.resolve(Checkpoint.FILE), 16, 1);
        Faults.flip(run.resolve(RunDirectory.PREVIOUS_CHECKPOINT), 16, 2);
        Outcome outcome = runAgain(runs, state.label, "checkpoint.bin and checkpoint.previous.bin flipped",
                Checkpoint.FILE);
        assertFalse(outcome.failed(), TABLE.failures());
        assertEquals(Outcome.CLEAR_ERROR, outcome);
    }

    @Test
    void leftoversOfAKilledCommitAreDiscarded() throws IOException {
        Path runs = dir.resolve("leftovers").resolve("runs");
        Path run = Faults.copy(interrupted, runs.resolve(TEACHER));
        Files.writeString(run.resolve(Checkpoint.FILE + ".pending"), "half a checkpoint");
        Files.writeString(run.resolve(TrainingLoop.BEST_PARAMETERS + ".pending"), "half");
        Files.writeString(run.resolve(".metrics.csv8812.part"), "epoch,lea");
        Outcome outcome = runAgain(runs, State.AFTER_EPOCH_2.label, "garbage .pending and .part files of a killed"
                + " commit", Checkpoint.FILE);
        assertEquals(Outcome.BIT_IDENTICAL, outcome, TABLE.failures());
    }

    /** The student's path to its teacher: {@link Experiment#student} reads the teacher's best.params, verified. */
    @Test
    void aStudentOfATeacherWithDamagedBestParametersIsRefusedByName() throws IOException {
        Path runs = dir.resolve("student").resolve("runs");
        Path run = Faults.copy(finished, runs.resolve(TEACHER));
        Faults.flip(run.resolve(TrainingLoop.BEST_PARAMETERS), 16, 3);
        Map<String, String> before = Faults.snapshot(run);
        Captured<RunOutcome> student = Faults.captured(() -> experiment(runs).student("a", MethodRegistry.spec("kd",
                FeatureLayout.VECTOR), SPEC, SPEC));
        String name = "student of a finished teacher";
        String fault = "teacher's best.params 16 bytes flipped";
        String expected = "clear error naming best.params, no student trained";
        if (student.error() instanceof RunDirectoryException e) {
            String problem = Faults.unclear(e.getMessage(), TrainingLoop.BEST_PARAMETERS);
            Outcome outcome = problem != null ? Outcome.UNCLEAR_ERROR : !Faults.snapshot(run).equals(before)
                    ? Outcome.DATA_LOSS : Files.exists(runs.resolve("student-a-kd-seed1").resolve(
                            TrainingLoop.METRICS)) ? Outcome.SILENT_WRONG : Outcome.CLEAR_ERROR;
            TABLE.add(name, fault, expected, outcome, problem != null ? problem + ": " + e.getMessage()
                    : e.getMessage());
        } else {
            TABLE.add(name, fault, expected, student.error() == null ? Outcome.SILENT_WRONG : Outcome.UNCLEAR_ERROR,
                    student.error() == null ? "the student trained on a damaged teacher" : String.valueOf(
                            student.error()));
        }
        assertEquals("", TABLE.failures());
    }

    /** A truncated manifest.json is reported on one line (Gson's message has a second one). */
    @Test
    void aTruncatedManifestIsReportedOnOneLine() throws IOException {
        Path run = Faults.copy(finished, dir.resolve("bug-manifest-half").resolve("runs").resolve(TEACHER));
        Damage.TRUNCATE_HALF.apply(run.resolve(RunDirectory.MANIFEST), 0);
        RunDirectoryException e = assertThrows(RunDirectoryException.class, () -> experiment(run.getParent())
                .teacher("b", SPEC));
        assertEquals(null, Faults.unclear(e.getMessage(), RunDirectory.MANIFEST), e.getMessage());
    }

    /** An empty manifest.json (JSON null) is reported without ': null'. */
    @Test
    void anEmptyManifestIsReportedWithoutNull() throws IOException {
        Path run = Faults.copy(finished, dir.resolve("bug-manifest-empty").resolve("runs").resolve(TEACHER));
        Damage.TRUNCATE_ZERO.apply(run.resolve(RunDirectory.MANIFEST), 0);
        RunDirectoryException e = assertThrows(RunDirectoryException.class, () -> experiment(run.getParent())
                .teacher("b", SPEC));
        assertEquals(null, Faults.unclear(e.getMessage(), RunDirectory.MANIFEST), e.getMessage());
    }

    /** An empty config.json is reported by name, not compared as a configuration. */
    @Test
    void anEmptyConfigurationIsReportedByName() throws IOException {
        Path run = Faults.copy(finished, dir.resolve("bug-config-empty").resolve("runs").resolve(TEACHER));
        Damage.TRUNCATE_ZERO.apply(run.resolve(RunDirectory.CONFIG), 0);
        RunDirectoryException e = assertThrows(RunDirectoryException.class, () -> experiment(run.getParent())
                .teacher("b", SPEC));
        assertEquals(null, Faults.unclear(e.getMessage(), RunDirectory.CONFIG), e.getMessage());
        assertFalse(e.getMessage().contains("has null"), e.getMessage());
    }

    /**
     * Runs the teacher of {@code runs} again (its directory damaged) and classifies the outcome against the
     * reference; a run that finishes with other best parameters than the reference's must have them refused when a
     * student reads them.
     */
    private static Outcome runAgain(Path runs, String name, String fault, String file) throws IOException {
        Path run = runs.resolve(TEACHER);
        Map<String, String> before = Faults.snapshot(run);
        Captured<RunOutcome> again = Faults.captured(() -> experiment(runs).teacher("b", SPEC));
        Throwable error = again.error();
        if (error != null) {
            if (error instanceof RunDirectoryException || error instanceof DatasetException) {
                String problem = Faults.unclear(error.getMessage(), file);
                if (problem != null) {
                    return TABLE.add(name, fault, EXPECTED, Outcome.UNCLEAR_ERROR, problem + ": "
                            + error.getMessage());
                }
                Map<String, String> after = Faults.snapshot(run);
                if (!after.equals(before)) {
                    return TABLE.add(name, fault, EXPECTED, Outcome.DATA_LOSS, "refused, but the directory changed:"
                            + " before " + before.keySet() + ", after " + after.keySet() + ": " + error.getMessage());
                }
                return TABLE.add(name, fault, EXPECTED, Outcome.CLEAR_ERROR, error.getMessage().replace(dir + "/",
                        ""));
            }
            return TABLE.add(name, fault, EXPECTED, Outcome.UNCLEAR_ERROR, error.getClass().getName() + ": "
                    + error.getMessage());
        }
        RunOutcome outcome = again.value();
        if (!Faults.withoutSeconds(outcome.records()).equals(Faults.withoutSeconds(reference.records()))) {
            return TABLE.add(name, fault, EXPECTED, Outcome.SILENT_WRONG, "records differ: " + outcome.records());
        }
        if (!Faults.metricsWithoutSeconds(run.resolve(TrainingLoop.METRICS)).equals(Faults.metricsWithoutSeconds(
                finished.resolve(TrainingLoop.METRICS)))) {
            return TABLE.add(name, fault, EXPECTED, Outcome.SILENT_WRONG, "metrics.csv differs from the reference");
        }
        String said = again.err().lines().filter(line -> !line.isBlank()).findFirst().map(line -> " (said: "
                + line.replace(dir + "/", "") + ")").orElse("");
        if (Faults.sameBytes(run.resolve(TrainingLoop.BEST_PARAMETERS), finished.resolve(
                TrainingLoop.BEST_PARAMETERS))) {
            return TABLE.add(name, fault, EXPECTED, Outcome.BIT_IDENTICAL, "records, metrics.csv and best.params"
                    + " equal the reference's" + said);
        }
        // The run finished with best parameters other than the reference's: a student must not read them.
        Captured<Object> read = Faults.captured(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                return experiment(runs).frozenTeacher("b", SPEC, manager);
            }
        });
        if (read.error() instanceof RunDirectoryException e) {
            String problem = Faults.unclear(e.getMessage(), TrainingLoop.BEST_PARAMETERS);
            return TABLE.add(name, fault, EXPECTED, problem == null ? Outcome.CLEAR_ERROR : Outcome.UNCLEAR_ERROR,
                    "records bit-identical; a student reading best.params is refused: " + (problem == null ? ""
                            : problem + ": ") + e.getMessage().replace(dir + "/", ""));
        }
        return TABLE.add(name, fault, EXPECTED, read.error() == null ? Outcome.SILENT_WRONG : Outcome.UNCLEAR_ERROR,
                read.error() == null ? "best.params differs from the reference and a student reads it"
                        : "reading best.params: " + read.error());
    }
}
