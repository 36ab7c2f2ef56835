package dev.cmkd.data;

import static dev.cmkd.data.Checks.checkData;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small CSV table with a header row (RFC 4180 quoting, no newlines inside fields), whose errors name
 * the file, the 1-based line, the field and the fix.
 */
public final class CsvFile {

    private final Path file;
    private final String fix;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private CsvFile(Path file, String fix, Map<String, Integer> columns, List<Row> rows) {
        this.file = file;
        this.fix = fix;
        this.columns = columns;
        this.rows = rows;
    }

    /** Reads {@code file}, which must exist and have the {@code required} columns. */
    public static CsvFile read(Path file, List<String> required, String fix) {
        checkData(Files.isRegularFile(file), "missing file " + file + "; fix: " + fix);
        Map<String, Integer> columns = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        CsvFile table = new CsvFile(file, fix, columns, rows);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            checkData(line != null, file + " is empty, expected the header " + String.join(",", required)
                    + "; fix: " + fix);
            List<String> header = split(line.startsWith("\uFEFF") ? line.substring(1) : line);
            for (int i = 0; i < header.size(); i++) {
                columns.put(header.get(i).trim(), i);
            }
            for (String column : required) {
                checkData(columns.containsKey(column),
                        "%s line 1 (header): column '%s' is missing; found %s, expected at least %s; fix: %s", file,
                        column, header, required, fix);
            }
            int number = 1;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = split(line);
                if (fields.size() != header.size()) {
                    throw new DatasetException(String.format(Locale.ROOT,
                            "%s line %d: %d fields, expected %d (%s); fix: %s", file, number, fields.size(),
                            header.size(), String.join(",", header), fix));
                }
                rows.add(table.new Row(number, rows.size(), fields));
            }
        } catch (CharacterCodingException e) {
            throw new DatasetException(file + " is not UTF-8 text (damaged); fix: " + fix, e);
        } catch (IOException e) {
            throw new DatasetException("could not read " + file + ": " + e + "; fix: " + fix, e);
        }
        return table;
    }

    public Path file() {
        return file;
    }

    /** Returns the data rows, in file order. */
    public List<Row> rows() {
        return rows;
    }

    /** One data row: its 1-based line number, its 0-based index among the data rows, and its fields. */
    public final class Row {

        private final int line;
        private final int index;
        private final List<String> fields;

        private Row(int line, int index, List<String> fields) {
            this.line = line;
            this.index = index;
            this.fields = fields;
        }

        /** Returns the 1-based line number. */
        public int line() {
            return line;
        }

        /** Returns the 0-based index among the data rows. */
        public int index() {
            return index;
        }

        /** Returns the trimmed, non-empty value of {@code column}. */
        public String text(String column) {
            String value = fields.get(columns.get(column)).trim();
            if (value.isEmpty()) {
                throw error(column, value, "a non-empty value");
            }
            return value;
        }

        /** Returns the value of {@code column}, which must be one of {@code allowed}. */
        public String oneOf(String column, List<String> allowed) {
            String value = text(column);
            if (!allowed.contains(value)) {
                throw error(column, value, "one of " + allowed);
            }
            return value;
        }

        /** Returns the integer value of {@code column}, in {@code [min, maxExclusive)}. */
        public int integer(String column, int min, int maxExclusive) {
            String value = text(column);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed < maxExclusive) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(column, value, maxExclusive == Integer.MAX_VALUE ? "an integer >= " + min
                    : "an integer in [" + min + ", " + maxExclusive + ")");
        }

        /** Returns an error naming the file, the line, the field, its value, what was expected and the fix. */
        public DatasetException error(String column, String value, String expected) {
            return new DatasetException(String.format(Locale.ROOT, "%s line %d, field '%s': '%s' is not %s; fix: %s",
                    file, line, column, value, expected, fix));
        }
    }

    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c != '\r') {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
