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
 * <p>Inputs: {@code NDList(studentInput, teacherLogits, teacherFeature, labels)}. Outputs: the
 * method's named loss terms followed by their weighted total (named {@value LossTerms#TOTAL}); {@link
 * ObjectiveTotal} hands that total to a DJL {@code Trainer}.
 */
public final class DistillationObjective extends AbstractBlock {

    private final Block student;
    private final DistillationMethod method;

    /** Combines a student backbone (output {@code NDList(logits, feature)}) with a method. */
    public DistillationObjective(Block student, DistillationMethod method) {
        this.student = addChildBlock("student", student);
        this.method = addChildBlock("method", method);
    }

    /** Returns the student backbone. */
    public Block getStudent() {
        return student;
    }

    /** Returns the distillation method. */
    public DistillationMethod getMethod() {
        return method;
    }

    /** Runs the student on {@code input} and returns the method's loss terms. */
    public LossTerms evaluate(ParameterStore store, NDArray input, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NetworkOutput output = NetworkOutput.of(student.forward(store, new NDList(input), training));
        return method.evaluate(store, output, teacher.detached(), labels, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        LossTerms terms = evaluate(store, inputs.get(0), new NetworkOutput(inputs.get(1), inputs.get(2)),
                inputs.get(3), training);
        NDList out = new NDList();
        for (String name : terms.names()) {
            NDArray value = terms.get(name);
            value.setName(name);
            out.add(value);
        }
        NDArray total = terms.total();
        total.setName(LossTerms.TOTAL);
        out.add(total);
        return out;
    }

    /** Initialises the student for {@code inputShapes[0]}, then the method for the student's output sizes. */
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
