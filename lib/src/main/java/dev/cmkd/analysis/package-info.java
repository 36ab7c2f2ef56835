/**
 * Analyses of features across modalities: how similar two models' features are in each frequency band (the
 * observation FD-CMKD is built on; {@link dev.cmkd.analysis.BandSimilarity}, {@link dev.cmkd.analysis.LinearCka}),
 * what two feature sets that share only their per-sample means would give ({@link dev.cmkd.analysis.MeanOnlyNull},
 * the null model every similarity is read against), and how their energy spreads over the spectrum ({@link
 * dev.cmkd.analysis.Spectrum}).
 */
package dev.cmkd.analysis;
