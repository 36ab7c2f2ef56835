/**
 * Audio input for the kit: {@link dev.cmkd.data.audio.Wav} reads and writes 16-bit PCM WAV files for
 * the loaders and the AV-MNIST-TTS builder alike, and two {@link dev.cmkd.data.audio.AudioFrontEnd}s
 * turn waveforms into 2-D features in plain Java:
 * {@link dev.cmkd.data.audio.LogMel}, the 40 x 101 log-mel spectrogram of the embedded AV-MNIST-TTS
 * default (data.md section 4), and {@link dev.cmkd.data.audio.LogSpectrogram}, the linear log-STFT of
 * FD-CMKD's and C2KD's released code (scipy's {@code spectrogram} and librosa's {@code stft}
 * conventions). Both are checked against golden values from numpy, torch and scipy
 * ({@code lib/src/test/python/make_audio_golden.py}).
 */
package dev.cmkd.data.audio;
