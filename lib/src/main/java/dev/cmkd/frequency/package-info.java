/**
 * Frequency decoupling of features: a fixed split of a feature's discrete Fourier spectrum into a
 * low band, a high band and (optionally) the DC bin.
 *
 * <p>{@link dev.cmkd.frequency.FrequencySplit} says which bins belong to which {@link
 * dev.cmkd.frequency.Band}: 1-D along the channel axis of a {@code [batch, dim]} feature (as in the
 * released code of FD-CMKD) or 2-D over the spatial axes of a {@code [batch, channels, height,
 * width]} map, with a radial cutoff. {@link dev.cmkd.frequency.FrequencyDecoupling} is the DJL
 * block that applies the split, either through the FFT (the reference) or through precomputed real
 * projection matrices (one matrix product per band). Both give the same bands and gradients; {@link
 * dev.cmkd.frequency.Implementation#AUTO} picks the faster for the split's size (measured crossover).
 */
package dev.cmkd.frequency;
