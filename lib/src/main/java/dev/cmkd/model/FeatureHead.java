package dev.cmkd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import java.util.function.BiConsumer;

/**
 * The head that {@link TextCnn} and {@link FeatureMlp} end with: from a pooled or hidden vector {@code h}
 * {@code [B, H]},
 * <pre>
 *   a         = W_a h + b_a        [B, D]    the adapter's pre-activation
 *   feature f = ReLU(a)            [B, D]    FeaturePoint.POST_RELU (default), non-negative
 *             = a                            FeaturePoint.PRE_RELU
 *   logits  z = W ReLU(a) + b      [B, C]    under both
 * </pre>
 * the linear adapter {@code W_a} giving the feature the other modality's dimension {@code D}; the ReLU is applied
 * once, and the classifier sees its output whichever point is distilled. Linear weights
 * are {@link Layers#linear Xavier-normal}, biases 0.
 *
 * <p>It is not a block of its own: its two layers are children of the network that owns it, named
 * {@code adapter} and {@code fc} and added after the network's other children, so that the parameter names of
 * the saved runs stay what they were.
 */
final class FeatureHead {

    private final int numClasses;
    private final int featureDim;
    private final FeaturePoint featurePoint;
    private final Linear adapter;
    private final Linear fc;

    /**
     * Creates the head's layers and adds them to their network.
     *
     * @param addChild the owning network's {@code addChildBlock}
     * @param featureDim the distilled feature's dimension {@code D}
     * @param numClasses the number of classes {@code C}
     * @param featurePoint the distilled feature: after the ReLU or before it
     */
    FeatureHead(BiConsumer<String, Block> addChild, int featureDim, int numClasses, FeaturePoint featurePoint) {
        this.numClasses = numClasses;
        this.featureDim = featureDim;
        this.featurePoint = featurePoint;
        adapter = Layers.linear(featureDim);
        addChild.accept("adapter", adapter);
        fc = Layers.linear(numClasses);
        addChild.accept("fc", fc);
    }

    /** Returns {@code NDList(logits [B, C], feature [B, D])} for {@code h [B, H]}. */
    NDList forward(ParameterStore store, NDArray h, boolean training) {
        NDArray preActivation = adapter.forward(store, new NDList(h), training).head();
        NDArray activated = Activation.relu(preActivation);
        NDArray logits = fc.forward(store, new NDList(activated), training).head();
        return new NDList(logits, featurePoint == FeaturePoint.POST_RELU ? activated : preActivation);
    }

    /** Returns the shapes {@code [B, C]} and {@code [B, D]} of the output. */
    Shape[] getOutputShapes(long batch) {
        return Layers.logitsAndFeatureShapes(batch, numClasses, featureDim);
    }

    /** Initialises the layers for an input {@code h} of shape {@code [B, H]}. */
    void initialize(NDManager manager, DataType dataType, Shape input) {
        adapter.initialize(manager, dataType, input);
        fc.initialize(manager, dataType, new Shape(input.get(0), featureDim));
    }
}
