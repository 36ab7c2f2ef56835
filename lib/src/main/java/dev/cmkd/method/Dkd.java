package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;

import java.util.Locale;

/**
 * Decoupled knowledge distillation (B. Zhao, Q. Cui, R. Song, Y. Qiu, J. Liang, "Decoupled Knowledge
 * Distillation", CVPR 2022, arXiv 2203.08679). With {@code p = softmax(z / T)}, the binary distribution {@code b
 * = [p_y, 1 - p_y]} of the target class {@code y} and {@code p^ = softmax} over the non-target classes only:
 *
 * <pre>
 *   TCKD = T^2 KL(b_t || b_s)        NCKD = T^2 KL(p^_t || p^_s)        (each averaged over the batch)
 *   L    = CE(z_s, y) + w(e) (alpha TCKD + beta NCKD),     w(e) = min((e + 1) / E_warm, 1)
 * </pre>
 *
 * for the 0-based epoch {@code e} ({@link #setEpoch}; {@code w = 1} when {@code E_warm = 0}). Hinton's KD term
 * decomposes as {@code T^2 KL(p_t || p_s) = TCKD + (1 - p_y^t) NCKD} (the paper's Eq. 1), per sample.
 * Terms {@code task} (weight 1), {@code tckd} (weight {@code w alpha}), {@code nckd} (weight {@code w beta}).
 * Defaults from the paper's CIFAR-100 setting, as the authors' code states them (megvii-research/mdistiller,
 * {@code mdistiller/engine/cfg.py}, {@code CFG.DKD}: CE weight 1, {@code alpha = 1}, {@code beta = 8}, {@code T =
 * 4}, warm-up 20; {@code mdistiller/distillers/DKD.py}: {@code min(epoch / 20, 1)}, epochs counted from 1). The
 * warm-up damps short runs: a 3-epoch run distils with weights 0.05 to 0.15. mdistiller's per-pair CIFAR-100
 * configs override {@code beta} ({@code configs/cifar100/dkd/}: 2 for the res56/res110 pairs, 6 for the VGG and
 * WRN pairs, 8 otherwise) and its ImageNet configs use {@code T = 1}, {@code beta} 0.5 or 2, warm-up 1; none is a
 * cross-modal setting, so the kit keeps the base default.
 */
public final class Dkd extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "dkd";

    /** What the non-target softmax subtracts from the target logit (mdistiller's mask; e^-1000 is 0). */
    private static final double MASK = 1000;

    private final double alpha;
    private final double beta;
    private final double temperature;
    private final int warmupEpochs;
    private int epoch;

    private Dkd(Builder builder) {
        super(NAME);
        this.alpha = builder.alpha;
        this.beta = builder.beta;
        this.temperature = builder.temperature;
        this.warmupEpochs = builder.warmupEpochs;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    /** Returns the warm-up factor {@code w(e)} of the current epoch. */
    public double warmupFactor() {
        return warmupEpochs == 0 ? 1 : Math.min((epoch + 1) / (double) warmupEpochs, 1);
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        double w = warmupFactor();
        return taskTerm(1, student, labels)
                .add("tckd", w * alpha, targetClassKl(teacher.logits(), student.logits(), labels, temperature))
                .add("nckd", w * beta, nonTargetClassKl(teacher.logits(), student.logits(), labels, temperature));
    }

    /** Returns {@code TCKD = T^2 KL(b_t || b_s)}, the batch mean; the teacher's logits are constant. */
    public static NDArray targetClassKl(NDArray teacherLogits, NDArray studentLogits, NDArray labels,
            double temperature) {
        NDArray[] t = binaryLog(teacherLogits.stopGradient(), labels, temperature);
        NDArray[] s = binaryLog(studentLogits, labels, temperature);
        NDArray kl = t[0].exp().mul(t[0].sub(s[0])).add(t[1].exp().mul(t[1].sub(s[1])));
        return LossFunctions.times(kl.mean(), temperature * temperature);
    }

    /** Returns {@code NCKD = T^2 KL(p^_t || p^_s)}, the batch mean; the teacher's logits are constant. */
    public static NDArray nonTargetClassKl(NDArray teacherLogits, NDArray studentLogits, NDArray labels,
            double temperature) {
        NDArray t = nonTargetLogSoftmax(teacherLogits.stopGradient(), labels, temperature);
        NDArray s = nonTargetLogSoftmax(studentLogits, labels, temperature);
        return LossFunctions.times(LossFunctions.klRows(t, s).mean(), temperature * temperature);
    }

    /** Returns {@code [log p_y, log(1 - p_y)]}, each {@code [B]}. */
    private static NDArray[] binaryLog(NDArray logits, NDArray labels, double temperature) {
        NDArray all = LossFunctions.times(logits, 1 / temperature).logSoftmax(1);
        NDArray rest = nonTargetLogSoftmax(logits, labels, temperature);
        // For every non-target class j: log p_j - log p^_j = log(1 - p_y); average it over the C - 1 of them.
        long classes = logits.getShape().get(1);
        NDArray logRest = LossFunctions.times(all.sub(rest).mul(LossFunctions.nonTargetMask(logits, labels))
                .sum(new int[] {1}), 1.0 / (classes - 1));
        return new NDArray[] {all.mul(LossFunctions.oneHot(logits, labels)).sum(new int[] {1}), logRest};
    }

    /** Returns {@code log softmax} over the non-target classes ({@code [B, C]}, about -1000 at the target). */
    private static NDArray nonTargetLogSoftmax(NDArray logits, NDArray labels, double temperature) {
        return LossFunctions.times(logits, 1 / temperature)
                .sub(LossFunctions.times(LossFunctions.oneHot(logits, labels), MASK)).logSoftmax(1);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Dkd(alpha=%s, beta=%s, T=%s, warmupEpochs=%d)", alpha, beta, temperature,
                warmupEpochs);
    }

    /** Builder in DJL's style; every option is optional. */
    public static final class Builder {

        private double alpha = 1;
        private double beta = 8;
        private double temperature = 4;
        private int warmupEpochs = 20;

        private Builder() {}

        /** Optional: the TCKD weight {@code alpha >= 0}. Default 1 (the paper). */
        public Builder optAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Optional: the NCKD weight {@code beta >= 0}. Default 8 (the paper's CIFAR-100 setting). */
        public Builder optBeta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Optional: the temperature {@code T > 0}. Default 4 (the paper's CIFAR-100 setting). */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Optional: the warm-up length {@code E_warm >= 0} in epochs (0: no warm-up). Default 20 (the paper). */
        public Builder optWarmupEpochs(int warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        /** Validates and builds. */
        public Dkd build() {
            Hyperparameters.requireNonNegative("Dkd: alpha", alpha);
            Hyperparameters.requireNonNegative("Dkd: beta", beta);
            Hyperparameters.requirePositive("Dkd: temperature", temperature);
            Hyperparameters.requireAtLeast("Dkd", "optWarmupEpochs", warmupEpochs, 0);
            return new Dkd(this);
        }
    }
}
