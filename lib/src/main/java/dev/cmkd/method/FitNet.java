package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.Reduction;

import java.util.Locale;

/**
 * FitNets hints (A. Romero, N. Ballas, S. E. Kahou, A. Chassang, C. Gatta, Y. Bengio, "FitNets: Hints for Thin
 * Deep Nets", ICLR 2015, arXiv 1412.6550), trained in one stage with the task loss as in mdistiller and C2KD:
 *
 * <pre>
 *   L = CE(z_s, y) + lambda (1 / (B D_t)) sum (r(h_s) - h_t)^2,     r(h) = W h + b  (trainable, D_s -> D_t)
 * </pre>
 *
 * Terms {@code task} (weight 1) and {@code hint} (weight {@code lambda}). <b>Deviation from the paper:</b> the
 * hint is the pooled feature of {@link NetworkOutput} ({@code [B, D]}, the last residual block's output), not
 * an intermediate feature map, so the regressor is a linear layer instead of a convolution. C2KD's FitNet hints
 * ResNet layer 2's map with weight 100; that weight balances a per-position map MSE whose scale has nothing to
 * do with a pooled vector's. Our default {@code lambda = 1} puts the hint on the same footing as {@code
 * feature-mse} and FD-CMKD's band terms (weight 1, the same MSE over pooled features), so FitNet differs from
 * {@code feature-mse} only by the regressor (our choice; {@link Builder#optHintWeight} changes it).
 */
public final class FitNet extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "fitnet";

    private final int teacherFeatureDim;
    private final double hintWeight;
    private final Linear regressor;

    private FitNet(Builder builder) {
        this.teacherFeatureDim = builder.teacherFeatureDim;
        this.hintWeight = builder.hintWeight;
        this.regressor = addChildBlock("regressor", Linear.builder().setUnits(teacherFeatureDim).build());
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray regressed = regressor.forward(store, new NDList(student.feature()), training).singletonOrThrow();
        return new LossTerms()
                .add("task", 1, LossFunctions.crossEntropy(student.logits(), labels))
                .add("hint", hintWeight, LossFunctions.meanSquaredError(regressed, teacher.feature().stopGradient(),
                        Reduction.MEAN));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FitNet(teacherFeatureDim=%d, hintWeight=%s)", teacherFeatureDim,
                hintWeight);
    }

    /** Builder in DJL's style. */
    public static final class Builder {

        private int teacherFeatureDim;
        private double hintWeight = 1;

        private Builder() {}

        /** Required: the teacher's feature dimension {@code D_t}, the regressor's output size. */
        public Builder setTeacherFeatureDim(int teacherFeatureDim) {
            this.teacherFeatureDim = teacherFeatureDim;
            return this;
        }

        /** Optional: the hint weight {@code lambda >= 0}. Default 1 (our choice, see the class comment). */
        public Builder optHintWeight(double hintWeight) {
            this.hintWeight = hintWeight;
            return this;
        }

        /** Validates and builds. */
        public FitNet build() {
            if (teacherFeatureDim <= 0) {
                throw new IllegalArgumentException("FitNet: teacherFeatureDim " + teacherFeatureDim
                        + " must be > 0 (setTeacherFeatureDim)");
            }
            Hyperparameters.requireNonNegative("FitNet: hintWeight", hintWeight);
            return new FitNet(this);
        }
    }
}
