package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
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

    /**
     * Returns a new layer that maps each feature vector to {@code units} outputs: {@code Linear} on pooled
     * features, a 1x1 {@code Conv2d} (the same map at every position) on maps. FitNet's regressor, C2KD's proxy
     * layers and FD-CMKD's band classifiers.
     */
    Block pointwise(int units, boolean bias) {
        return this == VECTOR ? Linear.builder().setUnits(units).optBias(bias).build()
                : Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(units).optBias(bias).build();
    }

    /** Returns the shape a method's blocks are initialised for: {@code [1, D]}, or a map {@code [1, D, 1, 1]}. */
    Shape unitShape(int channels) {
        return this == VECTOR ? new Shape(1, channels) : new Shape(1, channels, 1, 1);
    }
}
