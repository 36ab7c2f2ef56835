package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Map;

/**
 * The shared shape of a distillation method: a block whose children (if any) are its trainable parts,
 * initialised for {@code [1, featureDim]} features, and run through {@link #evaluate} rather than
 * {@code forward}.
 */
public abstract class AbstractMethod extends AbstractBlock implements DistillationMethod {

    @Override
    public void initialize(NDManager manager, DataType dataType, int featureDim, int numClasses) {
        initialize(manager, dataType, new Shape(1, featureDim));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, inputShapes[0]);
        }
    }

    /** Extra classifiers of the student that the method trains, by name; none unless a method says so. */
    @Override
    public Map<String, NDArray> auxiliaryLogits(ParameterStore store, NetworkOutput student, boolean training) {
        return Map.of();
    }

    /** A method is run through {@link #evaluate}, usually inside a {@link DistillationObjective}. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("call " + getName() + "'s evaluate(...) or wrap it in a"
                + " DistillationObjective");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("a method's outputs are named loss terms; call evaluate(...)");
    }
}
