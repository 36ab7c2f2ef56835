package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

import java.util.Locale;

/**
 * Plain feature matching without frequency decoupling or standardization: the student's pooled feature
 * (or feature map) is pulled towards the teacher's,
 *
 * <pre>
 *   VECTOR   L = CE(z_s, y) + lambda (1 / (B D)) sum (f_s - f_t)^2          f [B, D]
 *   MAP      L = CE(z_s, y) + lambda (1 / (B D h w)) sum (f_s - f_t)^2      f [B, D, h, w]
 * </pre>
 *
 * with CE the layout's task loss ({@link FeatureLayout#taskLoss}: on maps the per-pixel cross-entropy, void ignored).
 * Terms {@code task} and {@code feature} (weight {@code lambda}); the teacher's feature is constant. The registry's
 * {@code lambda = 1} has <b>no stated source: the kit's choice</b>, the weight of FD-CMKD's band terms in the released
 * code (every term 1), so that the two differ only by what FD-CMKD adds. Both features must have the same shape (no
 * projector). This is the baseline that FD-CMKD's frequency split, scale consistency and shared classifier are meant to
 * improve on.
 */
public final class FeatureMse extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "feature-mse";

    private final double weight;

    /** Creates the method for pooled features with feature weight {@code lambda >= 0}. */
    public FeatureMse(double weight) {
        this(weight, FeatureLayout.VECTOR);
    }

    /** Creates the method for {@code layout} with feature weight {@code lambda >= 0}. */
    public FeatureMse(double weight, FeatureLayout layout) {
        super(NAME, layout);
        this.weight = Hyperparameters.requireNonNegative("FeatureMse: weight", weight);
        Hyperparameters.requireLayout("FeatureMse", layout); // after the weight: a bad weight is reported first
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        return taskTerm(1, student, labels).add("feature", weight, featureMse(student.feature(), teacher));
    }

    /** Describes the settings; for VECTOR the string recorded as {@code methodConfig} of existing runs (keep it). */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, layout == FeatureLayout.VECTOR ? "FeatureMse(weight=%s)"
                : "FeatureMse(MAP, weight=%s)", weight);
    }
}
