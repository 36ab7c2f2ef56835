package dev.cmkd.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.Reduction;
import dev.cmkd.method.AbstractMethod;
import dev.cmkd.method.FitNet;
import dev.cmkd.method.Hyperparameters;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;

import java.util.Locale;

/**
 * FitNets hints on dense maps (A. Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015, arXiv
 * 1412.6550), trained in one stage with the task loss as in mdistiller, C2KD and CIRKD's segmentation
 * baselines:
 *
 * <pre>
 *   L = CE(z_s, y) + lambda (1 / (B D_t h w)) sum_{b,c,y,x} (r(f_s)[b,c,y,x] - f_t[b,c,y,x])^2
 *   r(f)[:, y, x] = W f[:, y, x] + b      (a trainable 1x1 convolution, D_s -> D_t channels)
 * </pre>
 *
 * with CE the {@link PixelCrossEntropy} (void ignored) and {@code f} the encoders' last maps {@code [B, D, h,
 * w]} ({@link SegmentationNet}); the teacher's map is constant. This is the paper's convolutional regressor on a
 * feature map, which the classification {@link FitNet} replaces by a linear layer on pooled features; mdistiller's
 * {@code ConvReg} and CIRKD use the same 1x1 convolution (without their BatchNorm/ReLU, as in the paper). Terms
 * {@code task} (weight 1) and {@code hint} (weight {@code lambda}, default 1, as {@link FitNet} and the
 * segmentation {@code feature-mse}: the same mean over positions and channels, so FitNet differs from {@code
 * feature-mse} only by the regressor; C2KD's weight 100 balances another scale, see {@link FitNet}).
 */
public final class DenseFitNet extends AbstractMethod {

    /** The registry name, as the classification method's. */
    public static final String NAME = FitNet.NAME;

    private final int teacherChannels;
    private final double hintWeight;
    private final Conv2d regressor;

    private DenseFitNet(Builder builder) {
        this.teacherChannels = builder.teacherChannels;
        this.hintWeight = builder.hintWeight;
        this.regressor = addChildBlock("regressor", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(teacherChannels).build());
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String getName() {
        return NAME;
    }

    /** Initialises the regressor for student maps of {@code featureDim} channels. */
    @Override
    public void initialize(NDManager manager, DataType dataType, int featureDim, int numClasses) {
        initialize(manager, dataType, new Shape(1, featureDim, 1, 1));
    }

    /** Returns the regressor, a 1x1 convolution (weight {@code [D_t, D_s, 1, 1]}, bias {@code [D_t]}). */
    public Conv2d regressor() {
        return regressor;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        if (student.feature().getShape().dimension() != 4) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "DenseFitNet: the student's map %s is not"
                    + " [B, D, h, w]", student.feature().getShape()));
        }
        NDArray regressed = regressor.forward(store, new NDList(student.feature()), training).singletonOrThrow();
        return new LossTerms()
                .add("task", 1, PixelCrossEntropy.evaluate(student.logits(), labels))
                .add("hint", hintWeight, LossFunctions.meanSquaredError(regressed, teacher.feature().stopGradient(),
                        Reduction.MEAN));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DenseFitNet(teacherChannels=%d, hintWeight=%s)", teacherChannels,
                hintWeight);
    }

    /** Builder in DJL's style. */
    public static final class Builder {

        private int teacherChannels;
        private double hintWeight = 1;

        private Builder() {}

        /** Required: the channels {@code D_t} of the teacher's map, the regressor's output channels. */
        public Builder setTeacherChannels(int teacherChannels) {
            this.teacherChannels = teacherChannels;
            return this;
        }

        /** Optional: the hint weight {@code lambda >= 0}. Default 1 (see the class comment). */
        public Builder optHintWeight(double hintWeight) {
            this.hintWeight = hintWeight;
            return this;
        }

        /** Validates and builds. */
        public DenseFitNet build() {
            if (teacherChannels <= 0) {
                throw new IllegalArgumentException("DenseFitNet: teacherChannels " + teacherChannels
                        + " must be > 0 (setTeacherChannels)");
            }
            Hyperparameters.requireNonNegative("DenseFitNet: hintWeight", hintWeight);
            return new DenseFitNet(this);
        }
    }
}
