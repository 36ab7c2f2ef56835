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

/**
 * Everything a distillation step trains, as one block: the student network and the method's own
 * parameters (FD-CMKD's heads, say). The frozen teacher stays outside, so no optimizer sees it.
 *
 * <p>Run it through {@link #evaluate}; its parameters (student and method) are what the optimizer updates.
 */
public final class DistillationObjective extends AbstractBlock {

    private final Block student;
    private final DistillationMethod method;

    /** Combines a student backbone (output {@code NDList(logits, feature)}) with a method. */
    public DistillationObjective(Block student, DistillationMethod method) {
        this.student = addChildBlock("student", student);
        this.method = addChildBlock("method", method);
    }

    /** Runs the student on {@code input} and returns the method's loss terms. */
    public LossTerms evaluate(ParameterStore store, NDArray input, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NetworkOutput output = NetworkOutput.of(student.forward(store, new NDList(input), training));
        return method.evaluate(store, output, teacher.detached(), labels, training);
    }

    /** The objective is run through {@link #evaluate}. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("call DistillationObjective.evaluate(...)");
    }

    /**
     * Initialises the student for inputs of shape {@code inputShapes[0]}, then the method for the student's
     * feature dimension and number of classes.
     */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        student.initialize(manager, dataType, inputShapes[0]);
        Shape[] outputs = student.getOutputShapes(new Shape[] {inputShapes[0]});
        method.initialize(manager, dataType, Math.toIntExact(outputs[1].get(1)), Math.toIntExact(outputs[0].get(1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("the outputs are named loss terms; their number depends on the method");
    }
}
