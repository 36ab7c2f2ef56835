package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;

/**
 * The student trained alone, the reference every method must beat: {@code L = CE(z_s, y)}. The
 * teacher's output is ignored.
 */
public final class NoDistillation extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "none";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        return new LossTerms().add("task", 1, LossFunctions.crossEntropy(student.logits(), labels));
    }

    @Override
    public String toString() {
        return "NoDistillation()";
    }
}
