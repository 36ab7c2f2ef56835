/**
 * The experiment core, one for every task: a {@link dev.cmkd.experiment.Task} (two modalities, their splits, a
 * network per modality, the metric and the layout of the features the methods see), the {@link
 * dev.cmkd.experiment.Experiment} that trains its teachers and students (resumed, read back, refused when a run
 * directory holds another configuration), the {@link dev.cmkd.experiment.Protocol} of seeds, teachers, methods and
 * directions, and the {@link dev.cmkd.experiment.Runner} that runs a registered benchmark from its settings.
 * Finished runs are reported three ways ({@link dev.cmkd.experiment.RunOutcome}: bestVal, lastEpoch, paperBestTest).
 */
package dev.cmkd.experiment;
