package dev.cmkd.data;

/**
 * The three splits of a task: training (possibly with random views), validation (model selection) and test.
 *
 * @param train the training split
 * @param validation the validation split
 * @param test the test split
 */
public record Splits(BatchSource train, BatchSource validation, BatchSource test) {}
