/**
 * Whole protocols as one process per run ({@code lib/bin/kit sweep}, {@link dev.cmkd.cli.SweepCommand}): on this
 * machine ({@link dev.cmkd.sweep.LocalSweep}) or as two Slurm job arrays, the students' depending on the teachers'
 * ({@link dev.cmkd.sweep.SlurmArrays}), and the state of every run read from the shared output folder ({@link
 * dev.cmkd.sweep.SweepStatus}). The runs themselves are the experiment's ({@link dev.cmkd.experiment.SweepPlan}):
 * their directories' locks, resume and identity checks are what make a requeued or resubmitted task safe.
 */
package dev.cmkd.sweep;
