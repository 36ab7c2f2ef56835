package dev.cmkd.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the repository's bash scripts from tests. */
public final class Scripts {

    private Scripts() {}

    /** The outcome of a script: exit code and the interleaved output. */
    public record Result(int exitCode, String output) {}

    /** Returns the repository root (the nearest directory at or above the working directory with data-scripts/). */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data-scripts"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no data-scripts/ at or above " + Path.of("").toAbsolutePath());
    }

    /** Runs {@code bash <arguments>} in the repository root with extra environment variables; waits up to 5 min. */
    public static Result bash(Map<String, String> environment, String... arguments) {
        return bashIn(root(), environment, arguments);
    }

    /** Runs {@code bash <arguments>} in {@code directory} with extra environment variables; waits up to 5 min. */
    public static Result bashIn(Path directory, Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().putAll(environment);
        return run(builder, 5);
    }

    /**
     * Runs {@code builder}'s command with its standard error merged into its output, waits up to {@code minutes}
     * (failing the test after that) and returns the exit code and the output.
     */
    public static Result run(ProcessBuilder builder, int minutes) {
        try {
            Process process = builder.redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("timed out: " + builder.command());
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + builder.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + builder.command(), e);
        }
    }

    /** Runs a script and fails the test, showing its output, unless it exits 0. */
    public static String ok(String... arguments) {
        Result result = bash(Map.of(), arguments);
        if (result.exitCode() != 0) {
            fail("bash " + String.join(" ", arguments) + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /**
     * Makes sure ffmpeg is on the PATH, installing it with {@code environment/install-system-packages.sh av}
     * (as CI does, as root) when it is missing; fails the test with the fix otherwise.
     */
    public static void ensureFfmpeg() {
        if (bash(Map.of(), "-c", "command -v ffmpeg && command -v ffprobe").exitCode() == 0) {
            return;
        }
        Result install = bash(Map.of(), "environment/install-system-packages.sh", "av");
        if (install.exitCode() != 0 || bash(Map.of(), "-c", "command -v ffmpeg").exitCode() != 0) {
            fail("ffmpeg is missing and 'environment/install-system-packages.sh av' could not install it (needs root"
                    + " and apt); install it with: apt-get install ffmpeg\n" + install.output());
        }
    }
}
