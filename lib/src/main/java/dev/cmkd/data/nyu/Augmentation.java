package dev.cmkd.data.nyu;

import static dev.cmkd.data.Checks.checkArgument;

/**
 * Training augmentation of an RGB-D sample, applied identically to the colour image, the depth map and the
 * label map so that they stay aligned: a crop of {@code cropHeight x cropWidth} at a uniformly random
 * position, then a horizontal flip with probability 1/2. A crop as large as the image only flips. The
 * evaluation batches are the full images, unflipped.
 *
 * <p>Random crop and flip are the usual segmentation augmentations for NYU-Depth V2; the authors' exact
 * ones for this dataset are not published (method.md, section 2.9).
 *
 * @param cropHeight crop height in pixels
 * @param cropWidth crop width in pixels
 * @param horizontalFlip whether to flip with probability 1/2
 */
public record Augmentation(int cropHeight, int cropWidth, boolean horizontalFlip) {

    public Augmentation {
        checkArgument(cropHeight >= 1 && cropWidth >= 1,
                "Augmentation: crop " + cropHeight + " x " + cropWidth + " must be at least 1 x 1");
    }
}
