package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import java.util.Map;

/**
 * A distillation method: a block (its trainable parts, if any, are parameters of the student's side)
 * that turns one batch's student and teacher outputs into named loss terms.
 *
 * <p>Two optional capabilities, both off by default: a method whose loss changes during training reads
 * the epoch ({@link #setEpoch}, DKD's warm-up), and a method whose teacher trains with the student says so
 * ({@link #trainsTeacher}, C2KD).
 */
public interface DistillationMethod extends Block {

    /** Returns the method's registry name, e.g. {@code "fd-cmkd"}. */
    String getName();

    /**
     * Returns the loss terms for one batch.
     *
     * @param store the parameter store of the training step
     * @param student the student's output, part of the autograd graph
     * @param teacher the teacher's output: treated as constant, unless {@link #trainsTeacher()}, when it is
     *     part of the autograd graph (computed in training mode)
     * @param labels integer class labels {@code [B]}
     * @param training whether this is a training step
     */
    LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training);

    /**
     * Returns extra classifiers of the student that the method trains (FD-CMKD's band heads), by name,
     * as logits {@code [B, C]}; the paper's model selection takes the best of them and the main head. Default: none.
     */
    default Map<String, NDArray> auxiliaryLogits(ParameterStore store, NetworkOutput student, boolean training) {
        return Map.of();
    }

    /**
     * Initialises the method's own parameters for features of {@code featureDim} channels and logits of
     * {@code numClasses} classes.
     */
    void initialize(NDManager manager, DataType dataType, int featureDim, int numClasses);

    /**
     * Initialises the method for a student whose forward output has the shapes {@code studentOutputs} ({@code
     * logits, feature, stage maps...}, as {@link NetworkOutput#of} reads them). Default: {@link #initialize(NDManager,
     * DataType, int, int)} for the feature's dimension and the number of classes; a method on an intermediate map
     * ({@link FitNet}) reads that map's channels here.
     */
    default void initializeForStudent(NDManager manager, DataType dataType, Shape... studentOutputs) {
        initialize(manager, dataType, Math.toIntExact(studentOutputs[1].get(1)),
                Math.toIntExact(studentOutputs[0].get(1)));
    }

    /**
     * Returns whether the method reads the networks' intermediate maps ({@link NetworkOutput#stages()}, {@link
     * FitNet}): then a frozen teacher is run on every batch, since the outputs computed once per split keep only its
     * logits and feature. Default {@code false}.
     */
    default boolean readsStageMaps() {
        return false;
    }

    /**
     * Returns whether the teacher is co-trained: then the teacher network is optimised together with the
     * student (from the trained teacher's parameters, see {@link DistillationObjective#coTrained}), {@link
     * #evaluate} receives its output on the autograd graph, and the method's terms include the teacher's
     * own, named {@code teacher.*}. Default {@code false}: the teacher is frozen.
     */
    default boolean trainsTeacher() {
        return false;
    }

    /**
     * Tells the method the 0-based epoch of the training steps that follow. The trainer calls it before each
     * training step, so a resumed run sees the same epochs as an uninterrupted one. Default: ignored.
     */
    default void setEpoch(int epoch) {}
}
