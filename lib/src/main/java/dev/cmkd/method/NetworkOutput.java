package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;
import java.util.Locale;

/**
 * What a backbone gives a distillation method.
 *
 * @param logits the classifier's output, {@code [B, C]}
 * @param feature the distilled feature, {@code [B, D]} ({@code [B, D, h, w]} for segmentation): the output of the
 *     last residual block, global-average-pooled, after its final ReLU ({@link dev.cmkd.model.FeaturePoint#POST_RELU},
 *     the released code, default) or before it ({@link dev.cmkd.model.FeaturePoint#PRE_RELU}, the code's evident
 *     intent)
 * @param stages the intermediate maps, stage by stage ({@link dev.cmkd.model.ResNet}: the post-ReLU output {@code
 *     [B, C_s, h_s, w_s]} of every residual stage, {@code stages.get(1)} being ResNet-18's "layer2"); empty for
 *     backbones without stages (text, MLP, segmentation)
 */
public record NetworkOutput(NDArray logits, NDArray feature, List<NDArray> stages) {

    /** An output without intermediate maps. */
    public NetworkOutput(NDArray logits, NDArray feature) {
        this(logits, feature, List.of());
    }

    /** Reads a backbone's forward output {@code NDList(logits, feature, stage maps...)}. */
    public static NetworkOutput of(NDList output) {
        if (output.size() < 2) {
            throw new IllegalArgumentException("a backbone must return NDList(logits, feature), got "
                    + output.size() + " array(s)");
        }
        return new NetworkOutput(output.get(0), output.get(1), List.copyOf(output.subList(2, output.size())));
    }

    /**
     * Returns the map of stage {@code stage} (1-based, as "layer2" is stage 2).
     *
     * @param method the method that asks, for the error message
     * @throws IllegalArgumentException if the backbone gave fewer stages
     */
    public NDArray stage(String method, int stage) {
        if (stage < 1 || stage > stages.size()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s hints stage %d's map, but the backbone"
                    + " gave %d stage map(s); a ResNet gives one per stage, text and MLP networks none", method, stage,
                    stages.size()));
        }
        return stages.get(stage - 1);
    }

    /** Returns the same output cut from the autograd graph. */
    public NetworkOutput detached() {
        return new NetworkOutput(logits.stopGradient(), feature.stopGradient(),
                stages.stream().map(NDArray::stopGradient).toList());
    }
}
