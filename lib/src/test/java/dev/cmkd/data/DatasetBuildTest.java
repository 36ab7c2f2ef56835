package dev.cmkd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatasetBuild} on a fake build script (three parts, a child {@code sleep}, the manifest last) started by
 * job JVMs ({@link DatasetBuildChild}): a job killed by SIGKILL or SIGTERM takes its builder with it, two jobs on
 * one folder build it once, a restart after a kill completes the folder, a failure is one line. About 10 s.
 */
class DatasetBuildTest {

    /** Writes the fake build script: each part takes {@code stepSeconds}; it exits {@code exitCode} (0: builds). */
    private static Path fakeScript(Path dir, String stepSeconds, int exitCode) throws IOException {
        String body = exitCode != 0 ? "exit " + exitCode + "\n" : """
                echo $$ >> "$folder/../runs"
                sleep 60 &
                child=$!
                echo "$$ $child" >> "$folder/../pids"
                for part in 1 2 3; do
                  sleep %s
                  echo "part $part" > "$folder/part$part"
                done
                kill $child
                echo "parts 1-3" > "$folder/manifest"
                """.formatted(stepSeconds);
        Path script = dir.resolve("fake-build.sh");
        Files.writeString(script, "set -euo pipefail\nfolder=$1\n" + body);
        return script;
    }

    @Test
    @Timeout(60)
    void aJobKilledBySigkillTakesItsBuilderAndItsChildWithIt(@TempDir Path dir) throws Exception {
        assertJobStopTakesTheBuilder(dir, true);
    }

    @Test
    @Timeout(60)
    void aJobStoppedBySigtermTakesItsBuilderWithIt(@TempDir Path dir) throws Exception {
        assertJobStopTakesTheBuilder(dir, false);
    }

    private static void assertJobStopTakesTheBuilder(Path dir, boolean sigkill) throws Exception {
        Path folder = dir.resolve("dataset");
        Job job = Job.start(dir, folder, fakeScript(dir, "20", 0));
        await("the fake build's child", () -> lines(dir.resolve("pids")).size() == 1, job);
        Set<Long> builder = new TreeSet<>(job.process.descendants().map(ProcessHandle::pid).toList());
        for (String pid : lines(dir.resolve("pids")).get(0).split(" ")) {
            assertTrue(builder.contains(Long.parseLong(pid)), pid + " (the script or its child) is not the job's");
        }
        assertTrue(builder.size() >= 4, "setsid's bash, its watchdog, the script, its sleep: " + builder);

        long start = System.nanoTime();
        if (sigkill) {
            job.process.destroyForcibly();
        } else {
            job.process.destroy();
        }
        job.process.waitFor(10, TimeUnit.SECONDS);
        while (builder.stream().anyMatch(DatasetBuildTest::running) && System.nanoTime() - start < 3_000_000_000L) {
            Thread.sleep(50);
        }
        List<Long> left = builder.stream().filter(DatasetBuildTest::running).toList();
        assertEquals(List.of(), left, "builder processes still running 3 s after the job's "
                + (sigkill ? "SIGKILL" : "SIGTERM") + ":\n" + ps(left));
        System.out.printf(Locale.ROOT, "%s: the builder's %d processes ended %.1f s after the job's %s%n",
                DatasetBuildTest.class.getSimpleName(), builder.size(), (System.nanoTime() - start) / 1e9,
                sigkill ? "SIGKILL" : "SIGTERM");
        assertFalse(Files.exists(folder.resolve("manifest")));
    }

    @Test
    @Timeout(60)
    void twoJobsOnOneFolderBuildItOnceAndTheSecondSaysWhomItWaitsFor(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("dataset");
        Path script = fakeScript(dir, "1", 0);
        Job first = Job.start(dir, folder, script);
        await("the first build", () -> lines(dir.resolve("runs")).size() == 1, first);
        long builderPid = first.process.children().findFirst().orElseThrow().pid();
        Job second = Job.start(dir, folder, script);

        assertEquals(0, second.waitFor(), second.output());
        assertEquals(0, first.waitFor(), first.output());
        assertEquals(1, lines(dir.resolve("runs")).size(), "the fake build ran more than once");
        String output = second.output();
        assertTrue(output.contains(folder.toAbsolutePath() + " is being built by process " + builderPid + " (lock "
                + folder.toAbsolutePath().resolve(DatasetBuild.LOCK) + "): waiting for it to finish"), output);
        assertTrue(output.contains("was built meanwhile (found manifest): not building it again"), output);
        assertTrue(output.endsWith("built\n"), output);
    }

    @Test
    @Timeout(60)
    void aBuildInterruptedByAKilledJobIsCompletedByTheNextJob(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("dataset");
        Path script = fakeScript(dir, "0.5", 0);
        Job killed = Job.start(dir, folder, script);
        await("the first part", () -> Files.exists(folder.resolve("part1")), killed);
        killed.process.destroyForcibly().waitFor();
        assertFalse(Files.exists(folder.resolve("manifest")));
        assertTrue(Files.exists(folder.resolve(DatasetBuild.LOCK)), "the lock file stays; its lock does not");

        Job restarted = Job.start(dir, folder, script);
        assertEquals(0, restarted.waitFor(), restarted.output());
        assertEquals(2, lines(dir.resolve("runs")).size());
        for (String file : List.of("part1", "part2", "part3", "manifest")) {
            assertTrue(Files.exists(folder.resolve(file)), file);
        }
    }

    @Test
    @Timeout(30)
    void aFailingScriptIsOneLineWithTheScriptTheCodeAndTheFix(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("dataset");
        String script = fakeScript(dir, "0", 3).toString();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DatasetBuild.ensure(folder, "manifest", dir, script, folder.toString()));
        String message = e.getMessage();
        assertEquals(script + " failed with exit code 3 while building " + folder + "; fix: the cause is in its"
                + " output above, correct it and run again", message);
        assertTrue(DatasetBuild.failure(script, folder, 137).startsWith(script + " was killed by signal 9 (exit"
                + " code 137)"));
        for (String line : List.of(message, DatasetBuild.failure(script, folder, 137))) {
            assertFalse(line.contains("\n") || line.contains(": null"), line);
        }
    }

    @Test
    @Timeout(30)
    void aScriptThatEndsWithoutItsManifestFailsAndAFolderWithOneIsNotRebuilt(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("dataset");
        Path script = dir.resolve("no-manifest.sh");
        Files.writeString(script, "exit 0\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DatasetBuild.ensure(folder, "manifest", dir, script.toString(), folder.toString()));
        assertTrue(e.getMessage().contains("exited with code 0 but wrote no " + folder.resolve("manifest")),
                e.getMessage());

        Files.writeString(folder.resolve("manifest"), "complete\n");
        DatasetBuild.ensure(folder, "manifest", dir, fakeScript(dir, "0", 3).toString(), folder.toString());
    }

    /** Whether {@code pid} is a process that has not ended (a zombie waiting for its parent has ended). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    private static String ps(List<Long> pids) throws Exception {
        if (pids.isEmpty()) {
            return "";
        }
        List<String> command = new ArrayList<>(List.of("ps", "-o", "pid,ppid,pgid,stat,args", "-p"));
        command.add(String.join(",", pids.stream().map(String::valueOf).toList()));
        Process ps = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(String what, BooleanSupplier condition, Job job) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (!job.process.isAlive() || System.nanoTime() > end) {
                job.process.destroyForcibly();
                fail("no sign of " + what + " from the job:\n" + job.output());
            }
            Thread.sleep(20);
        }
    }

    /** A {@link DatasetBuildChild} JVM; its output goes to a file. */
    private record Job(Process process, Path log) {

        static Job start(Path dir, Path folder, Path script) throws IOException {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path output = Files.createTempFile(dir, "job", ".out");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", classPath, DatasetBuildChild.class.getName(), folder.toString(),
                    script.toString()).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            return new Job(process, output);
        }

        int waitFor() throws Exception {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the job did not finish:\n" + output());
            }
            return process.exitValue();
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(output lost: " + e + ")";
            }
        }
    }
}
