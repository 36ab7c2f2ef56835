/**
 * Training: {@link dev.cmkd.train.TrainingLoop} (epochs, evaluation, atomic checkpoints, resume), {@link
 * dev.cmkd.train.Checkpoint} (the checkpoint file every training loop of the kit writes and resumes from), {@link
 * dev.cmkd.train.SgdMomentum} (the optimizer, whose state is saved), {@link dev.cmkd.train.RunSpec} (the
 * released code's schedule) and progress reporting.
 */
package dev.cmkd.train;
