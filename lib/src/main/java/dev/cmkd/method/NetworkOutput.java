package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What a backbone gives a distillation method.
 *
 * @param logits the classifier's output, {@code [B, C]}
 * @param feature the distilled feature, {@code [B, D]} ({@code [B, D, h, w]} for segmentation): the output of the
 *     last residual block, global-average-pooled, after its final ReLU ({@link dev.cmkd.model.FeaturePoint#POST_RELU},
 *     the released code, default) or before it ({@link dev.cmkd.model.FeaturePoint#PRE_RELU}, the code's evident
 *     intent)
 */
public record NetworkOutput(NDArray logits, NDArray feature) {

    /** Reads a backbone's forward output {@code NDList(logits, feature, ...)}. */
    public static NetworkOutput of(NDList output) {
        if (output.size() < 2) {
            throw new IllegalArgumentException("a backbone must return NDList(logits, feature), got "
                    + output.size() + " array(s)");
        }
        return new NetworkOutput(output.get(0), output.get(1));
    }

    /** Returns the same output cut from the autograd graph. */
    public NetworkOutput detached() {
        return new NetworkOutput(logits.stopGradient(), feature.stopGradient());
    }
}
