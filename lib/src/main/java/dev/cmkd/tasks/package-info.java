/**
 * The benchmarks: each a {@link dev.cmkd.experiment.Task} with its {@link dev.cmkd.experiment.TaskType} (settings,
 * data check, stand-in, epoch-cost set-up), registered by name in {@link dev.cmkd.tasks.TaskRegistry}: the
 * embedded AV-MNIST-TTS, the audio-visual CREMA-D, AVE and VGGSound-50, the image-text CrisisMMD and the RGB-depth
 * segmentation of NYU-Depth V2.
 */
package dev.cmkd.tasks;
