package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;

import java.util.Locale;

/**
 * Distillation from a stronger teacher (T. Huang, S. You, F. Wang, C. Qian, C. Xu, "Knowledge Distillation from
 * A Stronger Teacher", NeurIPS 2022, arXiv 2205.10536): the student matches the teacher's class relations by
 * Pearson correlation instead of KL. With {@code Y = softmax(z / tau)} ({@code [B, C]}):
 *
 * <pre>
 *   inter = tau^2 (1 - (1/B) sum_i rho(Y_s[i,:], Y_t[i,:]))      (each sample's class ranking)
 *   intra = tau^2 (1 - (1/C) sum_j rho(Y_s[:,j], Y_t[:,j]))      (each class over the batch)
 *   L     = CE(z_s, y) + beta inter + gamma intra
 *   rho(a, b) = sum (a - mean a)(b - mean b) / (||a - mean a|| ||b - mean b|| + 1e-8)
 * </pre>
 *
 * ({@code 1e-8}: the released code's floor.) Terms {@code task} (weight 1), {@code inter} ({@code beta}), {@code intra}
 * ({@code gamma}). Defaults {@code beta = gamma = 1}, {@code tau = 1}: the paper's standard (ImageNet) setting and the
 * authors' loss (hunto/image_classification_sota, {@code lib/models/losses/dist_kd.py}, {@code DIST(beta=1.0,
 * gamma=1.0)}, softmax without temperature). Its CIFAR-100 setting uses {@code beta = gamma = 2, tau = 4}; we do not
 * take it, because the kit's tasks have 6 to 10 classes, where {@code tau = 4} flattens the softmax towards uniform and
 * the correlations of nearly constant vectors lose their signal.
 */
public final class Dist extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "dist";

    /** The released code's floor on the product of norms in the correlation. */
    public static final double EPSILON = 1e-8;

    private final double beta;
    private final double gamma;
    private final double temperature;

    private Dist(Builder builder) {
        super(NAME);
        this.beta = builder.beta;
        this.gamma = builder.gamma;
        this.temperature = builder.temperature;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray inverse = LossFunctions.constant(student.logits(), 1 / temperature);
        NDArray ys = student.logits().mul(inverse).softmax(1);
        NDArray yt = teacher.logits().stopGradient().mul(inverse).softmax(1);
        double scale = temperature * temperature;
        return taskTerm(1, student, labels)
                .add("inter", beta, LossFunctions.times(relationLoss(ys, yt), scale))
                .add("intra", gamma, LossFunctions.times(relationLoss(ys.transpose(), yt.transpose()), scale));
    }

    /** Returns {@code 1 - mean_i rho(a[i,:], b[i,:])} for {@code [N, K]} arrays. */
    public static NDArray relationLoss(NDArray a, NDArray b) {
        return LossFunctions.constant(a, 1).sub(pearson(a, b).mean());
    }

    /** Returns the Pearson correlation {@code rho(a[i,:], b[i,:])} of each row, {@code [N]}. */
    public static NDArray pearson(NDArray a, NDArray b) {
        NDArray ca = a.sub(a.mean(new int[] {1}, true));
        NDArray cb = b.sub(b.mean(new int[] {1}, true));
        NDArray norms = ca.norm(new int[] {1}).mul(cb.norm(new int[] {1}));
        return ca.mul(cb).sum(new int[] {1}).div(norms.add(LossFunctions.constant(norms, EPSILON)));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Dist(beta=%s, gamma=%s, tau=%s)", beta, gamma, temperature);
    }

    /** Builder in DJL's style; every option is optional. */
    public static final class Builder {

        private double beta = 1;
        private double gamma = 1;
        private double temperature = 1;

        private Builder() {}

        /** Optional: the inter-class weight {@code beta >= 0}. Default 1 (the paper's ImageNet setting). */
        public Builder optBeta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Optional: the intra-class weight {@code gamma >= 0}. Default 1 (the paper's ImageNet setting). */
        public Builder optGamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** Optional: the temperature {@code tau > 0}. Default 1 (the paper's ImageNet setting). */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Validates and builds. */
        public Dist build() {
            Hyperparameters.requireNonNegative("Dist: beta", beta);
            Hyperparameters.requireNonNegative("Dist: gamma", gamma);
            Hyperparameters.requirePositive("Dist: temperature", temperature);
            return new Dist(this);
        }
    }
}
