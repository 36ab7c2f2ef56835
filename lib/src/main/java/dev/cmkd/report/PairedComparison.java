package dev.cmkd.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Methods compared over seeds the way the claim needs: paired by seed, with a confidence interval, corrected for
 * the number of comparisons a table makes.
 *
 * <p>The runs of one seed share the teacher and the order of the data, so two methods' students of one modality
 * are compared seed by seed: {@code d_s = metric(compared, s) − metric(reference, s)} in percentage points, over
 * the seeds where both runs finished ({@code n} of them). Each comparison reports the mean difference, the
 * standard deviation of the differences, the 95 % confidence interval from Student's t with {@code n − 1} degrees
 * of freedom and the two-sided p-value of the paired t test ({@link PairedDifference}).
 *
 * <p>A table is one family: the p-values of its {@code m} comparisons that have an interval are adjusted by
 * Holm's step-down method (Holm, "A simple sequentially rejective multiple test procedure", Scandinavian Journal
 * of Statistics 6, 1979), which keeps the chance of any false "higher" or "lower" in the table at 5 %. Sorting
 * the p-values {@code p_(1) ≤ … ≤ p_(m)}, the adjusted value of {@code p_(i)} is
 * {@code max_{j ≤ i} min(1, (m − j + 1) · p_(j))}. The verdict is "higher" or "lower" (the sign of the
 * interval, which excludes 0 whenever the adjusted p-value is below 5 %) when the adjusted p-value is below 5 %,
 * and "no difference detected" otherwise; "one seed: no interval" with a single paired seed.
 *
 * <p>Usage: {@code Table t = PairedComparison.table("…", pairings, "bestVal", "test_accuracy")}, then
 * {@link #formatted} to read it and {@link #conclusions} for the sentences quoted in prose.
 */
public final class PairedComparison {

    /** The family-wise error rate of a table's verdicts: 1 − {@link PairedDifference#CONFIDENCE}. */
    public static final double ALPHA = 0.05;

    /** The verdict of a Holm-significant positive difference (compared above reference). */
    public static final String HIGHER = "higher";
    /** The verdict of a Holm-significant negative difference. */
    public static final String LOWER = "lower";
    /** The verdict when the Holm-adjusted p-value is not below {@link #ALPHA}. */
    public static final String NO_DIFFERENCE = "no difference detected";
    /** The verdict with a single paired seed. */
    public static final String ONE_SEED = "one seed: no interval";
    /** The verdict when no seed has both runs finished. */
    public static final String NO_SEED = "no seed with both runs finished";

    /**
     * One comparison of a table: the students of {@code modality} trained with {@code compared} against those
     * trained with {@code reference}, both read from {@code results} (rows in the layout of {@link
     * BenchmarkReport#results()}).
     *
     * @param label what the comparison stands for in the table (e.g. "without Log", or the compared method)
     * @param results the per-run rows holding both methods' runs
     * @param modality the student modality
     * @param reference the reference method (the difference is {@code compared − reference})
     * @param compared the compared method
     */
    public record Pairing(String label, Table results, String modality, String reference, String compared) {}

    private PairedComparison() {}

    /**
     * The pairings of {@code reference} with each of {@code comparisons} ({label, method}) for every student
     * modality of {@code results}, modality by modality in the order of first appearance.
     */
    public static List<Pairing> everyModality(Table results, String reference, List<String[]> comparisons) {
        List<Pairing> pairings = new ArrayList<>();
        for (String modality : studentModalities(results)) {
            for (String[] comparison : comparisons) {
                pairings.add(new Pairing(comparison[0], results, modality, reference, comparison[1]));
            }
        }
        return pairings;
    }

    /**
     * The main job's family ({@code comparisons.csv}): for every student modality, each method minus the student
     * without distillation ({@code none}) and each other method minus Hinton's KD ({@code kd}), the two references
     * a new method must beat, under {@code protocol}; Holm over the whole table. A reference missing from {@code
     * results} gives no rows.
     */
    public static Table againstNoneAndKd(Table results, String protocol, String metric) {
        List<String> methods = results.stringColumn("method").unique().asList().stream()
                .filter(method -> !method.isEmpty()).toList();
        List<Pairing> pairings = new ArrayList<>();
        for (String reference : List.of("none", "kd")) {
            if (!methods.contains(reference)) {
                continue;
            }
            List<String[]> compared = methods.stream().filter(m -> !m.equals("none") && !m.equals(reference))
                    .map(m -> new String[] {m, m}).toList();
            pairings.addAll(everyModality(results, reference, compared));
        }
        return table("Each method minus none and minus kd, test " + metric.replace("test_", "") + " under "
                + protocol, pairings, protocol, metric);
    }

    /**
     * The comparison table of one family: per pairing, in order, the columns {@code student}, {@code comparison}
     * (the label), {@code reference}, {@code method}, {@code seeds} (n), {@code difference}, {@code sd}, {@code
     * ci_low}, {@code ci_high} (percentage points of {@code metric} under {@code protocol}), {@code p}, {@code
     * p_holm} (adjusted over the pairings with an interval; NaN without one) and {@code verdict}.
     *
     * @param metric the result column, e.g. {@code test_accuracy} (fractions, reported ×100 as points)
     */
    public static Table table(String title, List<Pairing> pairings, String protocol, String metric) {
        Table table = Table.create(title, StringColumn.create("student"), StringColumn.create("comparison"),
                StringColumn.create("reference"), StringColumn.create("method"), IntColumn.create("seeds"),
                DoubleColumn.create("difference"), DoubleColumn.create("sd"), DoubleColumn.create("ci_low"),
                DoubleColumn.create("ci_high"), DoubleColumn.create("p"), DoubleColumn.create("p_holm"),
                StringColumn.create("verdict"));
        List<PairedDifference> differences = new ArrayList<>();
        for (Pairing pairing : pairings) {
            differences.add(PairedDifference.of(differencesBySeed(pairing, protocol, metric)));
        }
        double[] tested = differences.stream().filter(PairedDifference::hasInterval)
                .mapToDouble(PairedDifference::p).toArray();
        double[] adjusted = holm(tested);
        int next = 0;
        for (int i = 0; i < pairings.size(); i++) {
            Pairing pairing = pairings.get(i);
            PairedDifference d = differences.get(i);
            double holm = d.hasInterval() ? adjusted[next++] : Double.NaN;
            table.stringColumn("student").append(pairing.modality());
            table.stringColumn("comparison").append(pairing.label());
            table.stringColumn("reference").append(pairing.reference());
            table.stringColumn("method").append(pairing.compared());
            table.intColumn("seeds").append(d.n());
            table.doubleColumn("difference").append(d.mean());
            table.doubleColumn("sd").append(d.sd());
            table.doubleColumn("ci_low").append(d.lower());
            table.doubleColumn("ci_high").append(d.upper());
            table.doubleColumn("p").append(d.p());
            table.doubleColumn("p_holm").append(holm);
            table.stringColumn("verdict").append(verdict(d, holm));
        }
        return table;
    }

    /**
     * The differences {@code compared − reference} of {@code metric} in points, one per seed (ascending) where
     * both students of the pairing's modality finished under {@code protocol}. Rows of other roles, modalities,
     * methods or protocols, runs that failed (their {@code status} is not {@code finished}) and values that are
     * not finite are left out.
     *
     * @throws IllegalStateException when a seed has two finished runs of one method
     */
    public static double[] differencesBySeed(Pairing pairing, String protocol, String metric) {
        Map<Long, Double> reference = bySeed(pairing.results(), pairing.modality(), pairing.reference(), protocol,
                metric);
        Map<Long, Double> compared = bySeed(pairing.results(), pairing.modality(), pairing.compared(), protocol,
                metric);
        return reference.keySet().stream().filter(compared::containsKey)
                .mapToDouble(seed -> 100 * (compared.get(seed) - reference.get(seed))).toArray();
    }

    /**
     * Holm's step-down adjustment of {@code p} (NaN entries are not allowed): the adjusted value of the i-th
     * smallest is {@code max_{j ≤ i} min(1, (m − j + 1) · p_(j))}; returned in the order of {@code p}.
     */
    public static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            if (Double.isNaN(p[i])) {
                throw new IllegalArgumentException("p-value " + i + " is NaN; leave out comparisons without a test");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            running = Math.max(running, Math.min(1, (m - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }
        return adjusted;
    }

    /** The number of comparisons of {@code table} with an interval: the size of its Holm family. */
    public static int family(Table table) {
        return (int) table.intColumn("seeds").asList().stream().filter(n -> n >= 2).count();
    }

    /**
     * {@code table} for reading: student, comparison, reference, seeds, the difference with its interval in points
     * ("+1.23 [−0.40, +2.86]"), the Holm-adjusted p-value and the verdict; the title names the family's size.
     */
    public static Table formatted(Table table) {
        Table text = Table.create(table.name() + " (paired by seed; 95 % CI from t with n − 1 df; Holm over "
                + family(table) + " comparisons)");
        for (String column : new String[] {"student", "comparison", "reference"}) {
            text.addColumns(table.stringColumn(column).copy());
        }
        text.addColumns(table.intColumn("seeds").copy());
        StringColumn difference = StringColumn.create("difference, points [95 % CI]");
        StringColumn holm = StringColumn.create("p (Holm)");
        for (int row = 0; row < table.rowCount(); row++) {
            difference.append(interval(table, row, 2));
            holm.append(pValue(table.doubleColumn("p_holm").getDouble(row)));
        }
        return text.addColumns(difference, holm, table.stringColumn("verdict").copy());
    }

    /**
     * The conclusions of {@code table} as sentences: first a summary (how many of the family's {@code m}
     * comparisons differ after Holm, and how many would cross the uncorrected 5 % line by chance, {@code 0.05·m}),
     * then, per reference and student modality whose every comparison is Holm-significantly lower, that the
     * reference is the best of the methods compared, then one sentence per comparison, e.g. "fd-cmkd vs none (audio
     * student): +1.2 points, 95 % CI [−0.4, +2.9], n = 5 seeds; no difference detected after Holm over 12
     * comparisons (adjusted p = 0.41)."
     */
    public static List<String> conclusions(Table table) {
        int m = family(table);
        List<String> sentences = new ArrayList<>();
        long beyond = table.stringColumn("verdict").asList().stream()
                .filter(v -> v.equals(HIGHER) || v.equals(LOWER)).count();
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "%d of %d %s differ beyond seed noise"
                + " after Holm's correction (at most a %.0f %% chance of any false difference in the table);"
                + " without a correction, about %s of %d comparisons at %.0f %% would cross by chance even if no"
                + " method differed.", beyond, m, m == 1 ? "comparison" : "comparisons", 100 * ALPHA,
                trimmed(ALPHA * m), m, 100 * ALPHA));
        int untested = table.rowCount() - m;
        if (untested > 0) {
            summary.append(String.format(Locale.ROOT, " %d %s fewer than two paired seeds and no interval.",
                    untested, untested == 1 ? "comparison has" : "comparisons have"));
        }
        sentences.add(summary.toString());
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int row = 0; row < table.rowCount(); row++) {
            groups.computeIfAbsent(table.stringColumn("reference").get(row) + "|"
                    + table.stringColumn("student").get(row), k -> new ArrayList<>()).add(row);
        }
        for (List<Integer> rows : groups.values()) {
            if (rows.stream().allMatch(row -> table.stringColumn("verdict").get(row).equals(LOWER))) {
                int first = rows.get(0);
                sentences.add(String.format(Locale.ROOT, "%s is the best of the %d methods compared for the %s"
                        + " student: each of the other %d is lower after Holm over %d comparisons.",
                        table.stringColumn("reference").get(first), rows.size() + 1,
                        table.stringColumn("student").get(first), rows.size(), m));
            }
        }
        for (int row = 0; row < table.rowCount(); row++) {
            sentences.add(sentence(table, row, m));
        }
        return sentences;
    }

    /**
     * The sentences of {@link #conclusions} for only the comparisons of {@code table} that differ beyond seed noise
     * after Holm's correction ({@link #HIGHER} or {@link #LOWER}), in the table's order; empty when none does. With
     * the summary sentence, what a reader needs from a table whose other rows are "no difference".
     */
    public static List<String> differences(Table table) {
        int m = family(table);
        List<String> sentences = new ArrayList<>();
        for (int row = 0; row < table.rowCount(); row++) {
            String verdict = table.stringColumn("verdict").get(row);
            if (verdict.equals(HIGHER) || verdict.equals(LOWER)) {
                sentences.add(sentence(table, row, m));
            }
        }
        return sentences;
    }

    private static String sentence(Table table, int row, int m) {
        String method = table.stringColumn("method").get(row);
        String label = table.stringColumn("comparison").get(row);
        String subject = (label.equals(method) ? "" : label + ": ") + method + " vs "
                + table.stringColumn("reference").get(row) + " (" + table.stringColumn("student").get(row)
                + " student)";
        int n = table.intColumn("seeds").getInt(row);
        double difference = table.doubleColumn("difference").getDouble(row);
        if (n == 0) {
            return subject + ": " + NO_SEED + "; no conclusion.";
        }
        if (n == 1) {
            return subject + ": " + signed(difference, 1) + " points from one seed; no interval, no conclusion.";
        }
        double holm = table.doubleColumn("p_holm").getDouble(row);
        return String.format(Locale.ROOT, "%s: %s points, 95 %% CI [%s, %s], n = %d seeds; %s after Holm over %d"
                + " comparisons (adjusted p %s).", subject, signed(difference, 1),
                signed(table.doubleColumn("ci_low").getDouble(row), 1),
                signed(table.doubleColumn("ci_high").getDouble(row), 1), n, table.stringColumn("verdict").get(row), m,
                holm < 0.001 ? pValue(holm) : "= " + pValue(holm));
    }

    /** Row {@code row}'s difference and interval, "+1.23 [−0.40, +2.86]", or "+1.23 (one seed)", or "—". */
    static String interval(Table table, int row, int decimals) {
        int n = table.intColumn("seeds").getInt(row);
        double difference = table.doubleColumn("difference").getDouble(row);
        if (n == 0) {
            return "—";
        }
        if (n == 1) {
            return signed(difference, decimals) + " (one seed)";
        }
        return signed(difference, decimals) + " [" + signed(table.doubleColumn("ci_low").getDouble(row), decimals)
                + ", " + signed(table.doubleColumn("ci_high").getDouble(row), decimals) + "]";
    }

    /** {@code value} with its sign and {@code decimals} decimals, the minus sign typeset (U+2212); 0 is "+0.0". */
    public static String signed(double value, int decimals) {
        double rounded = Math.abs(value) < 0.5 * Math.pow(10, -decimals) ? 0 : value;
        return String.format(Locale.ROOT, "%+." + decimals + "f", rounded).replace('-', '−');
    }

    /** A p-value for reading: three decimals, "< 0.001" below that, "—" when there is none. */
    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "—";
        }
        return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String verdict(PairedDifference d, double holm) {
        if (d.n() == 0) {
            return NO_SEED;
        }
        if (d.n() == 1) {
            return ONE_SEED;
        }
        if (holm < ALPHA && d.lower() > 0) {
            return HIGHER;
        }
        if (holm < ALPHA && d.upper() < 0) {
            return LOWER;
        }
        return NO_DIFFERENCE;
    }

    private static Map<Long, Double> bySeed(Table results, String modality, String method, String protocol,
            String metric) {
        boolean hasStatus = results.columnNames().contains(BenchmarkReport.STATUS);
        Map<Long, Double> values = new TreeMap<>();
        for (int row = 0; row < results.rowCount(); row++) {
            if (!results.getString(row, "role").equals("student") || !results.getString(row, "modality")
                    .equals(modality) || !results.getString(row, "method").equals(method)
                    || !results.getString(row, "protocol").equals(protocol)
                    || hasStatus && !BenchmarkReport.FINISHED.equals(results.getString(row, BenchmarkReport.STATUS))
                    || results.column(metric).isMissing(row)) {
                continue;
            }
            double value = ((Number) results.column(metric).get(row)).doubleValue();
            long seed = ((Number) results.column("seed").get(row)).longValue();
            if (!Double.isFinite(value)) {
                continue;
            }
            if (values.put(seed, value) != null) {
                throw new IllegalStateException("two finished " + modality + " student runs of method '" + method
                        + "' with seed " + seed + " under " + protocol + " in '" + results.name()
                        + "'; pairing by seed needs one run per seed");
            }
        }
        return values;
    }

    /** The student modalities of per-run or summary rows, in the order of their first row. */
    static List<String> studentModalities(Table results) {
        LinkedHashSet<String> modalities = new LinkedHashSet<>();
        for (int row = 0; row < results.rowCount(); row++) {
            if (results.getString(row, "role").equals("student")) {
                modalities.add(results.getString(row, "modality"));
            }
        }
        return List.copyOf(modalities);
    }

    private static String trimmed(double value) {
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
