package dev.cmkd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A linear classifier, the network of the synthetic experiment of Xue et al. ("The Modality Focusing Hypothesis",
 * ICLR 2023, {@code LinearClassifier} in their {@code gauss/main.py}), with the kit's output contract: input {@code
 * x [B, E]},
 * <pre>
 *   logits z = W x + b        [B, C]
 *   feature  = z              the only representation a linear model has: feature methods see the logits
 * </pre>
 * so its feature dimension is {@code C}; it serves logit methods (no distillation, Hinton's KD). Weights
 * Xavier-normal, bias 0, as every linear layer of the kit (the authors keep PyTorch's default uniform init).
 */
public final class LinearClassifier extends AbstractBlock {

    private final int numClasses;
    private final Linear fc;

    /** Creates the classifier for {@code numClasses} classes. */
    public LinearClassifier(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("LinearClassifier: numClasses " + numClasses + " must be at least 1");
        }
        this.numClasses = numClasses;
        fc = addChildBlock("fc", Layers.linear(numClasses));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray logits = fc.forward(store, new NDList(inputs.head()), training).head();
        return new NDList(logits, logits);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Layers.logitsAndFeatureShapes(inputShapes[0].get(0), numClasses, numClasses);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        fc.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public String toString() {
        return "LinearClassifier(C=" + numClasses + ")";
    }
}
