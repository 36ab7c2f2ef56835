package dev.cmkd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.cmkd.faults.FaultTable.Outcome;
import dev.cmkd.train.RunDirectory;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.TrainingLoop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of whole processes, on {@link FaultChild} JVMs: two jobs on one run directory (the second is refused naming
 * the first's pid, then reads the finished run back), and {@code kill -9} at random moments and inside commits
 * (each restart resumes; the finished run's metrics, without wall time, and best parameters are byte-identical to
 * an uninterrupted run's). Two kills run in the default tier; {@link #tenKillsAtRandomMomentsAndInCommits} (tag
 * {@code faults}) runs twelve.
 */
class ProcessFaultsTest {

    private static final FaultTable TABLE = new FaultTable(ProcessFaultsTest.class);
    /** Wide enough that a commit (checkpoint about 2.3 MB, best parameters 1.2 MB, digests) takes a share of the run. */
    private static final int WIDE = 4096;
    private static final int EPOCHS = 4;

    @TempDir
    static Path dir;

    private static Path reference;
    private static long trainingNanos;

    @AfterAll
    static void writeTheTable() {
        TABLE.write();
        assertEquals("", TABLE.failures());
    }

    /** The uninterrupted run every killed one is compared with, trained once; also measures its training time. */
    private static synchronized Path reference() throws Exception {
        if (reference == null) {
            Path run = dir.resolve("reference");
            Child child = Child.start(dir, run, EPOCHS, WIDE, 0);
            child.awaitLine("claimed", 120);
            long start = System.nanoTime();
            assertEquals(0, child.waitForExit(), child.output());
            trainingNanos = System.nanoTime() - start;
            reference = run;
        }
        return reference;
    }

    @Test
    @Timeout(180)
    void aSecondJobOnTheSameRunIsRefusedNamingThePidAndReadsItBackWhenItIsDone() throws Exception {
        Path run = dir.resolve("shared");
        Child first = Child.start(dir, run, 3, 16, 400); // 24 batches of 400 ms: about 10 s of training
        String claimed = first.awaitLine("claimed", 120);
        String pid = claimed.substring("claimed ".length());
        first.awaitLine("epoch 1 of 3 finished", 120); // a finished epoch for a reader to want
        String expected = "refused naming pid " + pid;

        Faults.Captured<Object> inProcess = Faults.captured(() -> RunDirectory.claim(run, Map.of("run", "FaultChild",
                "epochs", 3, "hidden", 16)));
        refused("second claim in this JVM", inProcess.error(), pid, expected);
        Faults.Captured<Object> reader = Faults.captured(() -> {
            TrainingLoop.readBestParameters(run, 3, "the first job", in -> { });
            return null;
        });
        refused("a student reading the run meanwhile", reader.error(), pid, expected);

        Child second = Child.start(dir, run, 3, 16, 0);
        int status = second.waitForExit();
        boolean firstAlive = first.process.isAlive();
        String err = String.join("\n", second.err);
        boolean clear = status == 2 && second.err.size() == 1 && err.contains("pid " + pid) && err.contains("fix:")
                && !err.contains("Exception");
        TABLE.add("second job (another JVM)", "same run dir while the first trains", expected + ", exit 2, one"
                + " line", !clear ? Outcome.UNCLEAR_ERROR : firstAlive ? Outcome.CLEAR_ERROR : Outcome.UNCLEAR_ERROR,
                "exit " + status + (firstAlive ? "" : " (the first had already ended: the case proved nothing)")
                + ": " + err.replace(dir + "/", ""));

        assertEquals(0, first.waitForExit(), first.output());
        Map<String, String> finished = Faults.snapshot(run);
        Child third = Child.start(dir, run, 3, 16, 0);
        assertEquals(0, third.waitForExit(), third.output());
        boolean readBack = third.out.stream().noneMatch(line -> line.startsWith("epoch "))
                && third.out.contains("done: 3 epochs") && Faults.snapshot(run).equals(finished);
        TABLE.add("the job again after the first finished", "-", "reads the run back: nothing trained, files"
                + " unchanged", readBack ? Outcome.BIT_IDENTICAL : Outcome.SILENT_WRONG, String.join(" | ",
                        third.out));
        assertEquals("", TABLE.failures());
    }

    private static void refused(String name, Throwable error, String pid, String expected) {
        if (error instanceof RunDirectoryException e) {
            String problem = Faults.unclear(e.getMessage(), "pid " + pid);
            TABLE.add(name, "same run dir while the first trains", expected, problem == null ? Outcome.CLEAR_ERROR
                    : Outcome.UNCLEAR_ERROR, (problem == null ? "" : problem + ": ") + e.getMessage().replace(dir
                            + "/", ""));
        } else {
            TABLE.add(name, "same run dir while the first trains", expected, error == null ? Outcome.DATA_LOSS
                    : Outcome.UNCLEAR_ERROR, error == null ? "not refused: two writers" : String.valueOf(error));
        }
    }

    @Test
    @Timeout(300)
    void twoKillsOneAtARandomMomentOneInACommitResumeBitIdentically() throws Exception {
        killAndResume("kill2", 2, new Random(2));
    }

    @Test
    @Tag("faults")
    @Timeout(1200)
    void tenKillsAtRandomMomentsAndInCommits() throws Exception {
        killAndResume("kill12", 12, new Random(12));
    }

    /**
     * Kills children training one run {@code kills} times in all, alternately at a random moment of the training
     * (uniform over the reference's training time after the claim) and as soon as a pending file of a commit
     * appears (plus 0-20 ms); a run that finishes is compared with the reference and the next kill starts a new one.
     */
    private static void killAndResume(String name, int kills, Random random) throws Exception {
        Path reference = reference();
        int run = 0;
        Path runDir = dir.resolve(name + "-run" + run);
        List<String> killsOfRun = new ArrayList<>();
        int killed = 0;
        while (true) {
            Child child = Child.start(dir, runDir, EPOCHS, WIDE, 0);
            if (killed < kills) {
                child.awaitLine("claimed", 120);
                boolean inCommit = killed % 2 == 1;
                long waited = System.nanoTime();
                String when;
                if (inCommit) {
                    long extra = random.nextInt(21);
                    while (child.process.isAlive() && !hasPending(runDir)) {
                        Thread.onSpinWait();
                    }
                    Thread.sleep(extra);
                    when = "a commit's pending file appeared, +" + extra + " ms";
                } else {
                    long delay = (long) (random.nextDouble() * trainingNanos / 1e6);
                    Thread.sleep(delay);
                    when = "random, " + delay + " ms after the claim";
                }
                long at = (System.nanoTime() - waited) / 1_000_000;
                int printed = child.out.stream().filter(line -> line.startsWith("epoch ")).mapToInt(line ->
                        Integer.parseInt(line.split(" ")[1])).max().orElse(0);
                child.kill9();
                if (child.out.stream().anyMatch(line -> line.startsWith("done"))) {
                    // finished before the kill landed: compare and start a new run
                    finish(name, run, runDir, reference, killsOfRun);
                    run++;
                    runDir = dir.resolve(name + "-run" + run);
                    killsOfRun = new ArrayList<>();
                    continue;
                }
                killed++;
                int committed = Files.exists(runDir.resolve(RunDirectory.MANIFEST)) ? JsonParser.parseString(
                        Files.readString(runDir.resolve(RunDirectory.MANIFEST))).getAsJsonObject().get("epochs")
                        .getAsInt() : 0;
                List<String> leftovers = leftovers(runDir);
                String state = String.format(Locale.ROOT, "kill %d (%s; at %d ms): last epoch printed %d, %d committed"
                        + "%s", killed, when, at, printed, committed, leftovers.isEmpty() ? ""
                                : ", in a commit: left " + leftovers);
                if (committed < printed) {
                    TABLE.add(name + " run " + run, "kill -9", "nothing printed as done is lost", Outcome.DATA_LOSS,
                            state);
                }
                killsOfRun.add(state);
                continue;
            }
            assertEquals(0, child.waitForExit(), child.output());
            finish(name, run, runDir, reference, killsOfRun);
            return;
        }
    }

    private static void finish(String name, int run, Path runDir, Path reference, List<String> kills)
            throws IOException {
        boolean same = Faults.metricsWithoutSeconds(runDir.resolve(TrainingLoop.METRICS)).equals(
                Faults.metricsWithoutSeconds(reference.resolve(TrainingLoop.METRICS)))
                && Faults.sameBytes(runDir.resolve(TrainingLoop.BEST_PARAMETERS), reference.resolve(
                        TrainingLoop.BEST_PARAMETERS));
        for (String kill : kills) {
            TABLE.add(name + " run " + run, "kill -9, then restart", "bit-identical to the uninterrupted run",
                    same ? Outcome.BIT_IDENTICAL : Outcome.SILENT_WRONG, kill);
        }
    }

    private static boolean hasPending(Path runDir) {
        try (Stream<Path> files = Files.list(runDir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".pending"));
        } catch (IOException e) {
            return false; // listed while a rename happened: look again
        }
    }

    private static List<String> leftovers(Path runDir) throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".pending")
                    || n.endsWith(".part")).sorted().toList();
        }
    }
}
