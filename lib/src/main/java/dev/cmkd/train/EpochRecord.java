package dev.cmkd.train;

import java.util.Map;

/**
 * What one epoch measured.
 *
 * @param epoch the epoch, from 0
 * @param learningRate the learning rate used
 * @param seconds wall time of the epoch's training and evaluation
 * @param trainTerms the mean of each loss term (and the total) over the epoch's batches
 * @param validation the selecting metric ({@link Evaluator#metrics()}'s first: accuracy, mIoU) of each predictor on
 *     the validation split
 * @param test the same metric on the test split
 * @param otherMetrics the evaluator's other metrics, keyed {@code val_<metric>} and {@code test_<metric>}, each by
 *     predictor (empty for accuracy alone)
 */
public record EpochRecord(int epoch, double learningRate, double seconds, Map<String, Double> trainTerms,
        Map<String, Double> validation, Map<String, Double> test, Map<String, Map<String, Double>> otherMetrics) {

    /** Reads an absent map (records written before the other metrics existed) as empty. */
    public EpochRecord {
        otherMetrics = otherMetrics == null ? Map.of() : otherMetrics;
    }
}
