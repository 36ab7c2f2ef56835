package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.Reduction;

import java.util.Locale;

/**
 * FitNets' hints as the baselines' code runs them (A. Romero, N. Ballas, S. E. Kahou, A. Chassang, C. Gatta,
 * Y. Bengio, "FitNets: Hints for Thin Deep Nets", ICLR 2015, arXiv 1412.6550): a trainable convolutional regressor
 * from the student's map of an intermediate stage (the hint layer, ResNet's "layer2") to the teacher's map of the
 * same stage, trained in one stage with the task loss. With {@code e_s} the post-ReLU map of stage {@code s} ({@link
 * NetworkOutput#stage}), {@code [B, C, h, w]}:
 *
 * <pre>
 *   r(e)  = ReLU(BN(conv3x3,pad 1(resize_{h_t, w_t}(e))))                     C -> C channels, with bias
 *   L     = CE(z_s, y) + lambda (1 / (B C h_t w_t)) sum (r(e_s^S) - e_s^T)^2
 * </pre>
 *
 * with {@code resize} the bilinear interpolation with aligned corners ({@link FeatureMaps#resizeBilinear}) of the
 * student's map to the teacher's size, the identity when the sizes agree. Terms {@code task} (weight 1) and {@code
 * hint} (weight {@code lambda}); the teacher's map is constant.
 *
 * <p><b>Source of each choice.</b> C2KD's released code, the cross-modal reference (https://github.com/huofushuo/C2KD,
 * {@code cramed/utils/module.py}, {@code Fit} and {@code ConvReg}; the maps from {@code cramed/utils/model_res.py}):
 * stage 2 (its {@code f2}, 128 channels in ResNet-18), weight 100 on it (0 on the other stages), the student's map
 * resized to the teacher's by {@code F.interpolate(mode='bilinear', align_corners=True)} (audio and visual maps differ
 * in size), then {@code Conv2d(C, C, 3, padding=1)}, BatchNorm, ReLU, {@code F.mse_loss} (the mean), Kaiming-normal
 * fan-out convolution weights, bias 0, BatchNorm 1 and 0. mdistiller (megvii-research/mdistiller, {@code
 * mdistiller/engine/cfg.py}, {@code CFG.FITNET}: hint layer 2, feature weight 100, CE weight 1; {@code
 * mdistiller/distillers/_common.py}, {@code ConvReg}) has the same weight, layer and BatchNorm-ReLU, but no resize:
 * it picks a 3x3 stride-2 convolution when the student's map is twice the teacher's, a 4x4 stride-2 transposed one
 * when it is half, a {@code (1 + h_s - h_t) x (1 + w_s - w_t)} valid convolution when it is at least as large, and
 * fails otherwise; it was written for one modality, and an audio map can be larger in one direction and smaller in
 * the other (the embedded benchmark: 40x101 spectrograms against 28x28 images). The kit follows C2KD. Teacher and
 * student maps must have the same channels (C2KD's {@code ConvReg(ch)}; true of every kit experiment).
 */
public final class FitNet extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "fitnet";

    private final int hintStage;
    private final double hintWeight;
    private Block regressor;

    private FitNet(Builder builder) {
        super(NAME);
        this.hintStage = builder.hintStage;
        this.hintWeight = builder.hintWeight;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** FitNet needs the hint map's channels: use {@link #initializeForStudent}. */
    @Override
    public void initialize(NDManager manager, DataType dataType, int featureDim, int numClasses) {
        throw new UnsupportedOperationException("FitNet regresses stage " + hintStage + "'s map, whose channels the"
                + " feature dimension does not give: call initializeForStudent(manager, type, studentOutputShapes)");
    }

    /** Builds and initialises the regressor for the student's hint map, {@code studentOutputs[1 + s]}. */
    @Override
    public void initializeForStudent(NDManager manager, DataType dataType, Shape... studentOutputs) {
        if (regressor != null) {
            throw new IllegalStateException("FitNet is already initialised");
        }
        if (studentOutputs.length < 2 + hintStage) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "FitNet hints stage %d's map, but the"
                    + " student gives %d stage map(s); a ResNet gives one per stage, text and MLP networks none"
                    + " (use %s)", hintStage, studentOutputs.length - 2, FeatureFitNet.POOLED_NAME));
        }
        Shape hint = studentOutputs[1 + hintStage];
        Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .setFilters(Math.toIntExact(hint.get(1))).build();
        conv.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.OUT, 2), Parameter.Type.WEIGHT);
        regressor = addChildBlock("regressor", new SequentialBlock().add(conv).add(BatchNorm.builder().build())
                .add(Activation::relu));
        initialize(manager, dataType, hint);
    }

    /** Returns the regressor {@code conv3x3 - BatchNorm - ReLU} (after {@link #initializeForStudent}). */
    public Block regressor() {
        return regressor;
    }

    @Override
    public boolean readsStageMaps() {
        return true;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray studentMap = student.stage(NAME, hintStage);
        NDArray teacherMap = teacher.stage(NAME, hintStage).stopGradient();
        Shape target = teacherMap.getShape();
        if (studentMap.getShape().get(1) != target.get(1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "FitNet: the student's stage-%d map %s and"
                    + " the teacher's %s differ in channels", hintStage, studentMap.getShape(), target));
        }
        NDArray resized = FeatureMaps.resizeBilinear(studentMap, target.get(2), target.get(3));
        NDArray regressed = apply(regressor, store, resized, training);
        return taskTerm(1, student, labels).add("hint", hintWeight,
                LossFunctions.meanSquaredError(regressed, teacherMap, Reduction.MEAN));
    }

    /** Describes the settings, recorded as {@code methodConfig} of each run. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FitNet(hintStage=%d, regressor=bilinear-resize+conv3x3+bn+relu,"
                + " hintWeight=%s)", hintStage, hintWeight);
    }

    /** Builder in DJL's style; every option is optional. */
    public static final class Builder {

        private int hintStage = 2;
        private double hintWeight = 100;

        private Builder() {}

        /** Optional: the hint stage {@code s >= 1} (1-based). Default 2, "layer2" (C2KD's code, mdistiller). */
        public Builder optHintStage(int hintStage) {
            this.hintStage = hintStage;
            return this;
        }

        /** Optional: the hint weight {@code lambda >= 0}. Default 100 (C2KD's code, mdistiller). */
        public Builder optHintWeight(double hintWeight) {
            this.hintWeight = hintWeight;
            return this;
        }

        /** Validates and builds. */
        public FitNet build() {
            Hyperparameters.requireAtLeast("FitNet", "optHintStage", hintStage, 1);
            Hyperparameters.requireNonNegative("FitNet: hintWeight", hintWeight);
            return new FitNet(this);
        }
    }
}
