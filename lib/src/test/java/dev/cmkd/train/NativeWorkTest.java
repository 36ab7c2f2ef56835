package dev.cmkd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NativeWork}: the gate's semantics on threads (fast), and a child JVM stopped by SIGTERM during
 * training that exits cleanly and resumes to the same numbers as an uninterrupted run (slow).
 */
class NativeWorkTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    /** Starts {@code body} on a daemon thread (a thread parked for good must not keep the test JVM alive). */
    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(LONG.toSeconds(), TimeUnit.SECONDS), "timed out");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Timeout(30)
    void closesAtOnceWhenNoStepRunsAndSaysNothing() {
        NativeWork.Gate gate = new NativeWork.Gate();
        assertEquals(42, gate.call("a step", () -> 42));
        List<String> log = new ArrayList<>();
        assertTrue(gate.close(LONG, log::add));
        assertTrue(gate.stopping());
        assertEquals(List.of(), log);
    }

    @Test
    @Timeout(30)
    void aStepInProgressDelaysTheCloseUntilItEnds() throws Exception {
        NativeWork.Gate gate = new NativeWork.Gate();
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start("trainer", () -> gate.run("a training batch of run-a", () -> {
            inStep.countDown();
            await(release);
        }));
        await(inStep);
        List<String> log = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> gate.close(LONG, log::add));
        Thread.sleep(300);
        assertFalse(closed.isDone(), "the hook finished while a step was in progress");
        assertEquals(List.of("stopping: waiting for a training batch of run-a to finish"), log);
        release.countDown();
        assertTrue(closed.get(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, gate.inProgress());
    }

    @Test
    @Timeout(30)
    void noStepStartsAfterTheClose() throws Exception {
        NativeWork.Gate gate = new NativeWork.Gate();
        assertTrue(gate.close(LONG, line -> {}));
        AtomicBoolean ran = new AtomicBoolean();
        Thread late = start("late", () -> gate.run("a late step", () -> ran.set(true)));
        late.join(500);
        assertTrue(late.isAlive());
        assertEquals(Thread.State.WAITING, late.getState());
        assertFalse(ran.get());
    }

    @Test
    @Timeout(30)
    void nestedStepsOnOneThreadDoNotDeadlockWhileTheCloseWaits() throws Exception {
        NativeWork.Gate gate = new NativeWork.Gate();
        CountDownLatch inOuter = new CountDownLatch(1);
        CountDownLatch closing = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread trainer = start("trainer", () -> gate.run("an outer step", () -> {
            inOuter.countDown();
            await(closing);
            sleepQuietly(200); // the close is now queued for the write lock
            order.add(gate.call("an inner step", () -> "inner"));
            order.add("outer");
        }));
        await(inOuter);
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> {
            closing.countDown();
            return gate.close(LONG, line -> {});
        });
        assertTrue(closed.get(LONG.toSeconds(), TimeUnit.SECONDS));
        trainer.join(LONG.toMillis());
        assertEquals(List.of("inner", "outer"), order);
    }

    @Test
    @Timeout(30)
    void aCloseThatTimesOutBlocksNothingAndSaysSo() throws Exception {
        NativeWork.Gate gate = new NativeWork.Gate();
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start("stuck", () -> gate.run("a stuck step", () -> {
            inStep.countDown();
            await(release);
        }));
        await(inStep);
        List<String> log = new ArrayList<>();
        assertFalse(gate.close(Duration.ofMillis(100), log::add));
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(1).contains("a stuck step still running"), log.get(1));
        release.countDown();
        assertEquals("after", gate.call("a step after the timeout", () -> "after"));
    }

    @Test
    @Timeout(30)
    void aFailingStepEndsItsGuard() {
        NativeWork.Gate gate = new NativeWork.Gate();
        assertThrows(IllegalStateException.class, () -> gate.run("a failing step", () -> {
            throw new IllegalStateException("boom");
        }));
        NativeWork.Step step = gate.enter("a closed-twice step");
        step.close();
        step.close();
        assertEquals(0, gate.inProgress());
        assertTrue(gate.close(LONG, line -> {}));
    }

    @Test
    void theProcessGateRunsSteps() {
        assertEquals("x", NativeWork.call("a test step", () -> "x"));
        assertFalse(NativeWork.stopping());
    }

    /**
     * A child JVM trains; on its "in step" line (inside a guarded training batch that lasts 1.5 s more) it gets
     * SIGTERM. It must say it waits for the batch, let the batch finish, exit 143 without an hs_err file, and a
     * restart must resume after the last finished epoch and end with the metrics and best parameters of an
     * uninterrupted run.
     */
    @Test
    @Tag("slow")
    @Timeout(300)
    void aChildStoppedBySigtermDuringTrainingExitsCleanlyAndResumesIdentically(@TempDir Path dir) throws Exception {
        Path reference = dir.resolve("reference");
        Path interrupted = dir.resolve("interrupted");
        Child whole = Child.start(dir, reference, 4, -1);
        assertEquals(0, whole.waitForExit(), whole.output());

        Child stopped = Child.start(dir, interrupted, 4, 2);
        stopped.awaitLine("in step");
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(stopped.process.pid())).start();
        assertEquals(0, kill.waitFor());
        int exit = stopped.waitForExit();
        String output = stopped.output();
        assertEquals(143, exit, output);
        assertTrue(output.contains("stopping: waiting for a training batch of interrupted to finish"), output);
        assertTrue(output.contains("step finished"), output);
        assertFalse(output.contains("done"), output);
        assertFalse(output.contains("A fatal error"), output);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }

        Child restarted = Child.start(dir, interrupted, 4, -1);
        assertEquals(0, restarted.waitForExit(), restarted.output());
        assertTrue(restarted.output().contains("resuming " + interrupted + " after epoch 2 of 4"),
                restarted.output());
        assertEquals(withoutSeconds(reference.resolve(TrainingLoop.METRICS)),
                withoutSeconds(interrupted.resolve(TrainingLoop.METRICS)));
        assertTrue(Arrays.equals(Files.readAllBytes(reference.resolve(TrainingLoop.BEST_PARAMETERS)),
                Files.readAllBytes(interrupted.resolve(TrainingLoop.BEST_PARAMETERS))));
    }

    /** Returns a metrics file without its wall-time column. */
    private static List<String> withoutSeconds(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        int column = Arrays.asList(lines.get(0).split(",")).indexOf("seconds");
        assertTrue(column >= 0, lines.get(0));
        return lines.stream().map(line -> {
            List<String> cells = new ArrayList<>(Arrays.asList(line.split(",", -1)));
            cells.remove(column);
            return String.join(",", cells);
        }).collect(Collectors.toList());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A {@link NativeWorkChild} JVM whose output is collected line by line. */
    private static final class Child {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = NativeWorkTest.start("child-output", () -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("(output lost: " + e + ")");
                }
            });
        }

        /** Starts the child in {@code workDir} (where an hs_err file would go) on {@code runDir}. */
        static Child start(Path workDir, Path runDir, int epochs, int stallEpoch) throws IOException {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"), "-Dai.djl.offline=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath,
                    NativeWorkChild.class.getName(), runDir.toString(), Integer.toString(epochs)));
            if (stallEpoch >= 0) {
                command.add(Integer.toString(stallEpoch));
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            builder.environment().put("OMP_NUM_THREADS", "1");
            Process process = builder.start();
            process.getOutputStream().close();
            return new Child(process);
        }

        void awaitLine(String line) throws InterruptedException {
            long end = System.nanoTime() + LONG.toNanos() * 4;
            while (!lines.contains(line)) {
                if (!process.isAlive() && !reader.isAlive() && !lines.contains(line)) {
                    fail("the child ended without printing '" + line + "':\n" + output());
                }
                if (System.nanoTime() > end) {
                    process.destroyForcibly();
                    fail("no '" + line + "' from the child:\n" + output());
                }
                Thread.sleep(10);
            }
        }

        int waitForExit() throws InterruptedException {
            if (!process.waitFor(4, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("the child did not finish:\n" + output());
            }
            reader.join(LONG.toMillis());
            return process.exitValue();
        }

        String output() {
            return String.join("\n", lines);
        }
    }
}
