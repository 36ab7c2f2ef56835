package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.PixelCrossEntropy;

/**
 * What a method's inputs look like, and so which task loss it uses: pooled features for classification or
 * feature maps for dense prediction (segmentation). A method defined for both takes the layout in its builder
 * ({@code optFeatureLayout}); {@link MethodRegistry} lists the methods of each layout.
 */
public enum FeatureLayout {

    /**
     * Features {@code [B, D]}, logits {@code [B, C]}, labels {@code [B]}; task loss {@link
     * LossFunctions#crossEntropy}.
     */
    VECTOR,

    /**
     * Feature maps {@code [B, D, h, w]}, logits {@code [B, K, H, W]} with {@code H / h = W / w} an integer (the
     * heads' logits on a map are upsampled by it, {@link FeatureMaps#upsample}), labels {@code [B, H, W]} with
     * {@code -1} for void; task loss {@link PixelCrossEntropy} (void pixels ignored).
     */
    MAP;

    /** Returns the task loss of this layout: the mean cross-entropy over the samples, or the labelled pixels. */
    public NDArray taskLoss(NDArray logits, NDArray labels) {
        return this == VECTOR ? LossFunctions.crossEntropy(logits, labels) : PixelCrossEntropy.evaluate(logits, labels);
    }
}
