package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * The student trained alone, the reference every method must beat: {@code L = CE(z_s, y)}, with CE the task
 * loss of the layout ({@link FeatureLayout#taskLoss}: on maps the per-pixel cross-entropy, void ignored). The
 * teacher's output is ignored.
 */
public final class NoDistillation extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "none";

    /** Creates the method for pooled features ({@link FeatureLayout#VECTOR}). */
    public NoDistillation() {
        this(FeatureLayout.VECTOR);
    }

    /** Creates the method for {@code layout}. */
    public NoDistillation(FeatureLayout layout) {
        super(NAME, Hyperparameters.requireLayout("NoDistillation", layout));
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        return taskTerm(1, student, labels);
    }

    /** Describes the method; for VECTOR the string recorded as {@code methodConfig} of existing runs (keep it). */
    @Override
    public String toString() {
        return layout == FeatureLayout.VECTOR ? "NoDistillation()" : "NoDistillation(MAP)";
    }
}
