package dev.cmkd.data.av;

import static dev.cmkd.data.Checks.checkArgument;

import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.audio.AudioFrontEnd;
import dev.cmkd.data.audio.LogSpectrogram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a clip's waveform into the spectrogram an audio network sees, by the convention of one dataset.
 * Immutable and thread-safe.
 *
 * <p><b>{@link #tiled}</b> (FD-CMKD's CREMA-D code, {@code data/CREMAD/audio_preprocessing.py} of the
 * released code): the clip, loaded at 22,050 Hz, is repeated until it has {@code length} samples and cut there
 * ({@code np.tile(x, 10)[:160000]}; the released code asserts the result has 160,000 samples, which repeating
 * as often as needed guarantees), clipped to [-1, 1], and fed to the front-end ({@link LogSpectrogram}'s
 * defaults: scipy spectrogram, nperseg 512, noverlap 353, {@code log(S + 1e-7)}, per-clip z-score: 257 x
 * 1004). With {@code width > 0} the result is then reshaped as {@code numpy.resize(S, (bins, width))} does,
 * which is <em>not</em> an interpolation: the row-major values are repeated cyclically, {@code out.flat[i] =
 * S.flat[i mod S.size]} (C2KD's {@code ave/utils/AVEDataset.py}: 257 x 1004 to 257 x 1024). No randomness.
 *
 * <p><b>{@link #cropped}</b> (C2KD's {@code vggsound/utils/VGGSoundDataset.py}): the clip, at 16 kHz, is
 * doubled ({@code np.tile(x, 2)}) until it lasts at least {@code minimum} samples (10 s); a window of {@code
 * window} samples (5 s) starts at {@code s}, drawn uniformly from {@code [0, maxStart]} inclusive ({@code
 * random.randint(0, 5 * rate)}) in training; then clipped to [-1, 1] and fed to the front-end ({@link
 * LogSpectrogram#vggSoundBuilder()}: {@code log(|librosa.stft(x, n_fft=256, hop_length=128)| + 1e-7)}: 129 x
 * 626). C2KD draws {@code s} at random at test time too; here a test view starts at {@code maxStart / 2}, so
 * that evaluation is deterministic (our choice).
 */
public final class AudioPipeline {

    private final String kind;
    private final AudioFrontEnd frontEnd;
    private final int length;
    private final int width;
    private final int window;
    private final int maxStart;

    private AudioPipeline(String kind, AudioFrontEnd frontEnd, int length, int width, int window, int maxStart) {
        this.kind = kind;
        this.frontEnd = frontEnd;
        this.length = length;
        this.width = width;
        this.window = window;
        this.maxStart = maxStart;
    }

    /**
     * The CREMA-D / AVE convention: tile to {@code length} samples, clip, front-end, then (if {@code width >
     * 0}) numpy's cyclic resize to {@code width} frames.
     */
    public static AudioPipeline tiled(AudioFrontEnd frontEnd, int length, int width) {
        checkArgument(length >= 1 && width >= 0,
                "AudioPipeline.tiled: length " + length + " must be >= 1 and width " + width + " >= 0");
        frontEnd.outputShape(length);
        return new AudioPipeline("tiled", frontEnd, length, width, 0, 0);
    }

    /**
     * The VGGSound convention: double until at least {@code minimum} samples, a window of {@code window} samples
     * starting in {@code [0, maxStart]} (random in training, {@code maxStart / 2} otherwise), clip, front-end.
     */
    public static AudioPipeline cropped(AudioFrontEnd frontEnd, int minimum, int window, int maxStart) {
        checkArgument(window >= 1 && maxStart >= 0 && minimum >= maxStart + window, "AudioPipeline.cropped: need"
                + " window (%d) >= 1, maxStart (%d) >= 0 and minimum (%d) >= maxStart + window", window, maxStart,
                minimum);
        frontEnd.outputShape(window);
        return new AudioPipeline("cropped", frontEnd, minimum, 0, window, maxStart);
    }

    /** Returns the sample rate the clips must have, in Hz. */
    public int sampleRate() {
        return frontEnd.sampleRate();
    }

    /** Returns the shape of one output, {@code (1, bins, frames)}. */
    public Shape shape() {
        Shape feature = frontEnd.outputShape(kind.equals("tiled") ? length : window);
        return new Shape(1, feature.get(0), width > 0 ? width : feature.get(1));
    }

    /** Returns true if training views are random (a random crop). */
    public boolean random() {
        return kind.equals("cropped");
    }

    /**
     * Returns the spectrogram of {@code clip}, {@code bins x frames} row-major.
     *
     * @param clip the waveform at {@link #sampleRate()}, at least one sample
     * @param random the source of the training view's randomness; null for the test view
     * @throws IllegalArgumentException if the clip is empty
     */
    public float[] apply(float[] clip, SplittableRandom random) {
        checkArgument(clip.length > 0, "the clip has no samples");
        boolean tiled = kind.equals("tiled");
        // tiling, or doubling until `length` samples, keeps x[p] = clip[p mod n]; a crop's start + window <= length
        int start = tiled ? 0 : random == null ? maxStart / 2 : random.nextInt(maxStart + 1);
        float[] signal = new float[tiled ? length : window];
        for (int i = 0; i < signal.length; i++) {
            signal[i] = Math.max(-1f, Math.min(1f, clip[(start + i) % clip.length]));
        }
        float[] feature = frontEnd.compute(signal);
        if (width == 0) {
            return feature;
        }
        int bins = Math.toIntExact(shape().get(1));
        float[] resized = new float[bins * width];
        for (int i = 0; i < resized.length; i++) {
            resized[i] = feature[i % feature.length];
        }
        return resized;
    }

    /** Returns every parameter that changes the output. */
    public Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("pipeline", kind);
        if (kind.equals("tiled")) {
            parameters.put("length", length);
            parameters.put("width", width);
        } else {
            parameters.put("minimum", length);
            parameters.put("window", window);
            parameters.put("maxStart", maxStart);
        }
        parameters.putAll(frontEnd.parameters());
        return parameters;
    }

    @Override
    public String toString() {
        return "AudioPipeline" + parameters();
    }
}
