package dev.cmkd.report;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The paired t statistics of one sample of differences {@code d_1 … d_n} (one per seed, compared minus reference):
 *
 * <pre>
 *   mean = Σ d_i / n
 *   sd   = sqrt( Σ (d_i − mean)² / (n − 1) )          the sample standard deviation
 *   se   = sd / sqrt(n)
 *   95 % CI = mean ± t(0.975, n − 1) · se              t: Student's t quantile with n − 1 degrees of freedom
 *   p    = 2 · P(T_{n−1} ≥ |mean / se|)                two-sided, H0: the mean difference is 0
 * </pre>
 *
 * With fewer than two differences there is no spread and hence no interval: {@code sd}, the bounds and {@code p}
 * are NaN. When every difference is the same ({@code sd = 0}) the interval is the single point {@code mean} and
 * {@code p} is 1 if that point is 0 and 0 otherwise (the t statistic is 0/0 or infinite).
 *
 * <p>The quantiles and tail probabilities are those of Apache Commons Math's {@link TDistribution} (the
 * kit's tests check them against a printed table).
 *
 * @param n the number of differences (paired seeds)
 * @param mean the mean difference
 * @param sd the sample standard deviation of the differences (n − 1)
 * @param lower the lower bound of the 95 % confidence interval of the mean difference
 * @param upper the upper bound
 * @param p the two-sided p-value of the paired t test
 */
public record PairedDifference(int n, double mean, double sd, double lower, double upper, double p) {

    /** The confidence level of the interval, and the two-sided test level it matches (1 − 0.95 = 0.05). */
    public static final double CONFIDENCE = 0.95;

    /** Returns the paired statistics of {@code differences}; NaN throughout for none. */
    public static PairedDifference of(double[] differences) {
        int n = differences.length;
        double mean = n == 0 ? Double.NaN : BenchmarkReport.mean(differences);
        double sd = BenchmarkReport.std(differences);
        if (n < 2) {
            return new PairedDifference(n, mean, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        if (sd == 0) {
            return new PairedDifference(n, mean, 0, mean, mean, mean == 0 ? 1 : 0);
        }
        double se = sd / Math.sqrt(n);
        double half = tQuantile((1 + CONFIDENCE) / 2, n - 1) * se;
        double p = 2 * new TDistribution(n - 1).cumulativeProbability(-Math.abs(mean / se));
        return new PairedDifference(n, mean, sd, mean - half, mean + half, Math.min(1, p));
    }

    /** Returns the {@code probability} quantile of Student's t distribution with {@code degreesOfFreedom}. */
    public static double tQuantile(double probability, int degreesOfFreedom) {
        if (degreesOfFreedom < 1) {
            throw new IllegalArgumentException("degreesOfFreedom must be at least 1, was " + degreesOfFreedom);
        }
        return new TDistribution(degreesOfFreedom).inverseCumulativeProbability(probability);
    }

    /** Whether there is an interval: at least two paired seeds. */
    public boolean hasInterval() {
        return n >= 2;
    }
}
