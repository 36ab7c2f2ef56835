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
     * <p>Measured with {@code lib/bin/kit benchmark features --featureGrid=true --featureRuns=7} (forward + backward
     * of the whole FD-CMKD objective, {@code bench.FeatureTermsBenchmark#grid}: median wall time of 7 runs of each
     * path, the two paths alternating run by run, at {@code n = 64, 128, ..., 4096} and batches 16, 64 and 256) on
     * 2026-12-04 on the kit's reference machine (2-core x86-64 VM, Debian 12, OpenJDK 17, DJL 0.29 / PyTorch 2.3.1
     * CPU, the launcher's {@code MALLOC_*} settings), shared with other jobs, so single cells are noisy. With the
     * default 2 intra-op threads, median ms FFT / projection at batch 64: {@code n = 512} 8.0 / 7.2, 1024 9.1 / 15.5,
     * 2048 17.6 / 55.1, 4096 25.5 / 167.6; at batch 256: 512 16.1 / 15.0, 1024 24.5 / 50.1, 2048 49.2 / 141.5. With 1
     * intra-op thread ({@code -Dai.djl.pytorch.num_threads=1}), at batch 256: 512 44.7 / 48.2, 1024 79.3 / 146.9, 2048
     * 213.1 / 600.8. In every run of the grid (three, at 1 and 2 threads) the FFT was the faster at every batch from
     * {@code n = 1024} on; below, the two were within noise of each other, the projection ahead more often. Both
     * costs grow linearly in the batch (the FFT as {@code n log n} per row, the product as {@code n^2}), so the
     * crossover depends on {@code n} alone. At the paper's {@code n = 512} the projection stays the default, as before
     * the rule, so existing runs keep their identity. To re-measure on another machine, run the command above and
     * read the {@code faster} column of {@code feature-grid.csv}; an explicit {@link #FFT} or {@link #PROJECTION}
     * always wins over the rule.
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
