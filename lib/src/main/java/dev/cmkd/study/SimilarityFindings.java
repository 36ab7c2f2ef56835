package dev.cmkd.study;

import dev.cmkd.analysis.BandSimilarity;
import dev.cmkd.model.FeaturePoint;
import dev.cmkd.report.PairedComparison;
import dev.cmkd.report.PairedDifference;
import dev.cmkd.results.ResultFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The similarity study's measurements ({@link SimilarityStudy}) turned into what a reader needs: per pair, feature
 * point and band the mean over seeds of the cosine and the CKA, of their mean-only nulls ({@link
 * dev.cmkd.analysis.MeanOnlyNull}) and of the agreement beyond the null ({@code measured − null}, seed by seed), each
 * with its 95 % confidence interval over seeds ({@link PairedDifference}: Student's t with n − 1 degrees of freedom);
 * the authors' pattern per condition; and conclusions written from those intervals.
 *
 * <p>The pattern of the authors' notebook is the low band with DC far above the high band (0.9113 against −0.0234).
 * A condition (a pair under a feature point) <b>shows the pattern</b> when the 95 % interval of {@code cos(low with
 * DC) − cos(high)} over seeds lies above 0, and shows it <b>beyond the null</b> when the interval of {@code
 * [cos(low with DC) − null(low with DC)] − [cos(high) − null(high)]} does.
 */
public final class SimilarityFindings {

    private static final String[] METRICS = {"cosine", "cka"};
    private static final int DECIMALS = 4;

    private final Table measurements;
    private final Table curves;
    private final Table summary;
    private final Table pattern;
    private final List<String> conclusions;

    private SimilarityFindings(Table measurements, Table curves) {
        this.measurements = measurements;
        this.curves = curves;
        this.summary = summarise(measurements);
        this.pattern = pattern(measurements);
        this.conclusions = conclude(summary, pattern, measurements);
    }

    /**
     * Returns the findings of {@code measurements} (rows of {@link #emptyMeasurements}) and {@code curves} (rows of
     * {@link #emptyCurves}).
     */
    public static SimilarityFindings of(Table measurements, Table curves) {
        return new SimilarityFindings(measurements, curves);
    }

    /** An empty table of measurements: one row per pair, feature point, band and seed. */
    public static Table emptyMeasurements() {
        return Table.create("Cross-modal similarity per seed", StringColumn.create("kind"), StringColumn.create("pair"),
                StringColumn.create("feature"), StringColumn.create("band"), IntColumn.create("seed"),
                DoubleColumn.create("cosine"), DoubleColumn.create("cosine_null"), DoubleColumn.create("cka"),
                DoubleColumn.create("cka_null"));
    }

    /** An empty table of per-bin cosines: one row per pair, feature point, seed and frequency bin. */
    public static Table emptyCurves() {
        return Table.create("Cross-modal cosine per frequency bin and seed", StringColumn.create("kind"),
                StringColumn.create("pair"), StringColumn.create("feature"), IntColumn.create("seed"),
                IntColumn.create("bin"), DoubleColumn.create("cosine"), DoubleColumn.create("cosine_null"));
    }

    /** Appends one measurement to a table of {@link #emptyMeasurements}. */
    public static void addMeasurement(Table table, String kind, String pair, String feature, String band, long seed,
            double cosine, double cosineNull, double cka, double ckaNull) {
        table.stringColumn("kind").append(kind);
        table.stringColumn("pair").append(pair);
        table.stringColumn("feature").append(feature);
        table.stringColumn("band").append(band);
        table.intColumn("seed").append(Math.toIntExact(seed));
        table.doubleColumn("cosine").append(cosine);
        table.doubleColumn("cosine_null").append(cosineNull);
        table.doubleColumn("cka").append(cka);
        table.doubleColumn("cka_null").append(ckaNull);
    }

    /** Appends one frequency bin's cosine to a table of {@link #emptyCurves}. */
    public static void addCurvePoint(Table table, String kind, String pair, String feature, long seed, int bin,
            double cosine, double cosineNull) {
        table.stringColumn("kind").append(kind);
        table.stringColumn("pair").append(pair);
        table.stringColumn("feature").append(feature);
        table.intColumn("seed").append(Math.toIntExact(seed));
        table.intColumn("bin").append(bin);
        table.doubleColumn("cosine").append(cosine);
        table.doubleColumn("cosine_null").append(cosineNull);
    }

    /** The measurements, one row per pair, feature point, band and seed. */
    public Table measurements() {
        return measurements;
    }

    /** The per-bin cosines, one row per pair, feature point, seed and bin. */
    public Table curves() {
        return curves;
    }

    /**
     * Per pair, feature point and band: {@code seeds}, then for the cosine and the CKA the measured value, its null
     * and the value beyond the null, each as mean, {@code _lower} and {@code _upper} (95 % CI over seeds), rounded to
     * four decimals.
     */
    public Table summary() {
        return summary;
    }

    /**
     * Per pair and feature point: the gap {@code cos(low with DC) − cos(high)} and the null's gap, the gap beyond the
     * null and the low band without DC beyond the null (mean and 95 % CI), and whether the condition shows the
     * authors' pattern, measured and beyond the null ("yes", "no", or "one seed" without an interval).
     */
    public Table pattern() {
        return pattern;
    }

    /** The conclusions, sentences computed from the intervals. */
    public List<String> conclusions() {
        return conclusions;
    }

    /**
     * The summary for reading, for one feature point ({@code post-relu} or {@code pre-relu}): pair, band, and for the
     * cosine and the CKA "measured", "null" and "beyond null", each "mean [95 % CI]" over seeds.
     */
    public Table formatted(String feature) {
        Table rows = summary.where(summary.stringColumn("feature").isEqualTo(feature));
        Table table = Table.create("Cross-modal similarity of the " + feature + " feature (mean [95 % CI] over "
                + seedCount() + ")", StringColumn.create("pair"), StringColumn.create("band"));
        String[] labels = {"cosine", "cosine null", "cosine beyond null", "CKA", "CKA null", "CKA beyond null"};
        String[] columns = {"cosine", "cosine_null", "cosine_beyond", "cka", "cka_null", "cka_beyond"};
        for (String label : labels) {
            table.addColumns(StringColumn.create(label));
        }
        for (Row row : rows) {
            table.stringColumn("pair").append(row.getString("pair"));
            table.stringColumn("band").append(row.getString("band"));
            for (int c = 0; c < columns.length; c++) {
                table.stringColumn(labels[c]).append(interval(row, columns[c], columns[c].endsWith("beyond")));
            }
        }
        return table;
    }

    /** The pattern table for reading: every gap as "mean [95 % CI]". */
    public Table formattedPattern() {
        Table table = Table.create("The authors' pattern: low band with DC above the high band (cosine, mean [95 % CI]"
                + " over " + seedCount() + ")", StringColumn.create("pair"), StringColumn.create("feature"),
                StringColumn.create("low with DC − high"), StringColumn.create("null's gap"),
                StringColumn.create("gap beyond null"), StringColumn.create("low without DC beyond null"),
                StringColumn.create("pattern"), StringColumn.create("beyond null"));
        for (Row row : pattern) {
            table.stringColumn("pair").append(row.getString("pair"));
            table.stringColumn("feature").append(row.getString("feature"));
            table.stringColumn("low with DC − high").append(interval(row, "gap", true));
            table.stringColumn("null's gap").append(interval(row, "null_gap", true));
            table.stringColumn("gap beyond null").append(interval(row, "beyond", true));
            table.stringColumn("low without DC beyond null").append(interval(row, "low_without_dc_beyond", true));
            table.stringColumn("pattern").append(row.getString("pattern"));
            table.stringColumn("beyond null").append(row.getString("pattern_beyond_null"));
        }
        return table;
    }

    /**
     * The mean over seeds of one metric ({@code cosine} or {@code cka}) of the {@code post-relu} feature: a row per
     * band, a column per pair (the first is the two teachers).
     */
    public Table byBand(String metric) {
        String feature = FeaturePoint.POST_RELU.toString();
        Table rows = summary.where(summary.stringColumn("feature").isEqualTo(feature));
        Map<String, Map<String, Double>> pairs = new LinkedHashMap<>();
        for (Row row : rows) {
            pairs.computeIfAbsent(row.getString("pair"), pair -> new LinkedHashMap<>()).put(row.getString("band"),
                    row.getDouble(metric));
        }
        return BandSimilarity.table("Mean " + metric + " per band, " + feature + " feature", pairs);
    }

    /**
     * Writes {@code measurements.csv}, {@code curves.csv}, {@code similarity.csv} (the summary), {@code pattern.csv},
     * {@code conclusions.txt} and one figure per feature point, {@code similarity-curve-<feature>.png}, to {@code
     * outputDir}, and returns their paths.
     */
    public List<Path> write(Path outputDir) {
        List<Path> files = new ArrayList<>();
        files.add(ResultFiles.writeCsv(measurements, outputDir.resolve("measurements.csv")));
        files.add(ResultFiles.writeCsv(curves, outputDir.resolve("curves.csv")));
        files.add(ResultFiles.writeCsv(summary, outputDir.resolve("similarity.csv")));
        files.add(ResultFiles.writeCsv(pattern, outputDir.resolve("pattern.csv")));
        files.add(ResultFiles.writeString(String.join(System.lineSeparator(), conclusions) + System.lineSeparator(),
                outputDir.resolve("conclusions.txt")));
        for (String feature : new LinkedHashSet<>(curves.stringColumn("feature").asList())) {
            files.add(ResultFiles.writePng(chart(feature), outputDir.resolve("similarity-curve-" + feature + ".png")));
        }
        return files;
    }

    /** "1 seed" or "n seeds", for titles. */
    private String seedCount() {
        return seeds() + (seeds() == 1 ? " seed" : " seeds");
    }

    /** The number of seeds of the measurements. */
    public int seeds() {
        return measurements.intColumn("seed").unique().size();
    }

    /**
     * The per-bin cosine of every pair under {@code feature}: the mean over seeds with its 95 % interval as error
     * bars. The mean-only null is 0 at every bin but the DC bin (k = 0), where it is the mean sign of the two
     * channel means.
     */
    XYChart chart(String feature) {
        XYChart chart = new XYChartBuilder().width(ResultFiles.FIGURE_WIDTH).height(ResultFiles.FIGURE_HEIGHT)
                .title("Cross-modal cosine per frequency bin, " + feature + " feature (mean, 95 % CI over "
                        + seedCount() + ")").xAxisTitle("frequency bin k along the channels")
                .yAxisTitle("cosine of the two Fourier coefficients").build();
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setMarkerSize(3).setLegendPosition(Styler.LegendPosition.OutsideS);
        Table rows = curves.where(curves.stringColumn("feature").isEqualTo(feature));
        for (String pair : new LinkedHashSet<>(rows.stringColumn("pair").asList())) {
            Table one = rows.where(rows.stringColumn("pair").isEqualTo(pair));
            int bins = (int) one.intColumn("bin").max() + 1;
            double[] mean = new double[bins];
            double[] halfWidth = new double[bins];
            for (int bin = 0; bin < bins; bin++) {
                PairedDifference d = PairedDifference.of(one.where(one.intColumn("bin").isEqualTo(bin))
                        .doubleColumn("cosine").asDoubleArray());
                mean[bin] = d.mean();
                halfWidth[bin] = d.hasInterval() ? d.upper() - d.mean() : 0;
            }
            chart.addSeries(pair, IntStream.range(0, bins).asDoubleStream().toArray(), mean, halfWidth);
        }
        return chart;
    }

    private static Table summarise(Table measurements) {
        Table table = Table.create("Cross-modal similarity: mean over seeds with 95 % CI, null and beyond null",
                StringColumn.create("kind"), StringColumn.create("pair"), StringColumn.create("feature"),
                StringColumn.create("band"), IntColumn.create("seeds"));
        List<String> columns = new ArrayList<>();
        for (String metric : METRICS) {
            columns.addAll(List.of(metric, metric + "_null", metric + "_beyond"));
        }
        for (String column : columns) {
            table.addColumns(DoubleColumn.create(column), DoubleColumn.create(column + "_lower"),
                    DoubleColumn.create(column + "_upper"));
        }
        groups(measurements, List.of("kind", "feature", "band")).forEach((key, rows) -> {
            Row first = rows.row(0);
            for (String name : List.of("kind", "pair", "feature", "band")) {
                table.stringColumn(name).append(first.getString(name));
            }
            table.intColumn("seeds").append(rows.rowCount());
            for (String metric : METRICS) {
                append(table, metric, values(rows, r -> r.getDouble(metric)));
                append(table, metric + "_null", values(rows, r -> r.getDouble(metric + "_null")));
                append(table, metric + "_beyond", values(rows, r -> r.getDouble(metric) - r.getDouble(metric
                        + "_null")));
            }
        });
        return table;
    }

    private static Table pattern(Table measurements) {
        Table table = Table.create("The authors' pattern per condition", StringColumn.create("kind"),
                StringColumn.create("pair"), StringColumn.create("feature"), IntColumn.create("seeds"));
        for (String column : List.of("gap", "null_gap", "beyond", "low_without_dc_beyond")) {
            table.addColumns(DoubleColumn.create(column), DoubleColumn.create(column + "_lower"),
                    DoubleColumn.create(column + "_upper"));
        }
        table.addColumns(StringColumn.create("pattern"), StringColumn.create("pattern_beyond_null"));
        groups(measurements, List.of("kind", "feature")).forEach((key, rows) -> {
            Table low = band(rows, BandSimilarity.LOW_WITH_DC);
            Table high = band(rows, BandSimilarity.HIGH);
            Table lowWithoutDc = band(rows, BandSimilarity.LOW_WITHOUT_DC);
            int n = low.rowCount();
            double[] gap = new double[n];
            double[] nullGap = new double[n];
            double[] beyond = new double[n];
            double[] lowBeyond = new double[n];
            for (int s = 0; s < n; s++) {
                gap[s] = low.doubleColumn("cosine").get(s) - high.doubleColumn("cosine").get(s);
                nullGap[s] = low.doubleColumn("cosine_null").get(s) - high.doubleColumn("cosine_null").get(s);
                beyond[s] = gap[s] - nullGap[s];
                lowBeyond[s] = lowWithoutDc.doubleColumn("cosine").get(s)
                        - lowWithoutDc.doubleColumn("cosine_null").get(s);
            }
            Row first = rows.row(0);
            table.stringColumn("kind").append(first.getString("kind"));
            table.stringColumn("pair").append(first.getString("pair"));
            table.stringColumn("feature").append(first.getString("feature"));
            table.intColumn("seeds").append(n);
            append(table, "gap", gap);
            append(table, "null_gap", nullGap);
            append(table, "beyond", beyond);
            append(table, "low_without_dc_beyond", lowBeyond);
            table.stringColumn("pattern").append(verdict(PairedDifference.of(gap)));
            table.stringColumn("pattern_beyond_null").append(verdict(PairedDifference.of(beyond)));
        });
        return table;
    }

    private static List<String> conclude(Table summary, Table pattern, Table measurements) {
        int conditions = pattern.rowCount();
        int features = pattern.stringColumn("feature").unique().size();
        int bands = summary.stringColumn("band").unique().size();
        int seeds = measurements.intColumn("seed").unique().size();
        List<String> sentences = new ArrayList<>();
        sentences.add(String.format(Locale.ROOT, "The table has %d conditions (%d pairs × %d feature points), each"
                + " with %d bands: %d rows, each over %d seeds; a condition shows the authors' pattern when the 95 %%"
                + " CI over seeds of cos(low with DC) − cos(high) lies above 0.", conditions, conditions / features,
                features, bands, summary.rowCount(), seeds));
        if (seeds < 2) {
            sentences.add("With one seed there is no interval, so no condition can be said to show the pattern.");
            return sentences;
        }
        List<String> shown = conditions(pattern, "pattern", "yes");
        sentences.add(String.format(Locale.ROOT, "The authors' pattern appears in %d of %d conditions (measured gaps"
                + " %s to %s); not in: %s.", shown.size(), conditions, fixed(min(pattern, "gap")),
                fixed(max(pattern, "gap")), list(conditions(pattern, "pattern", "no"))));
        sentences.add(String.format(Locale.ROOT, "The mean-only null alone predicts gaps of %s to %s: two vectors"
                + " that share only their mean give a low band with DC far above the high band.",
                fixed(min(pattern, "null_gap")), fixed(max(pattern, "null_gap"))));
        for (Row row : pattern) {
            if (row.getString("kind").equals(SimilarityStudy.TEACHERS)) {
                sentences.add(String.format(Locale.ROOT, "The two teachers, the authors' pair: %s (%s): low with DC − high %s, the"
                        + " null's gap %s, beyond the null %s.", row.getString("pair"), row.getString("feature"),
                        interval(row, "gap", true), interval(row, "null_gap", true), interval(row, "beyond", true)));
            }
        }
        List<String> beyond = conditions(pattern, "pattern_beyond_null", "yes");
        sentences.add(String.format(Locale.ROOT, "Beyond the null (the CI of the gap less the null's gap above 0), the"
                + " pattern remains in %d of %d conditions: %s; in the other %d the gap beyond the null is not"
                + " above 0. Each interval is at 95 %%, uncorrected: were there no effect anywhere, about %.1f of %d"
                + " intervals would lie above 0 by chance.", beyond.size(), conditions, list(beyond),
                conditions - beyond.size(), conditions * (1 - PairedDifference.CONFIDENCE) / 2, conditions));
        List<String> lowAgrees = new ArrayList<>();
        for (Row row : pattern) {
            if (row.getDouble("low_without_dc_beyond_lower") > 0) {
                lowAgrees.add(row.getString("pair") + " (" + row.getString("feature") + ")");
            }
        }
        sentences.add(String.format(Locale.ROOT, "The low band without DC, the band FD-CMKD's loss aligns, agrees"
                + " beyond the null (CI above 0) in %d of %d conditions: %s.", lowAgrees.size(), conditions,
                list(lowAgrees)));
        for (Row row : summary) {
            String kind = row.getString("kind");
            Row base = kind.startsWith(SimilarityStudy.PERMUTED) && row.getString("band").equals(BandSimilarity.RAW)
                    ? find(summary, kind.substring(SimilarityStudy.PERMUTED.length()), row.getString("feature"),
                    BandSimilarity.RAW) : null;
            if (base != null) {
                sentences.add(String.format(Locale.ROOT, "Permuting the channels of one side of %s (%s): the raw"
                        + " feature's CKA goes from %s to %s (CKA is invariant to orthogonal maps, a permutation among"
                        + " them), its cosine beyond the null from %s to %s (cosine compares channel j with channel"
                        + " j).", base.getString("pair"), row.getString("feature"), fixed(base.getDouble("cka")),
                        fixed(row.getDouble("cka")), PairedComparison.signed(base.getDouble("cosine_beyond"), 3),
                        PairedComparison.signed(row.getDouble("cosine_beyond"), 3)));
            }
        }
        return sentences;
    }

    /** "yes" when the interval lies above 0, "no" otherwise, "one seed" without an interval. */
    private static String verdict(PairedDifference d) {
        return !d.hasInterval() ? "one seed" : d.lower() > 0 ? "yes" : "no";
    }

    private static List<String> conditions(Table pattern, String column, String verdict) {
        List<String> names = new ArrayList<>();
        for (Row row : pattern) {
            if (row.getString(column).equals(verdict)) {
                names.add(row.getString("pair") + " (" + row.getString("feature") + ")");
            }
        }
        return names;
    }

    private static Row find(Table summary, String kind, String feature, String band) {
        for (Row row : summary) {
            if (row.getString("kind").equals(kind) && row.getString("feature").equals(feature)
                    && row.getString("band").equals(band)) {
                return row;
            }
        }
        return null;
    }

    /** The rows of {@code measurements} grouped by {@code keys}, in the order of their first row. */
    private static Map<String, Table> groups(Table measurements, List<String> keys) {
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int r = 0; r < measurements.rowCount(); r++) {
            int row = r;
            String key = String.join("\u0000", keys.stream().map(k -> measurements.getString(row, k)).toList());
            rows.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        Map<String, Table> groups = new LinkedHashMap<>();
        rows.forEach((key, indices) -> groups.put(key, measurements.rows(indices.stream().mapToInt(i -> i)
                .toArray())));
        return groups;
    }

    /** The rows of one band, in seed order. */
    private static Table band(Table rows, String band) {
        return rows.where(rows.stringColumn("band").isEqualTo(band)).sortAscendingOn("seed");
    }

    private static double[] values(Table rows, ToDoubleFunction<Row> value) {
        double[] values = new double[rows.rowCount()];
        int i = 0;
        for (Row row : rows) {
            values[i++] = value.applyAsDouble(row);
        }
        return values;
    }

    private static void append(Table table, String column, double[] values) {
        PairedDifference d = PairedDifference.of(values);
        table.doubleColumn(column).append(round(d.mean()));
        table.doubleColumn(column + "_lower").append(round(d.lower()));
        table.doubleColumn(column + "_upper").append(round(d.upper()));
    }

    private static double round(double value) {
        double scale = Math.pow(10, DECIMALS);
        return Double.isFinite(value) ? Math.rint(value * scale) / scale : value;
    }

    /**
     * "0.912 [0.905, 0.919]" from a summary row's {@code column}, {@code column_lower} and {@code column_upper}, signed
     * for differences; the mean alone without an interval.
     */
    public static String interval(Row row, String column, boolean signed) {
        double mean = row.getDouble(column);
        double lower = row.getDouble(column + "_lower");
        double upper = row.getDouble(column + "_upper");
        if (Double.isNaN(lower)) {
            return show(mean, signed);
        }
        return show(mean, signed) + " [" + show(lower, signed) + ", " + show(upper, signed) + "]";
    }

    private static String show(double value, boolean signed) {
        return signed ? PairedComparison.signed(value, 3) : fixed(value);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.3f", value).replace('-', '−');
    }

    private static double min(Table table, String column) {
        return table.doubleColumn(column).min();
    }

    private static double max(Table table, String column) {
        return table.doubleColumn(column).max();
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "none" : String.join("; ", names);
    }
}
