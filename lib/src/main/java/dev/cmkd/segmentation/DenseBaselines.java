package dev.cmkd.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.Reduction;
import dev.cmkd.method.AbstractMethod;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;

/**
 * The segmentation baselines, on the same dense outputs as {@link DenseFdCmkd}:
 *
 * <pre>
 *   none          L = CE(z_s, y)                                          the student alone
 *   feature-mse   L = CE(z_s, y) + (1 / (B D h w)) sum (f_s - f_t)^2      plain dense feature matching
 * </pre>
 *
 * with CE the per-pixel cross-entropy of {@link PixelCrossEntropy} (void ignored) and {@code f} the encoders'
 * last pre-activation maps; the teacher's map is detached.
 */
public final class DenseBaselines {

    /** The registry name of the student trained alone. */
    public static final String NONE = "none";
    /** The registry name of plain feature matching. */
    public static final String FEATURE_MSE = "feature-mse";

    private DenseBaselines() {}

    /** Returns the student trained alone: the task term only. */
    public static AbstractMethod none() {
        return new Baseline(NONE, false);
    }

    /** Returns plain dense feature matching with weight 1 (like FD-CMKD's band terms). */
    public static AbstractMethod featureMse() {
        return new Baseline(FEATURE_MSE, true);
    }

    private static final class Baseline extends AbstractMethod {

        private final String name;
        private final boolean matchFeatures;

        Baseline(String name, boolean matchFeatures) {
            this.name = name;
            this.matchFeatures = matchFeatures;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
                boolean training) {
            LossTerms terms = new LossTerms().add("task", 1, PixelCrossEntropy.evaluate(student.logits(), labels));
            if (matchFeatures) {
                terms.add("feature", 1, LossFunctions.meanSquaredError(student.feature(),
                        teacher.feature().stopGradient(), Reduction.MEAN));
            }
            return terms;
        }
    }
}
