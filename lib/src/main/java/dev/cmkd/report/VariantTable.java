package dev.cmkd.report;

import dev.cmkd.results.ResultFiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The tables and figures of a study over method variants (the ablation, the sensitivity sweep): one row per
 * variant, described by its own columns, then the student test accuracy of each modality, mean and standard
 * deviation over seeds, under one selection protocol.
 */
public final class VariantTable {

    private VariantTable() {}

    /**
     * Returns {@code rows} (each a map from describing column to value, plus "method") with, per student
     * modality of {@code report}, the columns {@code <modality>_mean}, {@code <modality>_std} and
     * {@code <modality>_seeds} of the test accuracy under {@code protocol}.
     */
    public static Table accuracies(String title, BenchmarkReport report, String protocol,
            List<Map<String, String>> rows) {
        Table summary = report.summary();
        List<String> modalities = PairedComparison.studentModalities(summary);
        Table table = Table.create(title);
        rows.get(0).keySet().forEach(column -> table.addColumns(StringColumn.create(column)));
        for (String modality : modalities) {
            table.addColumns(DoubleColumn.create(modality + "_mean"), DoubleColumn.create(modality + "_std"),
                    IntColumn.create(modality + "_seeds"));
        }
        for (Map<String, String> row : rows) {
            row.forEach((column, value) -> table.stringColumn(column).append(value));
            for (String modality : modalities) {
                int found = BenchmarkReport.find(summary, "student", modality, row.get("method"));
                if (found < 0) {
                    throw new IllegalStateException("no " + modality + " student run with method '"
                            + row.get("method") + "' in the report");
                }
                table.doubleColumn(modality + "_mean").append(summary.doubleColumn(protocol + "_mean").get(found));
                table.doubleColumn(modality + "_std").append(summary.doubleColumn(protocol + "_std").get(found));
                table.intColumn(modality + "_seeds").append(summary.intColumn("seeds").get(found));
            }
        }
        return table;
    }

    /** Returns {@code table} with each modality's accuracy as text, "mean ± std" in percent. */
    public static Table formatted(Table table) {
        Table text = Table.create(table.name() + " (percent)");
        List<String> modalities = modalities(table);
        for (String column : table.columnNames()) {
            if (table.column(column) instanceof StringColumn strings) {
                text.addColumns(strings.copy());
            }
        }
        for (String modality : modalities) {
            StringColumn column = StringColumn.create(modality + " student");
            for (int row = 0; row < table.rowCount(); row++) {
                column.append(BenchmarkReport.meanAndStd(100 * table.doubleColumn(modality + "_mean").getDouble(row),
                        100 * table.doubleColumn(modality + "_std").getDouble(row)));
            }
            text.addColumns(column);
        }
        return text;
    }

    /**
     * A bar per row of {@code table} (labelled by {@code labelColumn}) and student modality, with the spread
     * over seeds as error bars; the accuracy axis starts near the lowest bar, which the title says.
     */
    public static CategoryChart chart(String title, String axisTitle, Table table, String labelColumn) {
        CategoryChart chart = new CategoryChartBuilder().width(ResultFiles.FIGURE_WIDTH)
                .height(ResultFiles.FIGURE_HEIGHT).title(title + " (the axis does not start at 0)")
                .xAxisTitle(axisTitle).yAxisTitle("test accuracy (%, mean ± std over seeds)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisLabelRotation(table.rowCount() > 6 ? 30 : 0);
        List<String> labels = table.stringColumn(labelColumn).asList();
        double lowest = 100;
        for (String modality : modalities(table)) {
            List<Double> means = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (int row = 0; row < table.rowCount(); row++) {
                DoubleColumn std = table.doubleColumn(modality + "_std");
                means.add(100 * table.doubleColumn(modality + "_mean").getDouble(row));
                errors.add(std.isMissing(row) ? 0 : 100 * std.getDouble(row));
                lowest = Math.min(lowest, means.get(row) - errors.get(row));
            }
            chart.addSeries(modality + " student", labels, means, errors);
        }
        chart.getStyler().setYAxisMin(Math.max(0, Math.floor(lowest) - 1)).setYAxisMax(100.0);
        return chart;
    }

    /**
     * Compares variants with a reference method over seeds, per student modality: each comparison paired by seed,
     * its mean difference in points with a 95 % confidence interval and its verdict after Holm's correction over
     * every comparison of the table ({@link PairedComparison#table}; {@link PairedComparison#formatted} and {@link
     * PairedComparison#conclusions} render it).
     *
     * @param report the study's runs, every seed of every variant
     * @param protocol the selection protocol, e.g. {@code bestVal}
     * @param comparisons pairs {description, method of the compared variant}
     */
    public static Table findings(String title, BenchmarkReport report, String protocol, String referenceMethod,
            List<String[]> comparisons) {
        Table results = report.results();
        return PairedComparison.table(title, PairedComparison.everyModality(results, referenceMethod, comparisons),
                protocol, report.metricColumn());
    }

    /** A row's describing columns, in order. */
    public static Map<String, String> row(String... columnsAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put(columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }

    private static List<String> modalities(Table table) {
        return table.columnNames().stream().filter(name -> name.endsWith("_mean"))
                .map(name -> name.substring(0, name.length() - "_mean".length())).toList();
    }
}
