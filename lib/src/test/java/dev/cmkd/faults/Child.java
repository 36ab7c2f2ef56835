package dev.cmkd.faults;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link FaultChild} JVM with the test classpath; its standard output and error collected line by line. */
final class Child {

    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private Child(Process process) {
        this.process = process;
        this.outReader = collect(process.getInputStream(), out);
        this.errReader = collect(process.getErrorStream(), err);
    }

    /** The engines' warnings (no GPU; PyTorch deprecations), not the kit's: left out of {@link #err}. */
    private static boolean engineNoise(String line) {
        return line.contains(" WARN ai.djl.") || line.startsWith("[W ");
    }

    private static Thread collect(InputStream stream, List<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!engineNoise(line)) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                lines.add("(output lost: " + e + ")");
            }
        }, "child-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Starts {@code FaultChild runDir epochs hidden sleepMs} in {@code workDir} (where an hs_err file would go). */
    static Child start(Path workDir, Path runDir, int epochs, int hidden, long sleepMs) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"), "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath,
                FaultChild.class.getName(), runDir.toString(), Integer.toString(epochs), Integer.toString(hidden),
                Long.toString(sleepMs)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        return new Child(process);
    }

    /** Waits until the child prints a line starting with {@code prefix} and returns it. */
    String awaitLine(String prefix, long timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            for (String line : out) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (!process.isAlive() && !outReader.isAlive()) {
                fail("the child ended without printing '" + prefix + "':\n" + output());
            }
            if (System.nanoTime() > end) {
                process.destroyForcibly();
                fail("no '" + prefix + "' from the child:\n" + output());
            }
            Thread.sleep(5);
        }
    }

    /** Waits for the child to exit and returns its status. */
    int waitForExit() throws InterruptedException {
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the child did not finish:\n" + output());
        }
        outReader.join(10_000);
        errReader.join(10_000);
        return process.exitValue();
    }

    /** Sends SIGKILL and waits for the process to end. */
    void kill9() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start();
        kill.waitFor();
        process.waitFor(30, TimeUnit.SECONDS);
        outReader.join(10_000);
        errReader.join(10_000);
    }

    String output() {
        return "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
    }
}
