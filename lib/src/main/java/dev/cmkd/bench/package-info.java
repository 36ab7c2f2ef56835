/**
 * Benchmarks that print numbers: how long the FD-CMKD terms take, by implementation and size, with the path
 * {@link dev.cmkd.frequency.Implementation#AUTO} picks and the crossover grid behind it; what share of a training
 * step they cost; and how many samples per second each real-dataset loader delivers, serially and prefetched,
 * against that step. Speed is reported here, never asserted in tests.
 */
package dev.cmkd.bench;
