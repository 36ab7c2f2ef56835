package dev.cmkd.data.avmnist;

import static dev.cmkd.data.Checks.checkArgument;

import dev.cmkd.data.Sha256;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 manifests in {@code sha256sum} format: one line {@code <64 hex digits><two spaces><relative
 * path>} per file, sorted by path, so {@code sha256sum -c manifest.sha256} checks them too. Hashes are
 * {@link Sha256#hex}'s.
 */
public final class Manifest {

    private Manifest() {}

    /** Returns the manifest text of {@code hashes} (relative path to hex SHA-256), sorted by path. */
    public static String format(Map<String, String> hashes) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(hashes).forEach((path, hash) -> text.append(hash).append("  ").append(path).append('\n'));
        return text.toString();
    }

    /** Parses a manifest file into relative path to hex SHA-256, in file order; throws naming a bad line. */
    public static Map<String, String> read(Path manifest) {
        Map<String, String> hashes = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                checkArgument(line.matches("[0-9a-f]{64} [ *].+"), "%s: line %d is not '<sha256>  <path>': %s",
                        manifest, number, line);
                hashes.put(line.substring(66), line.substring(0, 64));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(manifest + ": could not read: " + e.getMessage(), e);
        }
        return hashes;
    }

    /**
     * The outcome of checking a folder against its manifest.
     *
     * @param checked number of files checked
     * @param problems one line per missing or changed file, in manifest order (empty if all match)
     */
    public record Check(int checked, List<String> problems) {

        /** Returns whether every file matches. */
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Checks every file listed in {@code manifest} (paths relative to {@code dir}). */
    public static Check check(Path dir, Path manifest) {
        Map<String, String> expected = read(manifest);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            Path file = dir.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                problems.add(entry.getKey() + ": missing");
            } else {
                String actual = Sha256.hex(file);
                if (!actual.equals(entry.getValue())) {
                    problems.add(entry.getKey() + ": sha256 " + actual + ", manifest says " + entry.getValue());
                }
            }
        }
        return new Check(expected.size(), List.copyOf(problems));
    }
}
