/**
 * Benchmarks that print numbers: how long the FD-CMKD terms take, by implementation and size, with the path
 * {@link dev.cmkd.frequency.Implementation#AUTO} picks and the crossover grid behind it; what share of a training
 * step they cost; how many samples per second each real-dataset loader delivers, serially and prefetched, against
 * that step; and how the kit's whole step compares with the same step in PyTorch eager, in time and peak memory
 * ({@link dev.cmkd.bench.PeerBenchmark}, {@code kit benchmark peer}). Speed is reported here, never asserted in
 * tests.
 */
package dev.cmkd.bench;
