package dev.cmkd.data.audio;

/**
 * How a short-time transform extends the signal before framing.
 *
 * <p>{@link #REFLECT} and {@link #ZERO} add {@code floor(fftSize / 2)} samples on both sides, so that
 * frame {@code t} is centred on sample {@code t * hop} ({@code center=True} of {@code torch.stft} and
 * {@code librosa.stft}).
 */
public enum Padding {
    /** No padding: the first frame starts at sample 0 ({@code scipy.signal.spectrogram}). */
    NONE,
    /**
     * Mirror without repeating the edge: {@code x[-j] = x[j]}, {@code x[n-1+j] = x[n-1-j]} ({@code
     * torch.stft}'s default {@code pad_mode='reflect'}; librosa before 0.10). Needs more than {@code
     * floor(fftSize / 2)} samples.
     */
    REFLECT,
    /** Zeros ({@code pad_mode='constant'}, librosa 0.10's default). */
    ZERO
}
