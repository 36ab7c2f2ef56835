package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.Reduction;

import java.util.Locale;

/**
 * Plain feature matching without frequency decoupling or standardization: the student's pooled feature
 * is pulled towards the teacher's,
 *
 * <pre>
 *   L = CE(z_s, y) + lambda (1 / (B D)) sum (f_s - f_t)^2
 * </pre>
 *
 * Terms {@code task} and {@code feature} (weight {@code lambda}, default 1, like FD-CMKD's band terms).
 * Both features must have the same dimension (no projector). This is the baseline that FD-CMKD's
 * frequency split, scale consistency and shared classifier are meant to improve on.
 */
public final class FeatureMse extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "feature-mse";

    private final double weight;

    /** Creates the method with feature weight {@code lambda >= 0}. */
    public FeatureMse(double weight) {
        this.weight = Hyperparameters.requireNonNegative("FeatureMse: weight", weight);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        return new LossTerms()
                .add("task", 1, LossFunctions.crossEntropy(student.logits(), labels))
                .add("feature", weight, LossFunctions.meanSquaredError(student.feature(),
                        teacher.feature().stopGradient(), Reduction.MEAN));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FeatureMse(weight=%s)", weight);
    }
}
