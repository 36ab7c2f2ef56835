package dev.cmkd.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A two-layer backbone for tests with the kit's output contract: {@code feature = BN(Linear(x))}
 * (pre-activation, can be negative), {@code logits = Linear(relu(feature))}.
 */
public final class TinyNet extends AbstractBlock {

    private final Block body;
    private final Block norm;
    private final Block head;

    /** A network with {@code featureDim}-d features and {@code numClasses} classes. */
    public TinyNet(int featureDim, int numClasses) {
        body = addChildBlock("body", Linear.builder().setUnits(featureDim).build());
        norm = addChildBlock("norm", BatchNorm.builder().build());
        head = addChildBlock("head", Linear.builder().setUnits(numClasses).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList hidden = body.forward(store, inputs, training);
        NDArray feature = norm.forward(store, hidden, training).singletonOrThrow();
        NDArray logits = head.forward(store, new NDList(Activation.relu(feature)), training).singletonOrThrow();
        return new NDList(logits, feature);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        Shape hidden = body.getOutputShapes(inputShapes)[0];
        norm.initialize(manager, dataType, hidden);
        head.initialize(manager, dataType, hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape hidden = body.getOutputShapes(inputShapes)[0];
        return new Shape[] {head.getOutputShapes(new Shape[] {hidden})[0], hidden};
    }
}
