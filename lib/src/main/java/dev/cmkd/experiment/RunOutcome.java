package dev.cmkd.experiment;

import dev.cmkd.train.EpochRecord;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of a finished run and the test accuracy under each model-selection protocol:
 *
 * <ul>
 *   <li>{@code bestVal}: the main predictor's test accuracy at the epoch of its best validation accuracy
 *       (the first such epoch) — the clean protocol;
 *   <li>{@code lastEpoch}: the main predictor's test accuracy after the last epoch;
 *   <li>{@code paperBestTest}: the best test accuracy of any predictor at any epoch — what the authors'
 *       released code reports (selection on the test set, including the choice of head).
 * </ul>
 *
 * <p>Whether training had converged is read from the validation curve ({@link #validationEndTrend}): the gain of the
 * least-squares line through the main predictor's validation accuracy over the last quarter of the epochs.
 *
 * <p>A run that failed (a loss term became NaN or infinite, or its teacher failed) has a {@code failure} and no
 * test values: its records are those committed before the failure.
 *
 * @param name the run's name
 * @param records one record per epoch
 * @param environment where the run was trained ({@link dev.cmkd.train.RunDirectory#environment()})
 * @param failure why the run did not finish, or null when it did
 */
public record RunOutcome(String name, List<EpochRecord> records, Map<String, String> environment, String failure) {

    /** The protocols, in report order. */
    public static final List<String> PROTOCOLS = List.of("bestVal", "lastEpoch", "paperBestTest");

    /** Copies the lists. */
    public RunOutcome {
        records = List.copyOf(records);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** Returns whether the run finished. */
    public boolean finished() {
        return failure == null;
    }

    /** Returns the epoch (from 0) with the best validation accuracy of the main predictor. */
    public int bestValidationEpoch() {
        int best = 0;
        for (EpochRecord record : records) {
            if (main(record.validation()) > main(records.get(best).validation())) {
                best = record.epoch();
            }
        }
        return best;
    }

    /** Returns the test accuracy under {@code protocol}, one of {@link #PROTOCOLS}; NaN for a failed run. */
    public double testAccuracy(String protocol) {
        if (!finished()) {
            return Double.NaN;
        }
        switch (protocol) {
            case "bestVal":
                return main(records.get(bestValidationEpoch()).test());
            case "lastEpoch":
                return main(records.get(records.size() - 1).test());
            case "paperBestTest":
                return records.stream().flatMap(r -> r.test().values().stream()).mapToDouble(Double::doubleValue)
                        .max().orElseThrow();
            default:
                throw new IllegalArgumentException("unknown protocol '" + protocol + "'; known: " + PROTOCOLS);
        }
    }

    /**
     * Returns the main predictor's validation value of the main metric at the epoch {@code protocol} selects: the
     * best validation value under {@code bestVal}, the last epoch's under {@code lastEpoch}; NaN under {@code
     * paperBestTest} (which selects on test, across heads) and for a failed run. What a convergence check compares
     * ({@code kit compare --split=validation}): whether longer training reaches a better validation accuracy.
     */
    public double validationAccuracy(String protocol) {
        if (!finished()) {
            return Double.NaN;
        }
        return switch (protocol) {
            case "bestVal" -> main(records.get(bestValidationEpoch()).validation());
            case "lastEpoch" -> main(records.get(records.size() - 1).validation());
            case "paperBestTest" -> Double.NaN;
            default -> throw new IllegalArgumentException("unknown protocol '" + protocol + "'; known: " + PROTOCOLS);
        };
    }

    /**
     * Returns the main predictor's test value of one of the evaluator's other metrics (pixel accuracy beside mIoU)
     * at the epoch {@code protocol} selects; NaN for {@code paperBestTest}, which selects the main metric across
     * heads, and for a metric the records lack.
     */
    public double testMetric(String metric, String protocol) {
        int epoch = switch (protocol) {
            case "bestVal" -> bestValidationEpoch();
            case "lastEpoch" -> records.size() - 1;
            default -> -1;
        };
        Map<String, Double> values = epoch < 0 || !finished() ? null : records.get(epoch).otherMetrics().get("test_" + metric);
        return values == null || values.isEmpty() ? Double.NaN : main(values);
    }

    /** The fewest epochs of the end-of-training trend. */
    public static final int MIN_TREND_EPOCHS = 3;

    /**
     * Returns the end-of-training trend of the main predictor's validation accuracy ({@link #endTrend}); NaN for a
     * failed run.
     */
    public double validationEndTrend() {
        return finished() ? endTrend(records.stream().mapToDouble(r -> main(r.validation())).toArray()) : Double.NaN;
    }

    /**
     * The epochs of the end-of-training trend: the last quarter of {@code epochs}, at least {@value
     * #MIN_TREND_EPOCHS}.
     */
    public static int trendEpochs(int epochs) {
        return Math.min(epochs, Math.max(MIN_TREND_EPOCHS, epochs / 4));
    }

    /**
     * The end-of-training trend of a learning curve: the least-squares slope through its last {@link #trendEpochs}
     * points times the epochs they span ({@code w - 1}), i.e. the gain the fitted line makes across that window; 0
     * for a curve of one point. A line through several epochs, not the last epoch minus the one before, whose
     * epoch-to-epoch noise (about a point on 1,000 validation samples) would decide by chance.
     */
    public static double endTrend(double[] curve) {
        int window = trendEpochs(curve.length);
        if (window < 2) {
            return 0;
        }
        double meanX = (window - 1) / 2.0;
        double meanY = 0;
        for (int i = curve.length - window; i < curve.length; i++) {
            meanY += curve[i] / window;
        }
        double covariance = 0;
        double variance = 0;
        for (int x = 0; x < window; x++) {
            covariance += (x - meanX) * (curve[curve.length - window + x] - meanY);
            variance += (x - meanX) * (x - meanX);
        }
        return covariance / variance * (window - 1);
    }

    private static double main(Map<String, Double> accuracy) {
        return accuracy.values().iterator().next();
    }
}
