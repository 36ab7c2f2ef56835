package dev.cmkd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cmkd.cli.MainJob;
import dev.cmkd.cli.Options;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.faults.FaultTable.Outcome;
import dev.cmkd.faults.Faults.Captured;
import dev.cmkd.train.Checkpoint;
import dev.cmkd.train.RunDirectory;
import dev.cmkd.train.TrainingLoop;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's side of the faults: {@code kit main} ({@link MainJob#run}) on the tiny AV-MNIST-TTS dataset,
 * trained once, then run on a copy of its output with another setting, a damaged teacher, damaged student
 * checkpoints, a run locked by another writer and a damaged data file. Each must end with status 2 and one line on
 * standard error naming the file (or field) and the fix, without a stack trace.
 */
class CliFaultsTest {

    private static final FaultTable TABLE = new FaultTable(CliFaultsTest.class);

    @TempDir
    static Path dir;

    private static Path data;
    private static Path output;

    @BeforeAll
    static void runTheJobOnce() {
        data = TinyAvMnistTts.build(dir.resolve("data"));
        output = dir.resolve("out");
        Captured<Integer> first = Faults.captured(() -> MainJob.run(args(), settings(data, output)));
        assertEquals(0, first.value(), () -> first.err() + first.error());
    }

    @AfterAll
    static void writeTheTable() {
        TABLE.write();
        assertEquals("", TABLE.failures());
    }

    private static String[] args(String... more) {
        List<String> all = new java.util.ArrayList<>(List.of("--seeds=0", "--width=4", "--batchSize=4",
                "--methods=kd", "--students=audio", "--teacherEpochs=2", "--studentEpochs=2"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static Properties settings(Path data, Path output) {
        Properties properties = new Properties();
        properties.setProperty(Options.PREFIX + "profile", "ci");
        properties.setProperty(Options.PREFIX + "data", data.toString());
        properties.setProperty(Options.PREFIX + "output", output.toString());
        return properties;
    }

    /** Runs {@code kit main} on a copy of the output and classifies what it printed. */
    private static void expect(String name, String fault, String subject, Path out, Path dataDir, String... more) {
        Captured<Integer> ran = Faults.captured(() -> MainJob.run(args(more), settings(dataDir, out)));
        String err = ran.err().strip();
        String problem = ran.error() != null ? "threw " + ran.error() : ran.value() != 2 ? "status " + ran.value()
                : err.lines().count() != 1 ? "not one line" : err.contains("\tat ") ? "a stack trace"
                        : Faults.unclear(err, subject);
        TABLE.add(name, fault, "status 2, one line naming " + subject + " and the fix", problem == null
                ? Outcome.CLEAR_ERROR : ran.error() == null && ran.value() == 0 ? Outcome.SILENT_WRONG
                        : Outcome.UNCLEAR_ERROR, (problem == null ? "" : problem + ": ") + err.lines().limit(3)
                                .reduce((a, b) -> a + " / " + b).orElse("").replace(dir + "/", ""));
    }

    private static Path copyOutput(String name) throws Exception {
        Path copy = dir.resolve(name);
        for (String run : List.of("teacher-image-seed0", "student-audio-kd-seed0")) {
            Faults.copy(output.resolve("runs").resolve(run), copy.resolve("runs").resolve(run));
        }
        return copy;
    }

    @Test
    void anotherSettingOnTheSameOutputIsRefusedNamingTheField() throws Exception {
        expect("kit main --snrDb=20", "output of a run with snrDb -5", "data.snrDb", copyOutput("snr"), data,
                "--snrDb=20");
        assertEquals("", TABLE.failures());
    }

    @Test
    void aDamagedTeacherIsRefusedNamingItsBestParameters() throws Exception {
        Path out = copyOutput("teacher");
        Faults.flip(out.resolve("runs/teacher-image-seed0").resolve(TrainingLoop.BEST_PARAMETERS), 16, 5);
        expect("kit main (student reads teacher)", "teacher's best.params 16 bytes flipped",
                TrainingLoop.BEST_PARAMETERS, out, data);
        assertEquals("", TABLE.failures());
    }

    @Test
    void bothDamagedCheckpointsOfAStudentAreRefusedByName() throws Exception {
        Path out = copyOutput("student");
        Path student = out.resolve("runs/student-audio-kd-seed0");
        Faults.flip(student.resolve(Checkpoint.FILE), 16, 6);
        Faults.flip(student.resolve(RunDirectory.PREVIOUS_CHECKPOINT), 16, 7);
        expect("kit main (student resumes)", "both student checkpoints flipped", Checkpoint.FILE, out, data);
        assertEquals("", TABLE.failures());
    }

    @Test
    void aRunLockedByAnotherWriterIsRefusedNamingThePid() throws Exception {
        Path out = copyOutput("locked");
        Path teacher = out.resolve("runs/teacher-image-seed0");
        // another writer's lock: the pid in .lock, an OS lock held on it (by this JVM, as a claim would hold it)
        java.nio.file.Files.writeString(teacher.resolve(".lock"), ProcessHandle.current().pid() + "\n");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(teacher.resolve(".lock"),
                java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock held = channel.lock()) {
            expect("kit main", "teacher run locked by another writer", "pid " + ProcessHandle.current().pid(), out,
                    data);
        }
        assertEquals("", TABLE.failures());
    }

    @Test
    void aDamagedDataFileIsRefusedNamingIt() throws Exception {
        Path damaged = TinyAvMnistTts.build(dir.resolve("data-damaged"));
        Faults.Damage.TRUNCATE_HALF.apply(damaged.resolve("mnist/t10k-images-idx3-ubyte"), 0);
        expect("kit main", "mnist/t10k-images-idx3-ubyte truncated to half", "t10k-images-idx3-ubyte",
                dir.resolve("data-run"), damaged);
        assertEquals("", TABLE.failures());
    }
}
