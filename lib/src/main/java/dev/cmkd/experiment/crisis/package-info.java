/**
 * The CrisisMMD image-text benchmark (humanitarian task, 8 classes): {@link
 * dev.cmkd.experiment.crisis.CrisisMmdExperiment} trains an image teacher (ResNet-18) and a text teacher
 * ({@link dev.cmkd.model.TextCnn}, or {@link dev.cmkd.model.FeatureMlp} over pretrained features), then
 * students of either direction ({@code image<-text}: image student, frozen text teacher; {@code text<-image})
 * with any registered distillation method; {@link dev.cmkd.experiment.crisis.CrisisMmdBenchmark} is the
 * command-line entry point ({@code -Dfdcmkd.*} settings) and writes the tables and figures.
 */
package dev.cmkd.experiment.crisis;
