package dev.cmkd.train;

import java.util.Map;

/**
 * What one epoch measured.
 *
 * @param epoch the epoch, from 0
 * @param learningRate the learning rate used
 * @param seconds wall time of the epoch's training and evaluation
 * @param trainTerms the mean of each loss term (and the total) over the epoch's batches
 * @param validation accuracy of each predictor on the validation split
 * @param test accuracy of each predictor on the test split
 */
public record EpochRecord(int epoch, double learningRate, double seconds, Map<String, Double> trainTerms,
        Map<String, Double> validation, Map<String, Double> test) {}
