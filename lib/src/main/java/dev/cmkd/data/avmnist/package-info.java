/**
 * AV-MNIST-TTS, the kit's embedded default dataset: real MNIST handwritten digits paired with the same
 * digit spoken by 143 synthetic voices (espeak-ng and flite, varied by sox), 10 classes, with
 * speaker-disjoint train / validation / test splits. It checks the pipeline end to end on any machine;
 * it does not reproduce the paper's numbers.
 *
 * <p>{@link dev.cmkd.data.avmnist.AvMnistTts} builds it (data.md, section 3.2) and verifies a build
 * against its SHA-256 manifest; {@link dev.cmkd.data.avmnist.Speaker} and {@link
 * dev.cmkd.data.avmnist.Split} fix the speakers, their prosody and their split; {@link
 * dev.cmkd.data.avmnist.EnergyGate} cuts batched speech into words; {@link
 * dev.cmkd.data.avmnist.ClipFormat} makes the 1-second 16 kHz clips, encoded by {@link
 * dev.cmkd.data.audio.Wav}; {@link dev.cmkd.data.avmnist.Idx} reads MNIST's IDX files. The shell entry point
 * is {@code data-scripts/av-mnist-tts/build.sh}.
 */
package dev.cmkd.data.avmnist;
