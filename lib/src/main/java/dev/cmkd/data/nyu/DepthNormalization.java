package dev.cmkd.data.nyu;

/**
 * How depth in millimetres becomes a model input in [0, 1]. Pixels without a measurement (0 mm) become 0
 * either way. The colour image is always min-max normalised over its 8-bit range, {@code x / 255}.
 */
public enum DepthNormalization {
    /**
     * Min-max over each image's measured pixels: {@code (d - min_i) / (max_i - min_i)} (0 when the image is
     * flat). The min-max normalisation that cross-modal KD code applies to NYU-Depth V2 (data.md); whether
     * it is per image or per dataset there is not documented, and per image is our choice (default).
     */
    PER_IMAGE_MIN_MAX,
    /** A fixed range: {@code min(d / 10000 mm, 1)}, the Kinect's usable range; keeps absolute scale. */
    FIXED_RANGE
}
