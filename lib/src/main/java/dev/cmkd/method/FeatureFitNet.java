package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.PixelCrossEntropy;

import java.util.Locale;

/**
 * FitNets' hint loss (A. Romero, N. Ballas, S. E. Kahou, A. Chassang, C. Gatta, Y. Bengio, "FitNets: Hints for
 * Thin Deep Nets", ICLR 2015, arXiv 1412.6550) on the distilled feature instead of an intermediate layer, trained in
 * one stage with the task loss:
 *
 * <pre>
 *   VECTOR   L = CE(z_s, y) + lambda (1 / (B D_t)) sum (r(h_s) - h_t)^2,          r(h) = W h + b
 *   MAP      L = CE(z_s, y) + lambda (1 / (B D_t h w)) sum (r(f_s) - f_t)^2,      r(f)[:, y, x] = W f[:, y, x] + b
 * </pre>
 *
 * with {@code r} trainable ({@code D_s -> D_t}: a linear layer on pooled features, a 1x1 convolution on maps)
 * and CE the layout's task loss ({@link FeatureLayout#taskLoss}: on maps {@link PixelCrossEntropy}, void
 * ignored). Terms {@code task} (weight 1) and {@code hint} (weight {@code lambda}); the teacher's feature is
 * constant.
 *
 * <p><b>VECTOR: registered as {@value #POOLED_NAME}, not FitNet as published.</b> The hint is the pooled feature
 * of {@link NetworkOutput} ({@code [B, D]}, the last residual block's output), not an intermediate map, so the
 * regressor is a linear layer. FitNet as mdistiller and C2KD run it is {@link FitNet} ({@code fitnet}); this
 * variant remains for networks without stage maps (text, MLP) and as the feature-level counterpart of {@code
 * feature-mse}. Its {@code lambda = 1} has no stated source (the kit's choice): it puts the hint on the same footing
 * as {@code feature-mse} and FD-CMKD's band terms (weight 1, the same mean squared error), so the two differ only by
 * the regressor; the published weight 100 balances a per-position map MSE whose scale has nothing to do with a
 * pooled vector's.
 *
 * <p><b>MAP: registered as {@code fitnet} for segmentation</b> (the encoders' last maps, {@link
 * dev.cmkd.model.SegmentationNet}), the paper's convolutional regressor as CIRKD's segmentation baselines use it;
 * mdistiller's {@code ConvReg} uses the same 1x1 convolution (with BatchNorm/ReLU, left out here as in the paper).
 */
public final class FeatureFitNet extends AbstractMethod {

    /** The registry name on maps (segmentation). */
    public static final String NAME = FitNet.NAME;

    /** The registry name on pooled features. */
    public static final String POOLED_NAME = "fitnet-pooled";

    private final int teacherFeatureDim;
    private final double hintWeight;
    private final Block regressor;

    private FeatureFitNet(Builder builder) {
        super(builder.layout == FeatureLayout.MAP ? NAME : POOLED_NAME, builder.layout);
        this.teacherFeatureDim = builder.teacherFeatureDim;
        this.hintWeight = builder.hintWeight;
        this.regressor = addChildBlock("regressor", layout.pointwise(teacherFeatureDim, true));
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the regressor: a linear layer (weight {@code [D_t, D_s]}) or a 1x1 convolution (weight {@code [D_t,
     * D_s, 1, 1]}), bias {@code [D_t]}.
     */
    public Block regressor() {
        return regressor;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        if (layout == FeatureLayout.MAP && student.feature().getShape().dimension() != 4) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "FitNet: the student's map %s is not"
                    + " [B, D, h, w]", student.feature().getShape()));
        }
        NDArray regressed = apply(regressor, store, student.feature(), training);
        return taskTerm(1, student, labels).add("hint", hintWeight, featureMse(regressed, teacher));
    }

    /** Describes the settings; the strings recorded as {@code methodConfig} of existing runs (keep them). */
    @Override
    public String toString() {
        if (layout == FeatureLayout.MAP) {
            return String.format(Locale.ROOT, "FitNet(MAP, teacherChannels=%d, hintWeight=%s)", teacherFeatureDim,
                    hintWeight);
        }
        return String.format(Locale.ROOT, "FitNet(teacherFeatureDim=%d, hintWeight=%s)", teacherFeatureDim,
                hintWeight);
    }

    /** Builder in DJL's style. */
    public static final class Builder {

        private FeatureLayout layout = FeatureLayout.VECTOR;
        private int teacherFeatureDim;
        private double hintWeight = 1;

        private Builder() {}

        /** Optional: pooled features (linear regressor) or maps (1x1 convolution). Default VECTOR. */
        public Builder optFeatureLayout(FeatureLayout layout) {
            this.layout = layout;
            return this;
        }

        /** Required: the teacher's feature dimension {@code D_t} (channels for maps), the regressor's output size. */
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
        public FeatureFitNet build() {
            Hyperparameters.requireLayout("FitNet", layout);
            Hyperparameters.requireAtLeast("FitNet", "setTeacherFeatureDim", teacherFeatureDim, 1);
            Hyperparameters.requireNonNegative("FitNet: hintWeight", hintWeight);
            return new FeatureFitNet(this);
        }
    }
}
