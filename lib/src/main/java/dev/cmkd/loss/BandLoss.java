package dev.cmkd.loss;

import ai.djl.ndarray.NDArray;

/**
 * The band-matching loss of FD-CMKD: a mean squared error between the student's and the (constant)
 * teacher's band, after an optional standardization and an optional signed log:
 *
 * <pre>
 *   L = MSE( g(Std(s)), g(Std(t)) ),   g(x) = sign(x) log(1 + |x|)  (log on)  or  x  (log off)
 *   L_low  = MSE( Std(f_s^low),  Std(f_t^low) )                  strong alignment   (Eq. 8)
 *   L_high = MSE( g(Std(f_s^high)), g(Std(f_t^high)) )            relaxed alignment  (Eq. 9)
 * </pre>
 *
 * with {@code Std} of {@link LossFunctions#standardize} (norm floor {@link LossFunctions#STANDARDIZE_EPSILON}, the
 * released code's). The teacher's input is detached.
 *
 * <p>Paper: J. Liu, Y. Zhang, T. Huang, W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via Feature
 * Disentanglement", AAAI 2026, arXiv 2511.19887. Equation numbers follow third-party readings of the
 * paper; the formulas are those of the authors' released code.
 */
public final class BandLoss {

    private final boolean standardize;
    private final boolean signedLog;
    private final Reduction reduction;

    private BandLoss(Builder builder) {
        this.standardize = builder.standardize;
        this.signedLog = builder.signedLog;
        this.reduction = builder.reduction;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the low-band loss: MSE of standardized bands (the released code). */
    public static BandLoss lowFrequency() {
        return builder().build();
    }

    /** Returns the high-band loss: log-MSE of standardized bands (the released code). */
    public static BandLoss highFrequency() {
        return builder().optSignedLog(true).build();
    }

    /**
     * Returns the loss of {@code student} against {@code teacher}, a scalar.
     *
     * @param student the student's band, {@code [B, ...]}
     * @param teacher the teacher's band, same shape; treated as a constant
     */
    public NDArray evaluate(NDArray student, NDArray teacher) {
        if (!student.getShape().equals(teacher.getShape())) {
            throw new IllegalArgumentException("BandLoss: student shape " + student.getShape()
                    + " differs from teacher shape " + teacher.getShape() + "; add a projector to match them");
        }
        return LossFunctions.meanSquaredError(transform(student), transform(teacher.stopGradient()), reduction);
    }

    private NDArray transform(NDArray band) {
        NDArray x = standardize ? LossFunctions.standardize(band, LossFunctions.STANDARDIZE_EPSILON) : band;
        return signedLog ? LossFunctions.signedLog(x) : x;
    }

    /** Returns whether the signed log is applied before matching. */
    public boolean isSignedLog() {
        return signedLog;
    }

    /** Builder in DJL's style. */
    public static final class Builder {

        private boolean standardize = true;
        private boolean signedLog;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {}

        /** Optional: standardize each band per sample first (the "Scale" component). Default true. */
        public Builder optStandardize(boolean standardize) {
            this.standardize = standardize;
            return this;
        }

        /** Optional: apply the signed log before the MSE (the "Log" component). Default false. */
        public Builder optSignedLog(boolean signedLog) {
            this.signedLog = signedLog;
            return this;
        }

        /** Optional: reduction over channels. Default {@link Reduction#MEAN}, as in the released code. */
        public Builder optReduction(Reduction reduction) {
            this.reduction = reduction;
            return this;
        }

        /** Validates and builds. */
        public BandLoss build() {
            if (reduction == null) {
                throw new IllegalArgumentException("BandLoss: reduction must not be null");
            }
            return new BandLoss(this);
        }
    }
}
