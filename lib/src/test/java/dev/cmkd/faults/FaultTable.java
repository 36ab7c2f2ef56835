package dev.cmkd.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The cases of one fault-injection test class: case, fault, expected, outcome and detail, one row each. {@link
 * #write()} prints the table with its totals and writes it to {@code lib/target/fault-injection/<TestClass>.csv},
 * so that the closing note of issue 12 can quote the numbers of a run. A known bug whose test is {@code @Disabled}
 * is listed by {@link #knownBug} and counted apart: it was not run, and it is not a pass.
 */
final class FaultTable {

    /** What a case ended with. The last four are failures; their target count is 0. */
    enum Outcome {
        /** Resumed or read back to the reference's records (except wall time) and best parameters. */
        BIT_IDENTICAL("bit-identical"),
        /** Refused with one line that names the file (or field) and the fix; nothing in the run changed. */
        CLEAR_ERROR("clear error"),
        /** The fault did not change anything the run reads (e.g. a backup that was not needed). */
        HARMLESS("harmless"),
        /** An error without the file, the fix, on several lines, with ": null" or a stack trace. */
        UNCLEAR_ERROR("unclear error"),
        /** Finished without an error but with other numbers or parameters than the reference. */
        SILENT_WRONG("silent wrong result"),
        /** A committed epoch or file that was intact before the fault is gone or changed. */
        DATA_LOSS("data loss"),
        /** A known bug, its test @Disabled: not run. */
        KNOWN_BUG("known bug (test @Disabled)");

        final String label;

        Outcome(String label) {
            this.label = label;
        }

        boolean failed() {
            return this == UNCLEAR_ERROR || this == SILENT_WRONG || this == DATA_LOSS;
        }
    }

    /** One case. */
    record Row(String name, String fault, String expected, Outcome outcome, String detail) {}

    private final String testClass;
    private final List<Row> rows = new ArrayList<>();

    FaultTable(Class<?> testClass) {
        this.testClass = testClass.getSimpleName();
    }

    /** Adds a case and returns its outcome. */
    synchronized Outcome add(String name, String fault, String expected, Outcome outcome, String detail) {
        rows.add(new Row(name, fault, expected, outcome, oneLine(detail)));
        return outcome;
    }

    /** Lists a known bug (its test is @Disabled) so the table does not hide it. */
    synchronized void knownBug(String name, String fault, String expected, String bug) {
        rows.add(new Row(name, fault, expected, Outcome.KNOWN_BUG, oneLine(bug)));
    }

    /** Returns the rows so far. */
    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Returns the rows that failed, as text for an assertion message. */
    synchronized String failures() {
        return rows.stream().filter(r -> r.outcome().failed()).map(r -> r.name() + " / " + r.fault() + ": "
                + r.outcome().label + ": " + r.detail()).collect(Collectors.joining("\n"));
    }

    /** The totals line. */
    synchronized String totals() {
        long tried = rows.stream().filter(r -> r.outcome() != Outcome.KNOWN_BUG).count();
        return String.format(Locale.ROOT, "%s: cases tried %d / clear errors %d / bit-identical %d / harmless %d"
                + " / unclear errors %d / silent wrong results %d / data loss %d / known bugs (disabled, not run) %d",
                testClass, tried, count(Outcome.CLEAR_ERROR), count(Outcome.BIT_IDENTICAL), count(Outcome.HARMLESS),
                count(Outcome.UNCLEAR_ERROR), count(Outcome.SILENT_WRONG), count(Outcome.DATA_LOSS),
                count(Outcome.KNOWN_BUG));
    }

    private long count(Outcome outcome) {
        return rows.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** Prints the table and its totals and writes it to {@code target/fault-injection/<TestClass>.csv}. */
    synchronized Path write() {
        StringBuilder csv = new StringBuilder("case,fault,expected,outcome,detail\n");
        StringBuilder text = new StringBuilder("\n=== fault injection: " + testClass + " ===\n");
        for (Row row : rows) {
            csv.append(String.join(",", quote(row.name()), quote(row.fault()), quote(row.expected()),
                    quote(row.outcome().label), quote(row.detail()))).append('\n');
            text.append(String.format(Locale.ROOT, "%-44s | %-34s | %-22s | %s%n", row.name(), row.fault(),
                    row.outcome().label, abbreviate(row.detail(), 160)));
        }
        csv.append("# ").append(totals()).append('\n');
        text.append(totals()).append('\n');
        System.out.print(text);
        Path file = Path.of("target", "fault-injection", testClass + ".csv").toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + file);
        return file;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
