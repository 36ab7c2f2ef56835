package dev.cmkd.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Pure tensor functions shared by the losses. "Per sample" means over all axes but the first (the
 * batch axis), so a {@code [B, D]} feature and a {@code [B, C, H, W]} map are both handled.
 *
 * <p><b>Scalars on a gradient path go through {@link #constant}.</b> In DJL 0.29's PyTorch engine,
 * {@code x.mul(3.0)}, {@code x.maximum(eps)} and the other {@code NDArray op(Number)} methods wrap the
 * number in a tensor that borrows a Java buffer and close it right away, while the autograd graph still
 * refers to it: once the garbage collector reclaims the buffer, the backward pass reads freed memory
 * and the gradients are silently wrong ({@code ScalarLifetimeTest} shows it).
 */
public final class LossFunctions {

    /** The norm floor of {@link #standardize}, as in the released code. */
    public static final double STANDARDIZE_EPSILON = 1e-8;

    private LossFunctions() {}

    /**
     * Returns the scalar {@code value} in {@code like}'s data type, on its device, in memory that
     * libtorch owns, so that it outlives the call (see the class comment).
     */
    public static NDArray constant(NDArray like, double value) {
        // toType(copy) may still alias the borrowed buffer; duplicate() makes a tensor of libtorch's own.
        try (NDArray borrowed = like.getManager().create(value);
                NDArray typed = borrowed.toType(like.getDataType(), true)) {
            return typed.duplicate();
        }
    }

    /** Returns {@code factor * x}, the factor a {@link #constant} of {@code x}'s type (a weight, {@code T^2}, ...). */
    public static NDArray times(NDArray x, double factor) {
        return x.mul(constant(x, factor));
    }

    /** Returns the one-hot rows {@code [B, C]} of integer labels {@code [B]}, in the type of logits {@code [B, C]}. */
    public static NDArray oneHot(NDArray logits, NDArray labels) {
        return labels.oneHot(Math.toIntExact(logits.getShape().get(1))).toType(logits.getDataType(), false);
    }

    /** Returns {@code 1 - oneHot(logits, labels)}: 1 at every non-target class, 0 at the target. */
    public static NDArray nonTargetMask(NDArray logits, NDArray labels) {
        NDArray oneHot = oneHot(logits, labels);
        return oneHot.neg().add(constant(oneHot, 1));
    }

    /**
     * Returns each row's {@code KL(p || q) = sum_c p (log p - log q)}, {@code [B]}, from the log-probabilities
     * {@code log p} and {@code log q} ({@code [B, C]}): the KL of {@link #klDivergence}, DKD's and C2KD's.
     */
    public static NDArray klRows(NDArray logP, NDArray logQ) {
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1});
    }

    /** Returns {@code x - mean(x)}, the mean taken per sample. */
    public static NDArray centre(NDArray x) {
        NDArray rows = perSample(x);
        return rows.sub(rows.mean(new int[] {1}, true)).reshape(x.getShape());
    }

    /**
     * Returns the per-sample standardization {@code Std(x) = (x - mean(x)) / max(||x - mean(x)||_2,
     * eps)}: zero mean and unit L2 norm (FD-CMKD Eq. 7; the released code's L2 normalisation of each
     * zero-mean band).
     */
    public static NDArray standardize(NDArray x, double epsilon) {
        NDArray centred = perSample(centre(x));
        NDArray norm = centred.norm(new int[] {1}, true).maximum(constant(x, epsilon));
        return centred.div(norm).reshape(x.getShape());
    }

    /** Returns the element-wise signed log {@code sign(x) log(1 + |x|)} (FD-CMKD Eq. 6). */
    public static NDArray signedLog(NDArray x) {
        return x.sign().mul(x.abs().add(constant(x, 1)).log());
    }

    /** Returns the squared error of {@code a} and {@code b}, reduced as {@code reduction} says. */
    public static NDArray meanSquaredError(NDArray a, NDArray b, Reduction reduction) {
        NDArray squared = a.sub(b).square();
        return reduction == Reduction.MEAN ? squared.mean() : perSample(squared).sum(new int[] {1}).mean();
    }

    /**
     * Returns the mean cross-entropy {@code -(1/B) sum_i log softmax(z_i)[y_i]} of logits {@code [B,
     * C]} against integer labels {@code [B]}.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).mul(oneHot(logits, labels)).sum(new int[] {1}).mean().neg();
    }

    /**
     * Returns the mean over the batch of {@code KL(p_t || p_s) = sum_c p_t log(p_t / p_s)}, where {@code
     * p = softmax(z / T)}; the teacher's logits are treated as constant.
     */
    public static NDArray klDivergence(NDArray teacherLogits, NDArray studentLogits, double temperature) {
        NDArray inverse = constant(studentLogits, 1 / temperature);
        NDArray teacherLog = teacherLogits.stopGradient().mul(inverse).logSoftmax(1);
        NDArray studentLog = studentLogits.mul(inverse).logSoftmax(1);
        return klRows(teacherLog, studentLog).mean();
    }

    private static NDArray perSample(NDArray x) {
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), -1);
    }
}
