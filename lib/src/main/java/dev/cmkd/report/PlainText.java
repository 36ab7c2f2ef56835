package dev.cmkd.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The one formatter of everything the kit shows as text: tables, key/value settings, sentences and lists of written
 * files, as plain text of lines at most {@value #WIDTH} characters wide (tables {@value #TABLE_WIDTH}). A notebook
 * shows it as {@code text/plain}, so its columns survive in every viewer.
 *
 * <p>A table's title is its own first line (wrapped, never centred); its columns are separated by two spaces, text
 * left-aligned and numbers (and text columns whose every cell starts with a number) right-aligned; a cell longer
 * than {@value #CELL} characters is wrapped over several lines; and a table wider than {@value #TABLE_WIDTH}
 * characters is cut into blocks of columns, each repeating every leading text column that names a row (as many
 * as fit in half the width). A {@code double} cell keeps four significant digits; a table that should show fewer is formatted by its
 * owner first (as {@link PairedComparison#formatted} does).
 */
public final class PlainText {

    /**
     * The longest line of prose this class writes, in characters (a word longer than it is kept whole): what the
     * classic Notebook's output area shows unwrapped at its default width (its lines wrap, GitHub's scroll).
     */
    public static final int WIDTH = 110;
    /** The widest table line; a wider table is cut into blocks of columns. */
    public static final int TABLE_WIDTH = 110;
    /** The widest cell; longer text is wrapped within its column. */
    public static final int CELL = 48;
    /** What a title starts with when its numbers come from a synthetic stand-in. */
    public static final String SYNTHETIC = "SYNTHETIC DATA (a stand-in, not the real dataset): ";
    private static final String GAP = "  ";

    private PlainText() {}

    /** Returns {@code table} as text: its title, a header, a rule and one row per line (or per wrapped line). */
    public static String table(Table table) {
        int columns = table.columnCount();
        List<String[]> header = new ArrayList<>();
        List<List<List<String>>> cells = new ArrayList<>();   // [column][row] -> lines
        int[] widths = new int[columns];
        boolean[] right = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            Column<?> column = table.column(c);
            boolean number = column instanceof NumberColumn<?, ?>;
            List<List<String>> rows = new ArrayList<>();
            for (int r = 0; r < table.rowCount(); r++) {
                String text = cell(column, r);
                List<String> lines = text.length() > CELL ? wrapLine(text, CELL, "") : List.of(text);
                rows.add(lines);
                for (String line : lines) {
                    widths[c] = Math.max(widths[c], line.length());
                }
            }
            cells.add(rows);
            // numbers, and text columns whose every cell starts like a number ("+0.12 [−0.3, +0.5]"), align right
            right[c] = number || rows.stream().allMatch(lines -> lines.get(0).isEmpty() || numeric(lines.get(0)))
                    && rows.stream().anyMatch(lines -> !lines.get(0).isEmpty());
            header.add(wrapLine(column.name(), Math.max(CELL, 1), "").toArray(new String[0]));
            for (String line : header.get(c)) {
                widths[c] = Math.max(widths[c], line.length());
            }
        }
        StringBuilder out = new StringBuilder();
        if (table.name() != null && !table.name().isBlank()) {
            out.append(wrap(table.name())).append('\n');
        }
        int keys = 0;
        int keyWidth = 0;
        while (keys < columns - 1 && !right[keys] && cells.get(keys).stream().flatMap(List::stream)
                .noneMatch(PlainText::numeric) && keyWidth + GAP.length() + widths[keys] <= TABLE_WIDTH / 2) {
            keyWidth += GAP.length() + widths[keys];
            keys++;
        }
        List<List<Integer>> blocks = blocks(widths, Math.max(1, keys));
        for (int b = 0; b < blocks.size(); b++) {
            List<Integer> block = blocks.get(b);
            if (b > 0) {
                out.append('\n');
            }
            int headerLines = block.stream().mapToInt(c -> header.get(c).length).max().orElse(0);
            for (int line = 0; line < headerLines; line++) {
                List<String> parts = new ArrayList<>();
                for (int c : block) {
                    String[] name = header.get(c);
                    parts.add(pad(line < name.length ? name[line] : "", widths[c], right[c]));
                }
                out.append(strip(String.join(GAP, parts))).append('\n');
            }
            out.append(String.join(GAP, block.stream().map(c -> "-".repeat(widths[c])).toList())).append('\n');
            for (int r = 0; r < table.rowCount(); r++) {
                int row = r;
                int height = block.stream().mapToInt(c -> cells.get(c).get(row).size()).max().orElse(1);
                for (int line = 0; line < height; line++) {
                    List<String> parts = new ArrayList<>();
                    for (int c : block) {
                        List<String> lines = cells.get(c).get(row);
                        parts.add(pad(line < lines.size() ? lines.get(line) : "", widths[c], right[c]));
                    }
                    out.append(strip(String.join(GAP, parts))).append('\n');
                }
            }
        }
        return out.toString().stripTrailing();
    }

    /** Returns a copy of {@code table} whose title starts with {@link #SYNTHETIC} when {@code synthetic}. */
    public static Table synthetic(boolean synthetic, Table table) {
        return synthetic ? table.copy().setName(SYNTHETIC + table.name()) : table;
    }

    /** Returns {@code text} prefixed with {@link #SYNTHETIC} when {@code synthetic}. */
    public static String synthetic(boolean synthetic, String text) {
        return synthetic ? SYNTHETIC + text : text;
    }

    /** Returns {@code values} as a two-column key/value table under {@code title}, in the map's order. */
    public static String keyValues(String title, Map<String, String> values) {
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder(wrap(title));
        values.forEach((key, value) -> {
            List<String> lines = wrapLine(value, Math.max(20, WIDTH - width - GAP.length() - 2), "");
            out.append('\n').append("  ").append(pad(key, width, false)).append(GAP).append(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                out.append('\n').append(" ".repeat(width + 2 + GAP.length())).append(line);
            }
        });
        return out.toString();
    }

    /** Returns each sentence as its own paragraph, wrapped, continuation lines indented by two spaces. */
    public static String paragraphs(List<String> sentences) {
        List<String> out = new ArrayList<>();
        for (String sentence : sentences) {
            out.add(String.join("\n", wrapLine(sentence, WIDTH, "  ")));
        }
        return String.join("\n", out);
    }

    /** Returns {@code text} with every line wrapped at {@value #WIDTH} characters (continuations indented). */
    public static String wrap(String text) {
        return paragraphs(text.lines().toList());
    }

    /** Returns the names of the files written, with the folder they were written to (once). */
    public static String files(List<Path> files) {
        if (files.isEmpty()) {
            return "No file written.";
        }
        Path parent = files.get(0).normalize().getParent();
        boolean one = files.stream().allMatch(f -> Objects.equals(parent, f.normalize().getParent()));
        List<String> names = files.stream().map(f -> one || parent == null ? f.getFileName().toString()
                : parent.relativize(f.normalize()).toString()).toList();
        Path folder = shortest(parent);
        return wrap(String.format(Locale.ROOT, "%d %s written to %s: %s", files.size(), files.size() == 1 ? "file"
                : "files", folder, String.join(", ", names)));
    }

    /** {@code folder} relative to the working directory when that is shorter (no machine-specific prefix). */
    private static Path shortest(Path folder) {
        if (folder == null || !folder.isAbsolute()) {
            return folder;
        }
        Path here = Path.of("").toAbsolutePath();
        Path relative = folder.getRoot().equals(here.getRoot()) ? here.relativize(folder).normalize() : folder;
        return relative.toString().length() < folder.toString().length() ? relative : folder;
    }

    private static String cell(Column<?> column, int row) {
        if (column.isMissing(row)) {
            return "";
        }
        Object value = column.get(row);
        if (value instanceof Double number) {
            return number(number);
        }
        if (value instanceof Float number) {
            return number(number.doubleValue());
        }
        return String.valueOf(value);
    }

    /** Four significant digits, no exponent, no trailing zeros. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros();
        return rounded.scale() < 0 ? rounded.setScale(0).toPlainString() : rounded.toPlainString();
    }

    /**
     * Splits the columns into blocks no wider than {@link #TABLE_WIDTH}; every block after the first repeats the
     * first {@code keys} columns.
     */
    private static List<List<Integer>> blocks(int[] widths, int keys) {
        List<List<Integer>> blocks = new ArrayList<>();
        List<Integer> block = new ArrayList<>();
        int keyWidth = 0;
        for (int c = 0; c < keys; c++) {
            keyWidth += (c == 0 ? 0 : GAP.length()) + widths[c];
        }
        int used = 0;
        for (int c = 0; c < widths.length; c++) {
            int add = (block.isEmpty() ? 0 : GAP.length()) + widths[c];
            if (c >= keys && used + add > TABLE_WIDTH && block.size() > keys) {
                blocks.add(block);
                block = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    block.add(k);
                }
                used = keyWidth;
                add = GAP.length() + widths[c];
            }
            block.add(c);
            used += add;
        }
        blocks.add(block);
        return blocks;
    }

    private static boolean numeric(String text) {
        return !text.isEmpty() && (Character.isDigit(text.charAt(0)) || ((text.charAt(0) == '+'
                || text.charAt(0) == '-' || text.charAt(0) == '\u2212') && text.length() > 1
                && Character.isDigit(text.charAt(1))));
    }

    private static String pad(String text, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - text.length()));
        return right ? fill + text : text + fill;
    }

    private static String strip(String line) {
        return line.stripTrailing();
    }

    /** Word-wraps one line at {@code width}; continuation lines start with {@code indent}. */
    private static List<String> wrapLine(String text, int width, String indent) {
        if (text.length() <= width) {
            return List.of(text);
        }
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ", -1)) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            } else if (line.length() > 0 && !line.toString().equals(indent)) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
