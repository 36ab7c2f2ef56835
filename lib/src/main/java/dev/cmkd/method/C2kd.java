package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
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
 * logits over the classes. Terms, each of weight 1: {@code task}, {@code proxy} ({@code KL(p' || q)}: the proxy
 * learns from its network), {@code fromProxy} ({@code KL(q' || p)}: the network learns from its proxy), {@code
 * crossProxy} (the selected non-target KL between the proxies), and the same four of the teacher, prefixed
 * {@code teacher.}. All of this follows the authors' released code (https://github.com/huofushuo/C2KD,
 * {@code train_network_distill} and {@code ntkl}): temperature 1, KL directions as above, the target logit
 * zeroed (not removed) in {@code KL_nt}, the masked mean over the whole batch, {@code kappa = 0}.
 *
 * <p><b>Proxy heads.</b> The released proxies pool the last feature map, then 1x1 conv (no bias) - BN -
 * LeakyReLU(0.1) - FC. The kit's networks hand over the pooled feature ({@link NetworkOutput}), on which a 1x1
 * conv is a linear map: here {@code Linear(D, no bias) - BatchNorm - LeakyReLU(0.1) - Linear(C)}, width {@code
 * D}, DJL's default initialisers. Teacher and student features must have the same dimension (true of every kit
 * experiment). The teacher is co-trained ({@link #trainsTeacher()}), starting from the trained teacher.
 */
public final class C2kd extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "c2kd";

    /** The prefix of the teacher's terms. */
    public static final String TEACHER = "teacher.";

    /** The released proxies' LeakyReLU slope. */
    private static final float LEAKY_SLOPE = 0.1f;

    private final int featureDim;
    private final int numClasses;
    private final double kappa;
    private final SequentialBlock studentProxy;
    private final SequentialBlock teacherProxy;

    private C2kd(Builder builder) {
        this.featureDim = builder.featureDim;
        this.numClasses = builder.numClasses;
        this.kappa = builder.kappa;
        this.studentProxy = addChildBlock("studentProxy", proxy(featureDim, numClasses));
        this.teacherProxy = addChildBlock("teacherProxy", proxy(featureDim, numClasses));
    }

    private static SequentialBlock proxy(int width, int classes) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(width).optBias(false).build())
                .add(BatchNorm.builder().build())
                .add(Activation.leakyReluBlock(LEAKY_SLOPE))
                .add(Linear.builder().setUnits(classes).build());
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

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray qs = studentProxy.forward(store, new NDList(student.feature()), training).singletonOrThrow();
        NDArray qt = teacherProxy.forward(store, new NDList(teacher.feature()), training).singletonOrThrow();
        NDArray selected = kendallTau(qt, qs).gt(LossFunctions.constant(qt, kappa)).toType(qt.getDataType(), false);
        LossTerms terms = new LossTerms();
        addSideTerms(terms, "", student.logits(), qs, qt, labels, selected);
        addSideTerms(terms, TEACHER, teacher.logits(), qt, qs, labels, selected);
        return terms;
    }

    /**
     * Adds one network's four terms, named with {@code prefix}: {@code task}, {@code proxy}, {@code fromProxy} and
     * {@code crossProxy}, for rows of logits {@code [B, C]} ({@code logits} the network's, {@code proxy} its
     * proxy's, {@code otherProxy} the other network's proxy) and the selection {@code m} ({@code [B]}, 0 or 1).
     * Shared with the segmentation version, which passes one row per labelled pixel.
     */
    public static void addSideTerms(LossTerms terms, String prefix, NDArray logits, NDArray proxy,
            NDArray otherProxy, NDArray labels, NDArray selected) {
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
        NDArray others = labels.oneHot(Math.toIntExact(studentLogits.getShape().get(1)))
                .toType(studentLogits.getDataType(), false).neg().add(LossFunctions.constant(studentLogits, 1));
        NDArray t = teacherLogits.stopGradient().mul(others).logSoftmax(1);
        NDArray s = studentLogits.mul(others).logSoftmax(1);
        return t.exp().mul(t.sub(s)).sum(new int[] {1});
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "C2kd(featureDim=%d, numClasses=%d, kappa=%s)", featureDim, numClasses,
                kappa);
    }

    /** Builder in DJL's style. */
    public static final class Builder {

        private int featureDim;
        private int numClasses;
        private double kappa;

        private Builder() {}

        /** Required: the feature dimension {@code D} of student and teacher (the proxies' width). */
        public Builder setFeatureDim(int featureDim) {
            this.featureDim = featureDim;
            return this;
        }

        /** Required: the number of classes {@code C}. */
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
        public C2kd build() {
            if (featureDim <= 0) {
                throw new IllegalArgumentException("C2kd: featureDim " + featureDim + " must be > 0 (setFeatureDim)");
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException("C2kd: numClasses " + numClasses + " must be >= 2 (setNumClasses)");
            }
            if (!(kappa >= -1 && kappa < 1)) {
                throw new IllegalArgumentException("C2kd: kappa " + kappa + " must lie in [-1, 1)");
            }
            return new C2kd(this);
        }
    }
}
