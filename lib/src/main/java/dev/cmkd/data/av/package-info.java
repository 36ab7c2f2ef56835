/**
 * The audio-visual benchmarks CREMA-D, AVE and VGGSound-50 read from the layout their data scripts prepare
 * ({@code data-scripts/<dataset>/}): {@link dev.cmkd.data.av.PreparedAvLoader} streams one split as a {@link
 * dev.cmkd.data.PairedSplit} with the modalities {@code "audio"} and {@code "visual"}; {@link
 * dev.cmkd.data.av.AvConvention} holds each dataset's conventions (classes, sample rate, audio pipeline);
 * {@link dev.cmkd.data.av.AudioPipeline} turns a waveform into the spectrogram the authors feed their audio
 * network and {@link dev.cmkd.data.av.FrameTransform} one video frame into the visual input, with the paper's
 * augmentations; {@link dev.cmkd.data.av.PreparedFixture} writes a small synthetic dataset in the same layout
 * for tests, notebooks in smoke mode and cost measurements.
 */
package dev.cmkd.data.av;
