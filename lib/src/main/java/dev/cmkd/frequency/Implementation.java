package dev.cmkd.frequency;

/** How {@link FrequencyDecoupling} computes the bands. Both give the same values and gradients. */
public enum Implementation {
    /** Forward FFT, mask, inverse FFT, real part. The reference; cost O(n log n) per row. */
    FFT,
    /**
     * One product with a precomputed real matrix {@code P = Re(F^-1 M F)} per band. Engine-agnostic
     * and faster at small sizes; the matrix has {@code n^2} entries, so it suits {@code n} up to a few
     * thousand.
     */
    PROJECTION
}
