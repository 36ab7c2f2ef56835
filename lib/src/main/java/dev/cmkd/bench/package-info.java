/**
 * Benchmarks that print numbers: how long the FD-CMKD terms take, by implementation and size, and what
 * share of a training step they cost. Speed is reported here, never asserted in tests.
 */
package dev.cmkd.bench;
