package dev.cmkd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Locale;

/**
 * A network over precomputed feature vectors (for example sentence embeddings a user computed with BERT),
 * with the output contract of {@link ResNet}: input {@code NDList(x)}, {@code x} of shape {@code [B, E]},
 * <pre>
 *   hidden    = ReLU(W_1 x + b_1)          [B, H]
 *   a         = W_2 hidden + b_2           [B, D]    the pre-activation
 *   feature f = ReLU(a)  (POST_RELU)   or   a  (PRE_RELU)     the distilled feature ({@link FeaturePoint})
 *   logits  z = W ReLU(a) + b              [B, C]
 * </pre>
 * MST-Distill trains such MLPs on precomputed CrisisMMD features (data.md); the sizes are our choice
 * (default {@code H = D = 512}). Linear weights Xavier-normal, biases 0, as in {@link ResNet}'s head.
 */
public final class FeatureMlp extends AbstractBlock {

    private final int numClasses;
    private final int hiddenDim;
    private final int featureDim;
    private final FeaturePoint featurePoint;
    private final Linear hidden;
    private final FeatureHead head;

    /**
     * Creates the network.
     *
     * @param numClasses the number of classes {@code C}
     * @param hiddenDim the hidden width {@code H}
     * @param featureDim the distilled feature's dimension {@code D}; set it to the other modality's
     * @param featurePoint the distilled feature: after the last ReLU (the released code's point in its ResNet) or
     *     before it
     */
    public FeatureMlp(int numClasses, int hiddenDim, int featureDim, FeaturePoint featurePoint) {
        if (numClasses < 1 || hiddenDim < 1 || featureDim < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "FeatureMlp: numClasses (%d), hiddenDim"
                    + " (%d) and featureDim (%d) must be at least 1", numClasses, hiddenDim, featureDim));
        }
        this.numClasses = numClasses;
        this.hiddenDim = hiddenDim;
        this.featureDim = featureDim;
        this.featurePoint = featurePoint;
        hidden = addChildBlock("hidden", Layers.linear(hiddenDim));
        head = new FeatureHead(this::addChildBlock, featureDim, numClasses, featurePoint);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.head();
        checkInput(x.getShape());
        NDArray h = Activation.relu(hidden.forward(store, new NDList(x), training).head());
        return head.forward(store, h, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInput(inputShapes[0]);
        return head.getOutputShapes(inputShapes[0].get(0));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        hidden.initialize(manager, dataType, inputShapes[0]);
        head.initialize(manager, dataType, new Shape(inputShapes[0].get(0), hiddenDim));
    }

    private static void checkInput(Shape shape) {
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("FeatureMlp: input shape " + shape + " is not [batch, features]");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FeatureMlp(H=%d, D=%d, C=%d, feature=%s)", hiddenDim, featureDim,
                numClasses, featurePoint);
    }
}
