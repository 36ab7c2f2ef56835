package dev.cmkd.method;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * Everything a distillation step trains, as one block: the student network and the method's own
 * parameters (FD-CMKD's heads, say). A frozen teacher stays outside, so no optimizer sees it; a
 * co-trained teacher ({@link DistillationMethod#trainsTeacher()}, C2KD) is a third child, so that it is
 * optimised, checkpointed and resumed with the rest.
 *
 * <p>Run it through {@link #evaluate} (frozen teacher) or {@link #evaluateCoTrained} (co-trained teacher);
 * its parameters are what the optimizer updates.
 */
public final class DistillationObjective extends AbstractBlock {

    private final Block student;
    private final DistillationMethod method;
    private final Block teacher;

    /** Combines a student backbone (output {@code NDList(logits, feature)}) with a method of frozen teacher. */
    public DistillationObjective(Block student, DistillationMethod method) {
        this(student, method, null);
    }

    private DistillationObjective(Block student, DistillationMethod method, Block teacher) {
        this.student = addChildBlock("student", student);
        this.method = addChildBlock("method", method);
        this.teacher = teacher == null ? null : addChildBlock("teacher", teacher);
    }

    /**
     * Combines a student, a method whose teacher trains with it and the teacher network (output {@code
     * NDList(logits, feature)}). Initialise with the student's and the teacher's input shapes, then give the
     * teacher its trained parameters with {@link #loadTeacherParameters}.
     */
    public static DistillationObjective coTrained(Block student, DistillationMethod method, Block teacher) {
        if (!method.trainsTeacher()) {
            throw new IllegalArgumentException(method.getName() + " keeps its teacher frozen; use new"
                    + " DistillationObjective(student, method)");
        }
        return new DistillationObjective(student, method, teacher);
    }

    /** Returns whether the teacher is a child of this objective (co-trained). */
    public boolean hasTeacher() {
        return teacher != null;
    }

    /** Runs the student on {@code input} and returns the method's loss terms against a frozen teacher's output. */
    public LossTerms evaluate(ParameterStore store, NDArray input, NetworkOutput teacher, NDArray labels,
            boolean training) {
        if (hasTeacher()) {
            throw new IllegalStateException(method.getName() + " co-trains its teacher: call evaluateCoTrained");
        }
        NetworkOutput output = NetworkOutput.of(student.forward(store, new NDList(input), training));
        return method.evaluate(store, output, teacher.detached(), labels, training);
    }

    /**
     * Runs the student on {@code input} and the co-trained teacher on {@code teacherInput}, both in training
     * mode when {@code training}, and returns the method's loss terms (the teacher's included).
     */
    public LossTerms evaluateCoTrained(ParameterStore store, NDArray input, NDArray teacherInput, NDArray labels,
            boolean training) {
        if (!hasTeacher()) {
            throw new IllegalStateException(method.getName() + " has a frozen teacher: call evaluate");
        }
        NetworkOutput output = NetworkOutput.of(student.forward(store, new NDList(input), training));
        NetworkOutput teacherOutput = NetworkOutput.of(teacher.forward(store, new NDList(teacherInput), training));
        return method.evaluate(store, output, teacherOutput, labels, training);
    }

    /**
     * Replaces the co-trained teacher's parameters with a trained teacher's ({@code Block.saveParameters} of
     * the same architecture), keeping them trainable.
     */
    public void loadTeacherParameters(NDManager manager, DataInputStream in) throws IOException,
            MalformedModelException {
        if (!hasTeacher()) {
            throw new IllegalStateException(method.getName() + " has no co-trained teacher");
        }
        loadTrainable(teacher, manager, in);
    }

    /**
     * Loads {@code block}'s parameters ({@code Block.saveParameters}) and keeps the trainable ones trainable: DJL
     * replaces the arrays on load without their gradient flag.
     */
    public static void loadTrainable(Block block, NDManager manager, DataInputStream in) throws IOException,
            MalformedModelException {
        block.loadParameters(manager, in);
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /** The objective is run through {@link #evaluate} or {@link #evaluateCoTrained}. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("call DistillationObjective.evaluate(...)");
    }

    /**
     * Initialises the student for inputs of shape {@code inputShapes[0]}, then the method for the student's
     * output shapes ({@link DistillationMethod#initializeForStudent}), then a co-trained teacher for inputs {@code
     * inputShapes[1]}.
     */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        student.initialize(manager, dataType, inputShapes[0]);
        Shape[] outputs = student.getOutputShapes(new Shape[] {inputShapes[0]});
        method.initializeForStudent(manager, dataType, outputs);
        if (hasTeacher()) {
            if (inputShapes.length < 2) {
                throw new IllegalArgumentException("a co-trained teacher needs its input shape: initialize(manager,"
                        + " type, studentShape, teacherShape)");
            }
            teacher.initialize(manager, dataType, inputShapes[1]);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("the outputs are named loss terms; their number depends on the method");
    }
}
