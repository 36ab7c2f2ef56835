package dev.cmkd.frequency;

/** A frequency band of a feature's spectrum. */
public enum Band {
    /** The zero-frequency bin alone: the mean of the feature over the transformed axes. */
    DC,
    /** The non-DC bins up to the cutoff. */
    LOW,
    /** The bins above the cutoff, up to the Nyquist frequency. */
    HIGH
}
