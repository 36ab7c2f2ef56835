package dev.cmkd.loss;

import ai.djl.ndarray.NDArray;

/**
 * Scale consistency as an explicit term: match the first two moments of each sample's feature,
 *
 * <pre>
 *   mu(x)    = mean_c x,      sigma(x) = sqrt( mean_c (x - mu(x))^2 + eps )
 *   L_scale  = (1/B) sum_i ( mu(s_i) - mu(t_i) )^2 + (1/B) sum_i ( sigma(s_i) - sigma(t_i) )^2
 * </pre>
 *
 * with the teacher detached. <b>This is an interpretation</b>: FD-CMKD's text names a "scale
 * consistency loss" against the larger mean and variance of audio features, but the authors' released
 * code realises scale consistency only as the standardization inside {@link BandLoss}. This term lets
 * the kit test the other reading; it is off by default.
 *
 * <p>Paper: J. Liu, Y. Zhang, T. Huang, W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via Feature
 * Disentanglement", AAAI 2026, arXiv 2511.19887.
 */
public final class MomentMatchingLoss {

    /** The variance floor inside the square root (our choice), so that the gradient stays finite. */
    public static final double VARIANCE_EPSILON = 1e-8;

    /** Returns the moment-matching loss of {@code student} against {@code teacher}, a scalar. */
    public NDArray evaluate(NDArray student, NDArray teacher) {
        NDArray[] s = moments(student);
        NDArray[] t = moments(teacher.stopGradient());
        return s[0].sub(t[0]).square().mean().add(s[1].sub(t[1]).square().mean());
    }

    private static NDArray[] moments(NDArray x) {
        NDArray rows = x.reshape(x.getShape().get(0), -1);
        NDArray mean = rows.mean(new int[] {1});
        NDArray std = rows.sub(mean.expandDims(1)).square().mean(new int[] {1})
                .add(LossFunctions.constant(x, VARIANCE_EPSILON)).sqrt();
        return new NDArray[] {mean, std};
    }
}
