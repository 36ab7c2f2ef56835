package dev.cmkd.data.avmnist;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The three command-line tools behind AV-MNIST-TTS, called through {@link ProcessBuilder}: espeak-ng and
 * flite synthesise, sox resamples and shifts pitch and tempo. Their Debian 12 packages come from {@code
 * environment/install-system-packages.sh data}. Every failure names the command, its exit code and its
 * output.
 */
public final class SpeechTools {

    /** The tools, in the order of {@link #versions()}. */
    public static final List<String> TOOLS = List.of("espeak-ng", "flite", "sox");

    private static final long TIMEOUT_SECONDS = 120;

    private SpeechTools() {}

    /** Returns the tools of {@link #TOOLS} that are not on the {@code PATH}. */
    public static List<String> missing() {
        String[] path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":");
        return TOOLS.stream().filter(tool -> Arrays.stream(path)
                .noneMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)))).toList();
    }

    /** Throws if a tool is missing, saying how to install it. */
    public static void requireAll() {
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("AV-MNIST-TTS needs " + String.join(", ", missing)
                    + " on the PATH: run environment/install-system-packages.sh data (as root), or apt-get install"
                    + " --no-install-recommends espeak-ng flite sox");
        }
    }

    /**
     * espeak-ng, SSML input, always written with {@code -w} (WAVs on stdout carry a bogus length):
     * {@code espeak-ng -m -v <voice> -s <speed> -p <pitch> -w <out> <ssml>}.
     */
    public static void espeak(String voice, int speed, int pitch, String ssml, Path out) {
        run(List.of("espeak-ng", "-m", "-v", voice, "-s", Integer.toString(speed), "-p", Integer.toString(pitch),
                "-w", out.toString(), ssml));
    }

    /** flite, one word: {@code flite -voice <voice> -t <word> -o <out>}. */
    public static void flite(String voice, String word, Path out) {
        run(List.of("flite", "-voice", voice, "-t", word, "-o", out.toString()));
    }

    /**
     * sox to 16 kHz mono 16-bit, repeatable ({@code -R}) and without dither ({@code -D}), with optional
     * effects: {@code sox -R -D -V1 <in> -c 1 -b 16 -r 16000 <out> [effects...]}.
     */
    public static void sox(Path in, Path out, String... effects) {
        List<String> command = new ArrayList<>(List.of("sox", "-R", "-D", "-V1", in.toString(), "-c", "1", "-b", "16",
                "-r", Integer.toString(ClipFormat.SAMPLE_RATE), out.toString()));
        command.addAll(List.of(effects));
        run(command);
    }

    /**
     * Returns each tool's own version line ({@code espeak-ng --version}, {@code flite --version}, {@code sox
     * --version}), followed by the Debian package version where {@code dpkg-query} knows it, e.g. {@code
     * "eSpeak NG text-to-speech: 1.51 (Debian 1.51+dfsg-10+deb12u2)"}.
     */
    public static Map<String, String> versions() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("espeak-ng", firstLine(run(List.of("espeak-ng", "--version")), "").replaceAll("\\s+Data at:.*", ""));
        versions.put("flite", firstLine(output(List.of("flite", "--version")), "version:").replaceFirst("^version:\\s*", ""));
        versions.put("sox", firstLine(run(List.of("sox", "--version")), "").replaceFirst("^sox:\\s*", ""));
        for (String tool : TOOLS) {
            String debian = debianVersion(tool);
            if (debian != null) {
                versions.put(tool, versions.get(tool) + " (Debian " + debian + ")");
            }
        }
        return versions;
    }

    /** Returns the installed Debian package version of {@code tool}, or null without dpkg. */
    private static String debianVersion(String tool) {
        try {
            String version = run(List.of("dpkg-query", "-W", "-f=${Version}", tool)).trim();
            return version.isEmpty() ? null : version;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String firstLine(String output, String prefix) {
        for (String line : output.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && trimmed.startsWith(prefix)) {
                return trimmed;
            }
        }
        return output.trim();
    }

    /** Runs {@code command}, returns its output (stdout and stderr), throws naming it if it fails. */
    static String run(List<String> command) {
        return execute(command, true);
    }

    /** Runs {@code command} and returns its output whatever its exit code ({@code flite --version} exits 1). */
    static String output(List<String> command) {
        return execute(command, false);
    }

    private static String execute(List<String> command, boolean checkExit) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
            }
            if (checkExit && process.exitValue() != 0) {
                throw new IllegalStateException("command failed with exit code " + process.exitValue() + ": "
                        + String.join(" ", command) + (output.isBlank() ? "" : "\n" + output.strip()));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0) + " (" + e.getMessage()
                    + "); install it with environment/install-system-packages.sh data", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
