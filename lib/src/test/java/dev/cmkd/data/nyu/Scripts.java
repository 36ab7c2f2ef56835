package dev.cmkd.data.nyu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the NYU-Depth V2 data scripts from tests. */
final class Scripts {

    /** The result of a script: exit code and the merged output. */
    record Result(int exitCode, String output) {}

    private Scripts() {}

    /** Returns {@code data-scripts/nyu-depth-v2/NAME}, found from the working directory upwards. */
    static Path script(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("data-scripts/nyu-depth-v2").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("data-scripts/nyu-depth-v2/" + name + " not found above "
                + Path.of("").toAbsolutePath());
    }

    /** Runs {@code command} with extra environment variables and returns its exit code and output. */
    static Result run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Runs Debian's Python on a script of the folder; fails with the fix if h5py and friends are missing. */
    static Result python(String script, String... arguments) throws IOException, InterruptedException {
        Result check = run(List.of("/usr/bin/python3", "-c", "import h5py, numpy, scipy.io, PIL"), Map.of());
        if (check.exitCode() != 0) {
            throw new IllegalStateException("Debian's python3-h5py, -numpy, -scipy, -pil are needed: run"
                    + " environment/install-system-packages.sh nyu (mvn does it unless -DskipSystemPackages)\n"
                    + check.output());
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script(script).toString()));
        command.addAll(List.of(arguments));
        return run(command, Map.of());
    }
}
