package dev.cmkd.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Every number known from the paper, as data: {@code dev/cmkd/paper/paper-numbers.csv} in the library's
 * resources, one row per cell of a paper table or figure with its source and how far it can be trusted. A cell
 * whose value could not be obtained is a row with an empty {@code value}; nothing is filled in without a source.
 *
 * <p>Columns: {@code table, dataset, student_modality, method, metric, value, source, confidence, note}.
 * Confidence is one of {@link #CONFIDENCE}: {@code paper} (read in the AAAI paper), {@code earlier-version} (the
 * ICLR 2025 version, quoted by its reviews), {@code code-output} (printed by the authors' released code),
 * {@code approximate} (read off a figure), {@code structure-only} (the cell exists, its value is unknown) and
 * {@code structure-uncertain} (even the cell is inferred).
 */
public final class PaperNumbers {

    /** The class-path resource holding the numbers. */
    public static final String RESOURCE = "/dev/cmkd/paper/paper-numbers.csv";

    /** The allowed confidence levels. */
    public static final List<String> CONFIDENCE = List.of("paper", "earlier-version", "code-output", "approximate",
            "structure-only", "structure-uncertain");

    private static final List<String> COLUMNS = List.of("table", "dataset", "student_modality", "method", "metric",
            "value", "source", "confidence", "note");

    private PaperNumbers() {}

    /** Reads and checks the kit's committed paper numbers; {@code value} is a double column, empty when unknown. */
    public static Table load() {
        try (InputStream in = PaperNumbers.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + RESOURCE + " is missing from the class path;"
                        + " rebuild the library (mvn package)");
            }
            return read(in, "lib/src/main/resources" + RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Reads and checks paper numbers from {@code in}; {@code origin} names the file in error messages. */
    static Table read(InputStream in, String origin) {
        ColumnType[] types = new ColumnType[COLUMNS.size()];
        java.util.Arrays.fill(types, ColumnType.STRING);
        Table raw = Table.read().usingOptions(CsvReadOptions.builder(in).tableName("Numbers known from the paper")
                .columnTypes(types));
        if (!raw.columnNames().equals(COLUMNS)) {
            throw new IllegalArgumentException(origin + " line 1 (header): columns " + raw.columnNames()
                    + ", expected " + COLUMNS + "; fix: restore the header");
        }
        DoubleColumn values = DoubleColumn.create("value");
        for (int row = 0; row < raw.rowCount(); row++) {
            int line = row + 2;
            for (String column : List.of("table", "dataset", "metric", "source", "confidence")) {
                if (raw.stringColumn(column).get(row).isBlank()) {
                    throw problem(origin, line, column, "is empty", "every number needs its " + column);
                }
            }
            String confidence = raw.stringColumn("confidence").get(row);
            if (!CONFIDENCE.contains(confidence)) {
                throw problem(origin, line, "confidence", "'" + confidence + "' is not one of " + CONFIDENCE,
                        "use one of the listed levels");
            }
            String value = raw.stringColumn("value").get(row).trim();
            if (value.isEmpty()) {
                if (!confidence.startsWith("structure")) {
                    throw problem(origin, line, "value", "is empty but the confidence is " + confidence,
                            "an unknown value has confidence structure-only or structure-uncertain");
                }
                values.appendMissing();
                continue;
            }
            if (confidence.startsWith("structure")) {
                throw problem(origin, line, "value", "holds " + value + " but the confidence is " + confidence,
                        "give the number's real confidence level and source");
            }
            try {
                values.append(Double.parseDouble(value));
            } catch (NumberFormatException e) {
                throw problem(origin, line, "value", "'" + value + "' is not a number", "write it as 60.9 or -0.0234");
            }
        }
        Table table = Table.create(raw.name());
        for (String column : COLUMNS) {
            table.addColumns(column.equals("value") ? values : raw.stringColumn(column).copy());
        }
        return table;
    }

    /** Returns the value of the first row matching every given field, if known. */
    public static OptionalDouble value(Table numbers, String table, String dataset, String modality, String method,
            String metric) {
        for (int row = 0; row < numbers.rowCount(); row++) {
            if (matches(numbers.stringColumn("table"), row, table)
                    && matches(numbers.stringColumn("dataset"), row, dataset)
                    && matches(numbers.stringColumn("student_modality"), row, modality)
                    && matches(numbers.stringColumn("method"), row, method)
                    && matches(numbers.stringColumn("metric"), row, metric)) {
                DoubleColumn values = numbers.doubleColumn("value");
                return values.isMissing(row) ? OptionalDouble.empty() : OptionalDouble.of(values.getDouble(row));
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "no paper number for %s / %s / %s / %s / %s"
                + " in %s", table, dataset, modality, method, metric, RESOURCE));
    }

    private static boolean matches(StringColumn column, int row, String expected) {
        return column.get(row).equals(expected);
    }

    private static IllegalArgumentException problem(String origin, int line, String field, String what, String fix) {
        return new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d, field '%s' %s; fix: %s", origin,
                line, field, what, fix));
    }
}
