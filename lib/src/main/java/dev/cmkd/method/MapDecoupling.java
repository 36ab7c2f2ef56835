package dev.cmkd.method;

/**
 * How {@link FdCmkd} splits a feature map {@code [B, D, h, w]} ({@link FeatureLayout#MAP}) into frequency
 * bands (method.md, section 8: the released code has only pooled {@code [B, D]} features, so both are our
 * extensions).
 */
public enum MapDecoupling {
    /**
     * A 2-D DFT over the spatial axes of each channel, with the radial cutoff of {@link
     * dev.cmkd.frequency.FrequencySplit} ({@code setSpatial(h, w)}): the low band is the coarse layout of the
     * map, the high band its fine detail; the DC bin is each channel's spatial mean. Bands are standardised
     * per sample over {@code (D, h, w)}.
     */
    SPATIAL,
    /**
     * A 1-D DFT over the channels at every position, exactly the released code's split applied to each of
     * the {@code h w} feature vectors ({@code setChannels(D)}); bands are standardised per position, as the
     * released code standardises each pooled vector.
     */
    CHANNEL
}
