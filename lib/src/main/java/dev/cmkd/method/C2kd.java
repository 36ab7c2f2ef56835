package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;

import java.util.Locale;

/**
 * C2KD (F. Huo, W. Xu, J. Guo, H. Wang, S. Guo, "C2KD: Bridging the Modality Gap for Cross-Modal Knowledge
 * Distillation", CVPR 2024): teacher and student train together, each with a proxy head {@code q} on its
 * feature, and knowledge flows between the proxies only for samples whose proxies rank the classes alike.
 * With {@code p = softmax(z)} of each network, {@code q_T, q_S} the proxies' logits, {@code KL(a || b)} of
 * softmaxes averaged over the batch, {@code (.)'} constant (detached):
 *
 * <pre>
 *   student:  CE(z_s, y) + KL(p_s' || q_S) + KL(q_S' || p_s) + (1/B) sum_i m_i KL_nt(q_T'(i) || q_S(i))
 *   teacher:  CE(z_t, y) + KL(p_t' || q_T) + KL(q_T' || p_t) + (1/B) sum_i m_i KL_nt(q_S'(i) || q_T(i))
 *   m_i      = 1[tau_K(q_T(i), q_S(i)) > kappa]          (on-the-fly selection, kappa = 0)
 *   KL_nt    = KL(softmax(z * (1 - onehot_y)) || ...)      (the ground-truth logit set to 0 in both)
 * </pre>
 *
 * {@code tau_K} is Kendall's rank correlation (tau-b, as {@code scipy.stats.kendalltau}) of the two proxies'
 * logits over the classes. Terms, each of weight 1: {@code task}, {@code proxy} ({@code KL(p' || q)}: the proxy learns
 * from its network), {@code fromProxy} ({@code KL(q' || p)}: the network learns from its proxy), {@code crossProxy}
 * (the selected non-target KL between the proxies), and the same four of the teacher, prefixed {@code teacher.}. All of
 * this, defaults included, follows the authors' released code (https://github.com/huofushuo/C2KD, {@code
 * cramed/utils/helper.py}, {@code train_network_distill} and {@code ntkl}): every term summed with weight 1,
 * temperature 1, KL directions as above, the target logit zeroed (not removed) in {@code KL_nt}, the masked mean over
 * the whole batch, {@code kappa = 0} ({@code cramed/main_overlap_tag.py}, {@code --krc} default 0.0).
 *
 * <p><b>Proxy heads.</b> The released proxies ({@code cramed/utils/module.py}, {@code Tea} and {@code Stu}) pool the
 * post-ReLU <b>layer3</b> map (256 channels in ResNet-18: {@code cramed/utils/model_res.py} hands over {@code f4 = x}
 * taken after layer3, not layer4's output), then 1x1 conv (no bias) - BN - LeakyReLU(0.1) - FC, with Kaiming fan-out
 * convolutions. On the pooled map a 1x1 conv is a linear map, so here
 *
 * <pre>
 *   q(e) = Linear_C( LeakyReLU_0.1( BN( Linear_W,no bias( mean_{h,w} e ) ) ) )
 * </pre>
 *
 * on the post-ReLU map {@code e} of the <b>penultimate stage</b> ({@link NetworkOutput#stages}; layer3 of ResNet-18,
 * {@code W = D / 2} channels), as the released code, for {@code c2kd} ({@link Builder#optStageProxies}, default);
 * registered as {@code c2kd-pooled}, the proxies read the distilled feature ({@code W = D}, the pooled layer4 output),
 * which networks without stage maps (text, MLP) can run. DJL's default initialisers (the kit's choice). Teacher and
 * student maps (features) must have the same channels (true of every kit experiment). The teacher is co-trained ({@link
 * #trainsTeacher()}), starting from the trained teacher.
 *
 * <p><b>On feature maps</b> ({@link FeatureLayout#MAP}, segmentation; the released code has none, this is ours,
 * defined as the exact dense analogue) each network's proxy sits on its encoder's last map and the terms are
 * taken per labelled pixel:
 *
 * <pre>
 *   q(f)  = up( Conv1x1_K( LeakyReLU_0.1( BN( Conv1x1_D,no bias(f) ) ) ) )     [B, K, H, W]
 *   m_p   = 1[tau_K(q_T(p), q_S(p)) > kappa]                                   per pixel p
 *   terms = the four terms of both networks above, on the rows [N, K] of the N labelled pixels, each averaged
 *           over them
 * </pre>
 *
 * The proxy is the released one applied at every position instead of after pooling, with the classifier a 1x1
 * convolution, and {@code up} the nearest upsampling of {@link FeatureMaps#upsample} to the labels' grid (as
 * {@link FdCmkd}'s heads). Kendall's tau depends only on the two proxies, so it is computed at the maps'
 * resolution {@code h x w} and upsampled like them: the same value as at full resolution, at {@code (H/h)^2}
 * times less memory ({@code K^2} signs per position). The proxies' BatchNorm takes its batch statistics over
 * every position of the maps (as the networks' own BatchNorm layers do), void pixels included. The task terms
 * are {@link dev.cmkd.loss.PixelCrossEntropy}'s; void pixels enter no term; a batch without a labelled pixel
 * gives 0. The teacher is co-trained from the trained teacher, as in {@link
 * dev.cmkd.experiment.SegmentationExperiment}.
 */
public final class C2kd extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "c2kd";

    /** The registry name of the proxies on the distilled feature. */
    public static final String POOLED_NAME = "c2kd-pooled";

    /** The prefix of the teacher's terms. */
    public static final String TEACHER = "teacher.";

    /** The released proxies' LeakyReLU slope. */
    private static final float LEAKY_SLOPE = 0.1f;

    private final int featureDim;
    private final int numClasses;
    private final double kappa;
    private final boolean stageProxies;
    private final SequentialBlock studentProxy;
    private final SequentialBlock teacherProxy;

    private C2kd(Builder builder) {
        super(builder.layout == FeatureLayout.VECTOR && !builder.stageProxies ? POOLED_NAME : NAME, builder.layout);
        this.featureDim = builder.featureDim;
        this.numClasses = builder.numClasses;
        this.kappa = builder.kappa;
        this.stageProxies = builder.stageProxies;
        this.studentProxy = addChildBlock("studentProxy", proxy(layout, proxyWidth(), numClasses));
        this.teacherProxy = addChildBlock("teacherProxy", proxy(layout, proxyWidth(), numClasses));
    }

    /** Returns the proxies' input and hidden width: the penultimate stage's channels {@code D / 2}, or {@code D}. */
    private int proxyWidth() {
        return stageProxies ? featureDim / 2 : featureDim;
    }

    /** Returns a proxy head: pointwise(D, no bias) - BatchNorm - LeakyReLU(0.1) - pointwise(C) (class comment). */
    private static SequentialBlock proxy(FeatureLayout layout, int width, int classes) {
        return new SequentialBlock()
                .add(layout.pointwise(width, false))
                .add(BatchNorm.builder().build())
                .add(Activation.leakyReluBlock(LEAKY_SLOPE))
                .add(layout.pointwise(classes, true));
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** C2KD trains its teacher with the student. */
    @Override
    public boolean trainsTeacher() {
        return true;
    }

    /** Initialises the proxies for their input: features, or maps, of {@code featureDim} channels, or stage maps. */
    @Override
    public void initialize(NDManager manager, DataType dataType, int featureDim, int numClasses) {
        super.initialize(manager, dataType, proxyWidth(), numClasses);
    }

    @Override
    public boolean readsStageMaps() {
        return stageProxies;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        if (layout == FeatureLayout.MAP) {
            return evaluateMaps(store, student, teacher, labels, training);
        }
        NDArray qs = apply(studentProxy, store, proxyInput(student), training);
        NDArray qt = apply(teacherProxy, store, proxyInput(teacher), training);
        return terms(student.logits(), teacher.logits(), qs, qt, labels, selection(kendallTau(qt, qs)));
    }

    /** Returns what a network's proxy reads: its penultimate stage's map, pooled, or its distilled feature. */
    private NDArray proxyInput(NetworkOutput output) {
        return stageProxies ? Pool.globalAvgPool2d(output.stage("C2kd", output.stages().size() - 1))
                : output.feature();
    }

    /** The terms on maps, per labelled pixel (see the class comment). */
    private LossTerms evaluateMaps(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        Shape map = FeatureMaps.requireSameShape("C2kd", student.feature(), teacher.feature());
        int factor = FeatureMaps.upsampleFactor("C2kd", student.logits().getShape(), map);
        NDArray qsMap = apply(studentProxy, store, student.feature(), training);
        NDArray qtMap = apply(teacherProxy, store, teacher.feature(), training);
        NDArray selectedMap = selection(kendallTau(FeatureMaps.rows(qtMap), FeatureMaps.rows(qsMap)))
                .reshape(map.get(0), 1, map.get(2), map.get(3));
        NDArray qs = FeatureMaps.rows(FeatureMaps.upsample(qsMap, factor));
        NDArray qt = FeatureMaps.rows(FeatureMaps.upsample(qtMap, factor));
        NDArray selected = FeatureMaps.rows(FeatureMaps.upsample(selectedMap, factor));
        NDArray zs = FeatureMaps.rows(student.logits());
        NDArray zt = FeatureMaps.rows(teacher.logits());
        return FeatureMaps.onLabelledPixels(labels, (keep, y) -> terms(zs.get(keep), zt.get(keep), qs.get(keep),
                qt.get(keep), y, selected.get(keep).reshape(-1)));
    }

    /** Returns the selection {@code m = 1[tau > kappa]}, 0 or 1 in {@code tau}'s type. */
    private NDArray selection(NDArray tau) {
        return tau.gt(LossFunctions.constant(tau, kappa)).toType(tau.getDataType(), false);
    }

    /**
     * Returns the four terms of the student, then of the teacher ({@link #TEACHER}), for rows of logits {@code [B, C]}
     * (on maps one row per labelled pixel): {@code zs, zt} the networks', {@code qs, qt} their proxies', and the
     * selection {@code [B]} (0 or 1).
     */
    private static LossTerms terms(NDArray zs, NDArray zt, NDArray qs, NDArray qt, NDArray labels, NDArray selected) {
        LossTerms terms = new LossTerms();
        addSide(terms, "", zs, qs, qt, labels, selected);
        addSide(terms, TEACHER, zt, qt, qs, labels, selected);
        return terms;
    }

    /** Adds one network's {@code task}, {@code proxy}, {@code fromProxy} and {@code crossProxy}, named with prefix. */
    private static void addSide(LossTerms terms, String prefix, NDArray logits, NDArray proxy, NDArray otherProxy,
            NDArray labels, NDArray selected) {
        terms.add(prefix + "task", 1, LossFunctions.crossEntropy(logits, labels))
                .add(prefix + "proxy", 1, LossFunctions.klDivergence(logits, proxy, 1))
                .add(prefix + "fromProxy", 1, LossFunctions.klDivergence(proxy, logits, 1))
                .add(prefix + "crossProxy", 1, nonTargetKl(otherProxy, proxy, labels).mul(selected).mean());
    }

    /**
     * Returns each sample's Kendall rank correlation tau-b of {@code a[i,:]} and {@code b[i,:]}, {@code [B]},
     * detached: {@code sum_{j<k} s^a_jk s^b_jk / sqrt(sum (s^a_jk)^2 sum (s^b_jk)^2)} with {@code s^x_jk =
     * sign(x_j - x_k)}; 0 where a row is constant (scipy gives NaN there, which selects nothing either).
     */
    public static NDArray kendallTau(NDArray a, NDArray b) {
        NDArray sa = pairSigns(a.stopGradient());
        NDArray sb = pairSigns(b.stopGradient());
        NDArray denominator = sa.square().sum(new int[] {1}).mul(sb.square().sum(new int[] {1})).sqrt();
        NDArray safe = denominator.maximum(LossFunctions.constant(denominator, 1));
        return sa.mul(sb).sum(new int[] {1}).div(safe);
    }

    /** Returns {@code sign(x_j - x_k)} for every ordered pair, {@code [B, C * C]}. */
    private static NDArray pairSigns(NDArray x) {
        long rows = x.getShape().get(0);
        return x.expandDims(2).sub(x.expandDims(1)).sign().reshape(rows, -1);
    }

    /**
     * Returns each sample's {@code KL(softmax(t') || softmax(s))} with the ground-truth logit of both set to 0,
     * {@code [B]} ({@code t} constant): C2KD's non-target KL.
     */
    public static NDArray nonTargetKl(NDArray teacherLogits, NDArray studentLogits, NDArray labels) {
        NDArray others = LossFunctions.nonTargetMask(studentLogits, labels);
        NDArray t = teacherLogits.stopGradient().mul(others).logSoftmax(1);
        NDArray s = studentLogits.mul(others).logSoftmax(1);
        return LossFunctions.klRows(t, s);
    }

    /** Describes the settings; for VECTOR the string recorded as {@code methodConfig} of existing runs (keep it). */
    @Override
    public String toString() {
        if (layout == FeatureLayout.MAP) {
            return String.format(Locale.ROOT, "C2kd(MAP, featureChannels=%d, numClasses=%d, kappa=%s)", featureDim,
                    numClasses, kappa);
        }
        if (stageProxies) {
            return String.format(Locale.ROOT, "C2kd(featureDim=%d, numClasses=%d, kappa=%s, proxies=penultimate"
                    + "-stage-map)", featureDim, numClasses, kappa);
        }
        return String.format(Locale.ROOT, "C2kd(featureDim=%d, numClasses=%d, kappa=%s)", featureDim, numClasses,
                kappa);
    }

    /** Builder in DJL's style. */
    public static final class Builder extends LayoutBuilder<Builder> {

        private double kappa;
        private boolean stageProxies;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Optional (pooled features only): whether the proxies read the pooled post-ReLU map of the penultimate stage
         * (layer3 of ResNet-18, {@code D / 2} channels), as the released code, rather than the distilled feature.
         * Default false here; the registry's {@code c2kd} sets it, {@code c2kd-pooled} does not.
         */
        public Builder optStageProxies(boolean stageProxies) {
            this.stageProxies = stageProxies;
            return this;
        }

        /** Optional: the selection threshold {@code kappa} in [-1, 1). Default 0 (the released code's). */
        public Builder optKappa(double kappa) {
            this.kappa = kappa;
            return this;
        }

        /** Validates and builds. */
        public C2kd build() {
            validate("C2kd", 1);
            if (stageProxies && (layout != FeatureLayout.VECTOR || featureDim % 2 != 0)) {
                throw new IllegalArgumentException("C2kd: optStageProxies(true) needs pooled features (VECTOR) of an"
                        + " even dimension (the penultimate stage has D / 2 channels), got " + layout + ", D = "
                        + featureDim);
            }
            if (!(kappa >= -1 && kappa < 1)) {
                throw new IllegalArgumentException("C2kd: kappa " + kappa + " must lie in [-1, 1)");
            }
            return new C2kd(this);
        }
    }
}
