package dev.cmkd.faults;

import dev.cmkd.data.Sha256;
import dev.cmkd.train.EpochRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The faults the suite injects into files, and the checks that classify what followed. */
final class Faults {

    private Faults() {}

    /** A way to damage a file. */
    enum Damage {
        TRUNCATE_HALF("truncated to half"),
        TRUNCATE_ZERO("truncated to 0 bytes"),
        FLIP_16("16 random bytes flipped"),
        DELETE("deleted");

        final String label;

        Damage(String label) {
            this.label = label;
        }

        /** Applies the damage to {@code file}; flips are drawn from {@code seed}. */
        void apply(Path file, long seed) throws IOException {
            switch (this) {
                case TRUNCATE_HALF -> Files.write(file, Arrays.copyOf(Files.readAllBytes(file),
                        (int) (Files.size(file) / 2)));
                case TRUNCATE_ZERO -> Files.write(file, new byte[0]);
                case FLIP_16 -> flip(file, 16, seed);
                case DELETE -> Files.delete(file);
                default -> throw new IllegalStateException(name());
            }
        }
    }

    /** XORs {@code count} bytes of {@code file} at seeded random positions with seeded non-zero masks. */
    static void flip(Path file, int count, long seed) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            int at = random.nextInt(bytes.length);
            bytes[at] ^= (byte) (1 + random.nextInt(255));
        }
        Files.write(file, bytes);
    }

    /** Copies the regular files of {@code from} (not the lock) into a new {@code to}. */
    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString()
                    .equals(".lock")).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    /** Returns the SHA-256 of every file of {@code dir} but its lock, by name. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return digests;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (!name.equals(".lock")) {
                    digests.put(name, Sha256.hex(file));
                }
            }
        }
        return digests;
    }

    /** Returns a metrics file without its wall-time column. */
    static List<String> metricsWithoutSeconds(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        int column = Arrays.asList(lines.get(0).split(",")).indexOf("seconds");
        return lines.stream().map(line -> {
            List<String> cells = new ArrayList<>(Arrays.asList(line.split(",", -1)));
            if (column >= 0) {
                cells.remove(column);
            }
            return String.join(",", cells);
        }).collect(Collectors.toList());
    }

    /** Returns the records with their wall time set to 0, for comparing runs. */
    static List<EpochRecord> withoutSeconds(List<EpochRecord> records) {
        return records.stream().map(r -> new EpochRecord(r.epoch(), r.learningRate(), 0, r.trainTerms(),
                r.validation(), r.test(), r.otherMetrics())).toList();
    }

    /** Returns whether two files exist and hold the same bytes. */
    static boolean sameBytes(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns what is wrong with an expected error's message (null when it is clear): it must be one line, name
     * {@code subject} (a file or field), say {@code fix:}, and not read {@code ": null"}.
     */
    static String unclear(String message, String subject) {
        if (message == null) {
            return "no message";
        }
        List<String> problems = new ArrayList<>();
        if (message.contains("\n")) {
            problems.add("more than one line");
        }
        if (!message.contains(subject)) {
            problems.add("does not name " + subject);
        }
        if (!message.contains("fix:")) {
            problems.add("no 'fix:'");
        }
        if (message.contains(": null")) {
            problems.add("reads ': null'");
        }
        return problems.isEmpty() ? null : String.join(", ", problems);
    }

    /** What a call printed and returned or threw. */
    record Captured<T>(T value, Throwable error, String out, String err) {}

    /** Runs {@code body} with standard output and error captured (the cases are many; their progress is noise). */
    static synchronized <T> Captured<T> captured(Callable<T> body) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        T value = null;
        Throwable error = null;
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            value = body.call();
        } catch (Throwable e) {
            error = e;
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Captured<>(value, error, outBytes.toString(StandardCharsets.UTF_8),
                errBytes.toString(StandardCharsets.UTF_8));
    }
}
