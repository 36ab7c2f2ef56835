package dev.cmkd.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.AbstractMethod;
import dev.cmkd.method.C2kd;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;

import java.util.Locale;

/**
 * C2KD ({@link C2kd}; F. Huo et al., CVPR 2024) on dense outputs: teacher and student train together, each with
 * a proxy head on its encoder's last map, and the classification method's terms are taken per labelled pixel.
 * The released code has no segmentation version; this one is ours, defined as the exact dense analogue:
 *
 * <pre>
 *   q(f)  = up( Conv1x1_K( LeakyReLU_0.1( BN( Conv1x1_D,no bias(f) ) ) ) )     [B, K, H, W]
 *   m_p   = 1[tau_K(q_T(p), q_S(p)) > kappa]                                   per pixel p
 *   terms = C2kd's task, proxy, fromProxy, crossProxy of both networks (teacher's prefixed "teacher."),
 *           on the rows [N, K] of the N labelled pixels, each averaged over them
 * </pre>
 *
 * The proxy is the released one (1x1 conv without bias, BatchNorm, LeakyReLU(0.1), classifier) applied at every
 * position instead of after pooling, with the classifier a 1x1 convolution, and {@code up} the nearest
 * upsampling of {@link SegmentationNet#upsample} to the labels' grid (as {@link DenseFdCmkd}'s heads). Kendall's
 * tau depends only on the two proxies, so it is computed at the maps' resolution {@code h x w} and upsampled
 * like them: the same value as at full resolution, at {@code (H/h)^2} times less memory ({@code K^2} signs per
 * position). The proxies' BatchNorm takes its batch statistics over every position of the maps (as the
 * networks' own BatchNorm layers do), void pixels included. The task terms are {@link PixelCrossEntropy}'s;
 * void pixels enter no term; a batch without a labelled pixel gives 0. Teacher and student maps must have the
 * same channels. The teacher is co-trained ({@link #trainsTeacher()}), from the trained teacher, as in {@link
 * dev.cmkd.experiment.SegmentationExperiment}.
 */
public final class DenseC2kd extends AbstractMethod {

    /** The registry name, as the classification method's. */
    public static final String NAME = C2kd.NAME;

    private static final float LEAKY_SLOPE = 0.1f;

    private final int featureChannels;
    private final int numClasses;
    private final double kappa;
    private final SequentialBlock studentProxy;
    private final SequentialBlock teacherProxy;

    private DenseC2kd(Builder builder) {
        this.featureChannels = builder.featureChannels;
        this.numClasses = builder.numClasses;
        this.kappa = builder.kappa;
        this.studentProxy = addChildBlock("studentProxy", proxy(featureChannels, numClasses));
        this.teacherProxy = addChildBlock("teacherProxy", proxy(featureChannels, numClasses));
    }

    private static SequentialBlock proxy(int width, int classes) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(width).optBias(false).build())
                .add(BatchNorm.builder().build())
                .add(Activation.leakyReluBlock(LEAKY_SLOPE))
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(classes).build());
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String getName() {
        return NAME;
    }

    /** C2KD trains its teacher with the student. */
    @Override
    public boolean trainsTeacher() {
        return true;
    }

    /** Initialises the proxies for maps of {@code featureDim} channels. */
    @Override
    public void initialize(NDManager manager, DataType dataType, int featureDim, int numClasses) {
        initialize(manager, dataType, new Shape(1, featureDim, 1, 1));
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        Shape logits = student.logits().getShape();
        Shape map = student.feature().getShape();
        if (logits.dimension() != 4 || map.dimension() != 4 || !map.equals(teacher.feature().getShape())
                || logits.get(2) % map.get(2) != 0 || logits.get(2) / map.get(2) != logits.get(3) / map.get(3)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "DenseC2kd: logits %s and maps %s (teacher"
                    + " %s) are not [B, K, H, W] and [B, D, h, w] with H / h = W / w", logits, map,
                    teacher.feature().getShape()));
        }
        int factor = Math.toIntExact(logits.get(2) / map.get(2));
        NDArray qsMap = studentProxy.forward(store, new NDList(student.feature()), training).singletonOrThrow();
        NDArray qtMap = teacherProxy.forward(store, new NDList(teacher.feature()), training).singletonOrThrow();
        NDArray tau = C2kd.kendallTau(PerPixelMethod.rows(qtMap), PerPixelMethod.rows(qsMap));
        NDArray selectedMap = tau.gt(LossFunctions.constant(tau, kappa)).toType(qsMap.getDataType(), false)
                .reshape(map.get(0), 1, map.get(2), map.get(3));
        NDArray qs = PerPixelMethod.rows(SegmentationNet.upsample(qsMap, factor));
        NDArray qt = PerPixelMethod.rows(SegmentationNet.upsample(qtMap, factor));
        NDArray selected = PerPixelMethod.rows(SegmentationNet.upsample(selectedMap, factor));
        NDArray zs = PerPixelMethod.rows(student.logits());
        NDArray zt = PerPixelMethod.rows(teacher.logits());
        return PerPixelMethod.onLabelledPixels(labels, (keep, y) -> {
            NDArray m = selected.get(keep).reshape(-1);
            LossTerms terms = new LossTerms();
            C2kd.addSideTerms(terms, "", zs.get(keep), qs.get(keep), qt.get(keep), y, m);
            C2kd.addSideTerms(terms, C2kd.TEACHER, zt.get(keep), qt.get(keep), qs.get(keep), y, m);
            return terms;
        });
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DenseC2kd(featureChannels=%d, numClasses=%d, kappa=%s)", featureChannels,
                numClasses, kappa);
    }

    /** Builder in DJL's style. */
    public static final class Builder {

        private int featureChannels;
        private int numClasses;
        private double kappa;

        private Builder() {}

        /** Required: the channels {@code D} of student and teacher maps (the proxies' width). */
        public Builder setFeatureChannels(int featureChannels) {
            this.featureChannels = featureChannels;
            return this;
        }

        /** Required: the number of classes {@code K}. */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Optional: the selection threshold {@code kappa} in [-1, 1). Default 0 (the released code's). */
        public Builder optKappa(double kappa) {
            this.kappa = kappa;
            return this;
        }

        /** Validates and builds. */
        public DenseC2kd build() {
            if (featureChannels <= 0) {
                throw new IllegalArgumentException("DenseC2kd: featureChannels " + featureChannels
                        + " must be > 0 (setFeatureChannels)");
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException("DenseC2kd: numClasses " + numClasses
                        + " must be >= 2 (setNumClasses)");
            }
            if (!(kappa >= -1 && kappa < 1)) {
                throw new IllegalArgumentException("DenseC2kd: kappa " + kappa + " must lie in [-1, 1)");
            }
            return new DenseC2kd(this);
        }
    }
}
