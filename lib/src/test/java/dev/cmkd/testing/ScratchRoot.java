package dev.cmkd.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the repository root in a temporary folder, for running the data scripts and the kit as a user
 * does, with their default paths: {@code data-scripts} is a symbolic link to the repository's, so a script's own
 * root (the folder above {@code data-scripts}, as the scripts compute it) is this folder, and its default {@code
 * data/<name>/...} lands here; {@link #kit} runs {@code lib/bin/kit}'s Java entry point in a child JVM whose working
 * folder is this one, as {@code lib/bin/kit} runs it from the repository root, so a benchmark's default {@code
 * data/<name>/prepared} resolves here too. Closing it removes the link (the folder's own files stay for the
 * temporary folder's owner to delete).
 */
public final class ScratchRoot implements AutoCloseable {

    private final Path root;

    private ScratchRoot(Path root) {
        this.root = root;
    }

    /** Makes {@code folder} a scratch root (creating it) with a link to the repository's data scripts. */
    public static ScratchRoot create(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.createSymbolicLink(folder.resolve("data-scripts"), Scripts.root().resolve("data-scripts"));
        return new ScratchRoot(folder);
    }

    /** Removes the link to the repository's data scripts. */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(root.resolve("data-scripts"));
    }

    /** Returns the folder. */
    public Path path() {
        return root;
    }

    /** Runs {@code bash <arguments>} here (e.g. {@code data-scripts/crema-d/download.sh}) with extra variables. */
    public Scripts.Result bash(Map<String, String> environment, String... arguments) {
        return Scripts.bashIn(root, environment, arguments);
    }

    /** Runs a script here and fails the test, showing its output, unless it exits 0; returns the output. */
    public String ok(Map<String, String> environment, String... arguments) {
        Scripts.Result result = bash(environment, arguments);
        if (result.exitCode() != 0) {
            fail("bash " + String.join(" ", arguments) + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /**
     * Runs {@code lib/bin/kit run <arguments>} ({@code dev.cmkd.cli.RunCommand}) in a child JVM with the test
     * classpath, working in this folder, with the JVM options of {@code lib/bin/kit} and {@code settings} as
     * {@code -Dfdcmkd.<key>=<value>}; waits up to 10 min and returns the exit code and the merged output.
     */
    public Scripts.Result kitRun(List<String> arguments, Map<String, String> settings) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.awt.headless=true", "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath));
        settings.forEach((key, value) -> command.add("-Dfdcmkd." + key + "=" + value));
        command.add("dev.cmkd.cli.RunCommand");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        return Scripts.run(builder, 10);
    }
}
