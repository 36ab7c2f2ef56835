package dev.cmkd.frequency;

/**
 * How {@link FrequencyDecoupling} computes the bands. {@link #FFT} and {@link #PROJECTION} give the same values and
 * gradients (to float tolerance, golden-tested); {@link #AUTO} picks the faster of the two for the feature's size.
 */
public enum Implementation {
    /** Forward FFT, mask, inverse FFT, real part. The reference; cost O(n log n) per row. */
    FFT,
    /**
     * One product with a precomputed real matrix {@code P = Re(F^-1 M F)} per band. Engine-agnostic
     * and faster at small sizes; the matrix has {@code n^2} entries, so it suits {@code n} up to a few
     * thousand.
     */
    PROJECTION,
    /**
     * {@link #PROJECTION} below {@link #FFT_FROM} bins ({@code n} channels of a vector, {@code h w} positions of a
     * map), {@link #FFT} from there on: the rule {@link #forSize}. Resolved once, when a {@link FrequencyDecoupling}
     * is made for a split, so a block never switches paths.
     */
    AUTO;

    /**
     * The smallest number of bins {@code n} at which {@link #AUTO} picks the FFT.
     *
     * <p>Measured with {@code lib/bin/kit benchmark features --featureGrid=true} (forward + backward of the whole
     * FD-CMKD objective, {@code bench.FeatureTermsBenchmark#grid}: median of interleaved runs of both paths at
     * {@code n = 64, 128, ..., 4096} and batches 16, 64 and 256) on the kit's reference machine (2-core x86-64,
     * Debian 12, OpenJDK 17, DJL 0.29 / PyTorch 2.3.1 CPU, 2 intra-op threads, the launcher's {@code MALLOC_*}
     * settings) on 2026-12-04, with other work on the machine. Projection won or tied up to {@code n = 512} and the
     * FFT won from {@code n = 1024} on at every batch: both costs grow linearly in the batch (the FFT as {@code n log
     * n}, the product as {@code n^2} per row), so the crossover depends on {@code n} alone. At the paper's {@code n =
     * 512} the projection stays the default, as before the rule. To re-measure on another machine, run the command
     * above and read the {@code faster} column of {@code feature-grid.csv}; an explicit {@link #FFT} or {@link
     * #PROJECTION} always wins over the rule.
     */
    public static final int FFT_FROM = 1024;

    /** Returns the faster path for {@code n} bins: {@link #PROJECTION} below {@link #FFT_FROM}, else {@link #FFT}. */
    public static Implementation forSize(int n) {
        return n >= FFT_FROM ? FFT : PROJECTION;
    }

    /** Returns this implementation, or for {@link #AUTO} the one {@link #forSize} picks for {@code n} bins. */
    public Implementation resolve(int n) {
        return this == AUTO ? forSize(n) : this;
    }
}
