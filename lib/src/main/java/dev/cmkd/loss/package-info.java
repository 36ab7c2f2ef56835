/**
 * The feature losses of FD-CMKD and the tensor math they share.
 *
 * <p>{@link dev.cmkd.loss.LossFunctions} holds the pure functions (centring, standardization, the
 * signed log, mean squared error, cross-entropy). {@link dev.cmkd.loss.BandLoss} is the band-matching
 * loss (MSE for the low band, log-MSE for the high band), {@link dev.cmkd.loss.MomentMatchingLoss}
 * an explicit scale-consistency term, {@link dev.cmkd.loss.PixelCrossEntropy} the segmentation task loss
 * (void pixels ignored). Every loss treats the teacher's input as a constant.
 */
package dev.cmkd.loss;
