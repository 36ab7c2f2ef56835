/**
 * Tables and figures from finished runs: {@link dev.cmkd.report.BenchmarkReport} (rows under every selection
 * protocol with each run's status and the environment it recorded when it trained, mean and standard deviation over
 * seeds, charts), methods compared paired by seed with confidence intervals and Holm's correction ({@link
 * dev.cmkd.report.PairedComparison}, {@link dev.cmkd.report.PairedDifference}), the variant tables and findings of
 * the studies, the cost of an epoch, and the paper's numbers beside the kit's ({@link dev.cmkd.report.PaperNumbers},
 * {@link dev.cmkd.report.PaperComparison}).
 */
package dev.cmkd.report;
