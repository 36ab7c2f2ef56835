package dev.cmkd.loss;

/** How a feature loss reduces its squared errors over the non-batch axes; the batch is always averaged. */
public enum Reduction {
    /** Mean over batch and channels: {@code (1 / (B D)) sum (a - b)^2}. The released code. */
    MEAN,
    /** Sum over channels, mean over the batch: {@code (1 / B) sum (a - b)^2}. */
    SUM
}
