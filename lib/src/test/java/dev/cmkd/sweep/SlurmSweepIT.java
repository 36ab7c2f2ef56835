package dev.cmkd.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.testing.Scripts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code kit sweep} against a real single-node Slurm from Debian ({@code slurm-wlm}, {@code munge}), started by
 * {@code environment/slurm/start-local-slurm.sh} on loopback with this machine's CPUs and stopped by its stop script
 * afterwards, also when a test fails. The embedded benchmark (AV-MNIST-TTS, its ci profile, on the tiny build of its
 * dataset that the other tests use, so that the sweep takes minutes, not the full data's loading per task):
 *
 * <ol>
 *   <li>a sweep of 2 methods ({@code none}, {@code kd}) x 2 directions x 2 seeds (4 teacher runs, 4 student runs) is
 *       submitted as two job arrays, runs to completion, and its summary ({@code summary.csv}) and per-run test
 *       accuracies ({@code results.csv}) equal those of the same sweep run locally ({@code --executor=local
 *       --workers=2}), exactly;
 *   <li>a student task killed with {@code scancel} after at least one committed epoch is stopped ({@code --status}),
 *       and the resubmitted sweep resumes it (its log says {@code resuming ... after epoch k}, its manifest holds two
 *       training sessions, the teacher task exits at once) and it ends with the records of the same run trained
 *       uninterrupted;
 *   <li>a student task requeued by Slurm ({@code scontrol requeue}) mid-run restarts in the same log ({@code
 *       --open-mode=append}), resumes its run and ends with the uninterrupted run's records.
 * </ol>
 *
 * Needs root (the daemons run as root; as another user it is skipped, saying so); part of {@code mvn verify},
 * skipped with {@code -DskipSlurmTest=true}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmSweepIT {

    private static final Path ROOT = Scripts.root();
    private static final Path SCRATCH = ROOT.resolve("lib/target/slurm-it");
    private static final Path SLURM = SCRATCH.resolve("slurm");
    private static final int MINUTES = 20;

    private static Path data;
    private static long start;

    @BeforeAll
    static void startSlurm() throws IOException {
        start = System.nanoTime();
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "the local Slurm's daemons run as root; run the test as root (as CI does) or -DskipSlurmTest=true");
        Scripts.bash(Map.of(), "environment/slurm/stop-local-slurm.sh", SLURM.toString());
        dev.cmkd.results.ResultFiles.deleteRecursively(SCRATCH);
        Files.createDirectories(SCRATCH);
        // ports of its own, so that a local Slurm started by hand (16817, 16818) does not stand in the way
        Scripts.Result started = Scripts.bash(Map.of("SLURMCTLD_PORT", "16917", "SLURMD_PORT", "16918"),
                "environment/slurm/start-local-slurm.sh", SLURM.toString());
        if (started.exitCode() != 0) {
            stopSlurm();
            fail("start-local-slurm.sh exited " + started.exitCode() + ":\n" + started.output());
        }
        System.out.print(started.output());
        data = TinyAvMnistTts.build(SCRATCH.resolve("data"));
    }

    @AfterAll
    static void stopSlurm() {
        Scripts.Result stopped = Scripts.bash(Map.of(), "environment/slurm/stop-local-slurm.sh", SLURM.toString());
        System.out.print(stopped.output());
        System.out.printf("SlurmSweepIT: %.1f min in all%n", (System.nanoTime() - start) / 60e9);
    }

    /** The settings of the sweep: the embedded benchmark's ci profile on the tiny dataset. */
    private static List<String> sweep(String output, String... more) {
        List<String> args = new ArrayList<>(List.of("sweep", "embedded", "--profile=ci", "--data=" + data,
                "--batchSize=4", "--width=4", "--cpusPerTask=1", "--time=00:20:00", "--mem=2G",
                "--output=" + SCRATCH.resolve(output)));
        args.addAll(List.of(more));
        return args;
    }

    private static final String[] PROTOCOL = {"--methods=none,kd", "--students=image,audio", "--seeds=0,1",
        "--teacherEpochs=2", "--studentEpochs=2"};

    @Test
    @Order(1)
    void aSweepOnSlurmEqualsTheSameSweepRunLocally() throws Exception {
        long local = System.nanoTime();
        String localRun = kit(sweep("local", concat(PROTOCOL, "--workers=2")));
        System.out.printf("local sweep: %.1f min%n", (System.nanoTime() - local) / 60e9);
        assertTrue(localRun.contains("8 runs in"), localRun);

        long slurm = System.nanoTime();
        String submitted = kit(sweep("on-slurm", concat(PROTOCOL, "--executor=slurm")));
        System.out.print(submitted);
        assertTrue(submitted.contains("4 teacher runs as job array") && submitted.contains("4 student runs as job"
                + " array"), submitted);
        waitForJobs(jobs("on-slurm"));
        System.out.printf("slurm sweep: %.1f min%n", (System.nanoTime() - slurm) / 60e9);
        String status = kit(sweep("on-slurm", concat(PROTOCOL, "--status")));
        System.out.print(status);
        assertTrue(status.contains("8 runs: 8 finished"), status);
        kit(sweep("on-slurm", concat(PROTOCOL, "--report")));

        String localSummary = Files.readString(SCRATCH.resolve("local/summary.csv"));
        String slurmSummary = Files.readString(SCRATCH.resolve("on-slurm/summary.csv"));
        System.out.println("summary.csv, local and on Slurm:\n" + localSummary);
        assertEquals(localSummary, slurmSummary, "the summaries, local and on Slurm");
        assertEquals(accuracies(SCRATCH.resolve("local/results.csv")), accuracies(SCRATCH.resolve(
                "on-slurm/results.csv")), "every run's test accuracies, local and on Slurm");
        assertEquals(12 * 3, accuracies(SCRATCH.resolve("on-slurm/results.csv")).size(), "4 teachers and 8 students"
                + " (the none students are their teacher runs) x 3 protocols");
    }

    /** The epochs of the student killed mid-run: enough to be caught between its first and its last. */
    private static final int LONG_EPOCHS = 120;

    /** One student run long enough to be killed mid-run. */
    private static final String[] LONG = {"--methods=kd", "--students=audio", "--seeds=0", "--teacherEpochs=2",
        "--studentEpochs=" + LONG_EPOCHS};

    @Test
    @Order(2)
    void aCancelledTaskResumedByTheResubmittedSweepEndsAsAnUninterruptedRun() throws Exception {
        String submitted = kit(sweep("resumed", concat(LONG, "--executor=slurm")));
        System.out.print(submitted);
        Path student = SCRATCH.resolve("resumed/runs/student-audio-kd-seed0");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
        int committed = 0;
        while (committed < 1) {
            if (System.nanoTime() > deadline) {
                fail("the student committed no epoch in " + MINUTES + " min");
            }
            Thread.sleep(100);
            committed = SweepStatus.committedEpochs(student);
        }
        List<String> jobs = jobs("resumed");
        String studentsJob = jobs.get(1);
        Scripts.Result cancelled = slurm("scancel", studentsJob + "_0");
        int killedAfter = SweepStatus.committedEpochs(student);
        System.out.printf("scancel %s_0 after %d committed epochs: %s%n", studentsJob, killedAfter,
                cancelled.output());
        assertEquals(0, cancelled.exitCode(), cancelled.output());
        assertTrue(killedAfter < LONG_EPOCHS, "cancelled before the run finished: " + killedAfter);
        waitForJobs(jobs);
        Thread.sleep(1000);
        int stoppedAt = SweepStatus.committedEpochs(student);
        String status = kit(sweep("resumed", concat(LONG, "--status")));
        System.out.print(status);
        assertTrue(stoppedAt >= 1 && stoppedAt < LONG_EPOCHS, "stopped mid-run: " + stoppedAt);
        assertTrue(status.contains("stopped") && status.contains(stoppedAt + "/" + LONG_EPOCHS), status);

        String resubmitted = kit(sweep("resumed", concat(LONG, "--executor=slurm")));
        System.out.print(resubmitted);
        waitForJobs(jobs("resumed").subList(2, 4));
        String log = Files.readString(SCRATCH.resolve("resumed/sweep/logs/students-0.log"));
        System.out.println("students-0.log:\n" + log.lines().filter(line -> !line.contains("AutoNonVariable"))
                .reduce("", (a, b) -> a + "  | " + b + "\n"));
        assertTrue(log.contains("resuming " + student + " after epoch " + stoppedAt + " of " + LONG_EPOCHS), log);
        String teacherLog = Files.readString(SCRATCH.resolve("resumed/sweep/logs/teachers-0.log"));
        assertEquals(2, count(teacherLog, "== exit status 0"), "the teacher task ran twice: " + teacherLog);
        assertTrue(teacherLog.lines().filter(line -> line.contains("teacher-image-seed0  epoch")).count() == 2,
                "the resubmitted teacher task trained no epoch: " + teacherLog);
        String secondAttempt = log.substring(log.lastIndexOf(SweepLogs.START));
        String firstEpoch = secondAttempt.lines().filter(line -> line.contains("student-audio-kd-seed0  epoch "))
                .findFirst().orElse("");
        assertTrue(firstEpoch.contains("epoch " + (stoppedAt + 1) + "/" + LONG_EPOCHS), "the resubmitted task's first"
                + " epoch is the one after the last committed: " + firstEpoch);
        assertEquals(2, SweepLogs.attempts(SCRATCH.resolve("resumed/sweep/logs/students-0.log")));
        assertTrue(kit(sweep("resumed", concat(LONG, "--status"))).contains("2 runs: 2 finished"));

        kit(sweep("uninterrupted", concat(LONG, "--workers=1")));
        List<String> resumed = epochRecords(student);
        List<String> uninterrupted = epochRecords(SCRATCH.resolve("uninterrupted/runs/student-audio-kd-seed0"));
        assertEquals(LONG_EPOCHS, resumed.size());
        assertEquals(uninterrupted, resumed, "the resumed run's epochs (losses, validation and test accuracy)"
                + " equal the uninterrupted run's");
        kit(sweep("resumed", concat(LONG, "--report")));
        assertEquals(Files.readString(SCRATCH.resolve("uninterrupted/summary.csv")), Files.readString(
                SCRATCH.resolve("resumed/summary.csv")), "the summaries");
        System.out.printf("resumed after epoch %d of %d: the same epochs as the uninterrupted run%n", stoppedAt,
                LONG_EPOCHS);
    }

    @Test
    @Order(3)
    void aTaskRequeuedBySlurmResumesInTheSameLogAndEndsAsAnUninterruptedRun() throws Exception {
        kit(sweep("requeued", concat(LONG, "--executor=slurm")));
        Path student = SCRATCH.resolve("requeued/runs/student-audio-kd-seed0");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
        while (SweepStatus.committedEpochs(student) < 1) {
            if (System.nanoTime() > deadline) {
                fail("the student committed no epoch in " + MINUTES + " min");
            }
            Thread.sleep(100);
        }
        List<String> jobs = jobs("requeued");
        Scripts.Result requeued = slurm("scontrol", "requeue", jobs.get(1) + "_0");
        assertEquals(0, requeued.exitCode(), requeued.output());
        // Slurm holds a requeued job back for a while (its BeginTime); let it start now
        Thread.sleep(1000);
        Scripts.Result now = slurm("scontrol", "update", "JobId=" + jobs.get(1) + "_0", "StartTime=now");
        System.out.printf("scontrol requeue %s_0 after %d committed epochs; update StartTime=now: %s%n", jobs.get(1),
                SweepStatus.committedEpochs(student), now.output().strip());
        waitForJobs(jobs);
        String log = Files.readString(SCRATCH.resolve("requeued/sweep/logs/students-0.log"));
        System.out.println("students-0.log (epoch lines left out):\n" + log.lines().filter(line -> !line.contains(
                "AutoNonVariable") && !line.matches(".*epoch \\d+/\\d+.*")).reduce("", (a, b) -> a + "  | " + b
                + "\n"));
        assertEquals(2, SweepLogs.attempts(SCRATCH.resolve("requeued/sweep/logs/students-0.log")), log);
        assertTrue(log.contains("requeued 1 times"), log);
        assertTrue(Pattern.compile("resuming " + Pattern.quote(student.toString()) + " after epoch [1-9]\\d* of "
                + LONG_EPOCHS).matcher(log).find(), log);
        assertEquals(epochRecords(SCRATCH.resolve("uninterrupted/runs/student-audio-kd-seed0")), epochRecords(student),
                "the requeued run's epochs equal the uninterrupted run's");
    }

    /** Runs {@code lib/bin/kit <args>} and returns its output; fails the test unless it exits 0. */
    private static String kit(List<String> args) {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("lib/bin/kit").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().put("KIT_SKIP_BUILD", "1");
        builder.environment().put("SLURM_CONF", SLURM.resolve("slurm.conf").toString());
        Scripts.Result result = Scripts.run(builder, MINUTES);
        if (result.exitCode() != 0) {
            fail("kit " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    private static Scripts.Result slurm(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SLURM_CONF", SLURM.resolve("slurm.conf").toString());
        return Scripts.run(builder, 2);
    }

    /** The job ids the sweep in {@code output} submitted, in order. */
    private static List<String> jobs(String output) throws IOException {
        return Files.readAllLines(SCRATCH.resolve(output).resolve("sweep/jobs.txt"), StandardCharsets.UTF_8).stream()
                .map(line -> line.split(" ")[1]).toList();
    }

    /** Waits until no task of {@code jobs} is in squeue. */
    private static void waitForJobs(List<String> jobs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
        while (true) {
            Scripts.Result queue = slurm("squeue", "-h", "-r", "-o", "%i %t %r", "-j", String.join(",", jobs));
            if (queue.exitCode() == 0 && queue.output().isBlank()) {
                return;
            }
            if (queue.output().contains("DependencyNeverSatisfied")) {
                fail("a teacher failed: " + queue.output());
            }
            if (System.nanoTime() > deadline) {
                fail("jobs " + jobs + " still queued after " + MINUTES + " min: " + queue.output());
            }
            Thread.sleep(2000);
        }
    }

    /** Every result row's identity and test accuracy, in file order. */
    private static List<String> accuracies(Path results) throws IOException {
        List<String> lines = Files.readAllLines(results);
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = List.of(line.split(",", -1));
            rows.add(String.join(",", List.of("role", "modality", "teacher_modality", "method", "seed", "protocol",
                    "test_accuracy", "best_val_epoch", "epochs").stream().map(column -> cells.get(header.indexOf(
                    column))).toList()));
        }
        return rows;
    }

    /** The epochs of a run's metrics.csv without their wall times. */
    private static List<String> epochRecords(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        int seconds = List.of(lines.get(0).split(",")).indexOf("seconds");
        return lines.subList(1, lines.size()).stream().map(line -> {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(seconds);
            return String.join(",", cells);
        }).toList();
    }

    private static int count(String text, String what) {
        Matcher matcher = Pattern.compile(Pattern.quote(what)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static List<String> concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all;
    }

    private static List<String> sweep(String output, List<String> more) {
        return sweep(output, more.toArray(String[]::new));
    }
}
