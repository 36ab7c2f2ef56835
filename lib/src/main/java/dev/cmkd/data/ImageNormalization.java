package dev.cmkd.data;

/** How 8-bit image pixels become model inputs. */
public enum ImageNormalization {
    /** {@code x / 255}, in [0, 1]. */
    UNIT_INTERVAL,
    /**
     * {@code (x / 255 - mean) / std}, with {@code mean} and {@code std} (population) over every pixel of
     * the images of the dataset's {@code train} split, whichever split is loaded, so that validation and
     * test use the training statistics.
     */
    TRAIN_STANDARDIZED
}
