/**
 * Training: {@link dev.cmkd.train.TrainingLoop} (epochs, evaluation, resume; it announces each epoch's
 * batches to its sources, {@link dev.cmkd.data.BatchSource#willRead}, so that a prefetching one builds them ahead; a NaN or infinite loss ends the run with
 * {@link dev.cmkd.train.NonFiniteLossException}), {@link dev.cmkd.train.RunDirectory} (a run's identity, its lock,
 * one commit of its files per epoch and verified reads; {@link dev.cmkd.train.RunDirectoryException} when it cannot
 * be used), {@link dev.cmkd.train.Checkpoint} (the state a run resumes from), {@link dev.cmkd.train.Environment}
 * (where a run was trained), {@link dev.cmkd.train.SgdMomentum} (the optimizer, whose state is saved), {@link
 * dev.cmkd.train.RunSpec} (the released code's schedule) and progress reporting.
 */
package dev.cmkd.train;
