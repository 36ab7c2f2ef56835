package dev.cmkd.report;

import java.util.Locale;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * The difference of two mean test accuracies over seeds, in percentage points, with its standard error
 * {@code sqrt(s1²/n1 + s2²/n2)} (sample standard deviations {@code s}, {@code n} seeds). A difference is called
 * beyond seed noise when it exceeds twice its standard error; with one seed the noise is unknown (NaN). With
 * many comparisons some cross that line by chance (about one in twenty when nothing differs).
 *
 * <p>Only for tables that hold means and standard deviations but no per-seed rows. Runs of one seed share the
 * teacher and the data order; compare them paired by seed with {@link PairedComparison} instead.
 *
 * @param delta {@code to − from}, in points
 * @param standardError the standard error of {@code delta}, in points
 * @param from the first accuracy, in percent
 * @param to the second accuracy, in percent
 * @deprecated unpaired and uncorrected for multiple comparisons; use {@link PairedComparison}.
 */
@Deprecated
public record AccuracyDifference(double delta, double standardError, double from, double to) {

    /** Differences below this many points are rounding in the means, not a difference. */
    private static final double EQUAL = 1e-9;

    /** Between two rows of a benchmark summary ({@link BenchmarkReport#summary}) under {@code protocol}. */
    public static AccuracyDifference between(Table summary, String protocol, int to, int from) {
        return of(summary.doubleColumn(protocol + "_mean"), summary.doubleColumn(protocol + "_std"),
                summary.intColumn("seeds").getInt(from), summary.intColumn("seeds").getInt(to), from, to);
    }

    /** Between two rows of a variant table (the ablation, the sensitivity sweep) for student {@code modality}. */
    public static AccuracyDifference betweenVariants(Table variants, String modality, int to, int from) {
        return of(variants.doubleColumn(modality + "_mean"), variants.doubleColumn(modality + "_std"),
                variants.intColumn(modality + "_seeds").getInt(from), variants.intColumn(modality + "_seeds").getInt(to),
                from, to);
    }

    private static AccuracyDifference of(DoubleColumn mean, DoubleColumn std, int nFrom, int nTo, int from, int to) {
        double variance = (std.isMissing(from) ? Double.NaN : square(std.getDouble(from)) / nFrom)
                + (std.isMissing(to) ? Double.NaN : square(std.getDouble(to)) / nTo);
        return new AccuracyDifference(100 * (mean.getDouble(to) - mean.getDouble(from)), 100 * Math.sqrt(variance),
                100 * mean.getDouble(from), 100 * mean.getDouble(to));
    }

    /** Whether {@code |delta|} exceeds twice the standard error. */
    public boolean beyondNoise() {
        return Math.abs(delta) > 2 * standardError;
    }

    /** "what: from → to, +delta ± se points (standard error)". */
    public String text(String what) {
        return String.format(Locale.ROOT, "%s: %.2f → %.2f, %+.2f ± %.2f points (standard error)", what, from, to,
                delta, standardError);
    }

    /** "higher", "lower" or "equal", and whether beyond seed noise. */
    public String verdict() {
        String direction = Math.abs(delta) < EQUAL ? "equal" : delta > 0 ? "higher" : "lower";
        if (Double.isNaN(standardError)) {
            return direction + " (one seed: noise unknown)";
        }
        return direction + (beyondNoise() ? ", beyond seed noise" : ", within seed noise");
    }

    private static double square(double x) {
        return x * x;
    }
}
