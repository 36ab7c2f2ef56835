package dev.cmkd.data.audio;

import static dev.cmkd.data.audio.FrontEnds.require;

import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;

/**
 * The log of a linear-frequency short-time spectrum: the audio input convention of FD-CMKD's released
 * code and of C2KD ("log-magnitude linear STFT, not mel", data.md section 2).
 *
 * <p>For a signal {@code x} of {@code n} samples at {@code fs} Hz, segment length {@code L}, FFT size
 * {@code N >= L}, hop {@code H} and window {@code w} ({@link Window}, periodic):
 *
 * <ol>
 *   <li>pad by {@link Padding}: none, or {@code floor(N/2)} reflected or zero samples per side, giving
 *       {@code y} of length {@code n'}; {@code T = 1 + floor((n' - L) / H)} frames;
 *   <li>frame {@code t} is {@code s_t[j] = y[t H + j]}, {@code j < L}; with {@link Detrend#CONSTANT} its
 *       mean is subtracted; then {@code X_t[k] = sum_j w[j] s_t[j] exp(-2 pi i j k / N)} (zero-padded to
 *       N at the end), {@code k = 0 .. floor(N/2)};
 *   <li>the spectrum {@code S_t[k]} is, by {@link Spectrum}:
 *       <ul>
 *         <li>{@code DENSITY}: {@code c_k |X_t[k]|^2 / (fs sum_j w[j]^2)} with {@code c_k = 2} except
 *             {@code c_0 = 1} and, for even N, {@code c_{N/2} = 1} (a one-sided power spectral density);
 *         <li>{@code POWER}: {@code |X_t[k]|^2}; {@code MAGNITUDE}: {@code |X_t[k]|};
 *       </ul>
 *   <li>{@code out[k][t] = log(S_t[k] + offset)}; optionally standardised per clip, {@code (out - mean) /
 *       (std + 1e-9)} over all {@code k, t} (population std).
 * </ol>
 *
 * The output is {@code [floor(N/2) + 1 bins x T frames]}, frequency-major, float32 (arithmetic in
 * double).
 *
 * <p><b>Defaults: FD-CMKD's CREMA-D pipeline</b> (released code, per data.md section 2): {@code
 * scipy.signal.spectrogram(x, fs=22050, nperseg=512, noverlap=353)}, then {@code log(S + 1e-7)} and a
 * per-clip z-score. {@code spectrogram}'s defaults reproduced here (scipy 1.10): {@code window=('tukey',
 * 0.25)} (periodic), {@code nfft=nperseg}, {@code detrend='constant'}, {@code return_onesided=True},
 * {@code scaling='density'}, {@code mode='psd'}, no boundary padding; {@code noverlap = L - H}, so {@code
 * H = 512 - 353 = 159}. The released code tiles the clip to 160,000 samples at 22,050 Hz and clips it to
 * [-1, 1] before: 257 x 1004 (that resampling, tiling and clipping is the caller's job).
 *
 * <p><b>{@link #vggSoundBuilder()}: C2KD's VGGSound pipeline</b> ({@code vggsound/utils/VGGSoundDataset.py}
 * of github.com/huofushuo/C2KD, librosa 0.10.1): {@code log(|librosa.stft(x, n_fft=256, hop_length=128)|
 * + 1e-7)} on 5 s at 16 kHz: periodic Hann, {@code center=True} with librosa 0.10's {@code
 * pad_mode='constant'} (zeros), magnitude, no scaling, no detrend: 129 x 626. C2KD's CREMA-D variant is
 * the same with 22,050 Hz, {@code n_fft} 512 and hop 353 (257 x 188 on 3 s).
 *
 * <p>When {@code L < N}, scipy zero-pads each segment at its end (as here), whereas torch and librosa
 * centre a short window inside N samples, which shifts every frame by {@code (N - L) / 2} samples.
 * Immutable and thread-safe.
 */
public final class LogSpectrogram implements AudioFrontEnd {

    /** What is logged. */
    public enum Spectrum {
        /** One-sided power spectral density, {@code scipy.signal.spectrogram(..., scaling='density')}. */
        DENSITY,
        /** {@code |X|^2}, unscaled. */
        POWER,
        /** {@code |X|}, unscaled, as {@code np.abs(librosa.stft(...))}. */
        MAGNITUDE
    }

    /** What is removed from each segment before windowing. */
    public enum Detrend {
        /** Nothing. */
        NONE,
        /** The segment's mean ({@code detrend='constant'}). */
        CONSTANT
    }

    /** The z-score's denominator floor, {@code std + 1e-9}, from the released code. */
    public static final double STANDARDIZE_EPS = 1e-9;

    private final int sampleRate;
    private final int segmentLength;
    private final int fftSize;
    private final Detrend detrend;
    private final Spectrum spectrum;
    private final double logOffset;
    private final boolean standardizePerClip;
    private final Stft stft;
    private final double densityScale;

    private LogSpectrogram(Builder builder) {
        this.sampleRate = builder.sampleRate;
        this.segmentLength = builder.segmentLength;
        this.fftSize = builder.fftSize > 0 ? builder.fftSize : builder.segmentLength;
        this.detrend = builder.detrend;
        this.spectrum = builder.spectrum;
        this.logOffset = builder.logOffset;
        this.standardizePerClip = builder.standardizePerClip;
        this.stft = new Stft(builder.window, segmentLength, fftSize, builder.hop, builder.padding,
                detrend == Detrend.CONSTANT);
        this.densityScale = 1 / (sampleRate * stft.windowEnergy());
    }

    /** Returns a builder with FD-CMKD's CREMA-D defaults (see the class comment). */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder set to C2KD's VGGSound convention (see the class comment). */
    public static Builder vggSoundBuilder() {
        return new Builder().optSampleRate(16_000).optSegmentLength(256).optHop(128).optWindow(Window.hann())
                .optPadding(Padding.ZERO).optDetrend(Detrend.NONE).optSpectrum(Spectrum.MAGNITUDE)
                .optStandardizePerClip(false);
    }

    @Override
    public String name() {
        return "log-stft";
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    /** Returns the number of frequency bins, {@code floor(fftSize / 2) + 1}. */
    public int bins() {
        return stft.bins();
    }

    /** Returns {@code (bins, frames)}. */
    @Override
    public Shape outputShape(int samples) {
        return new Shape(bins(), stft.frames(samples));
    }

    /** Returns the centre frequency of bin {@code k}, {@code k fs / N} Hz. */
    public double binFrequency(int k) {
        return (double) k * sampleRate / fftSize;
    }

    /**
     * Returns the log spectrogram of {@code signal}, {@code bins x frames}, frequency-major.
     *
     * @throws IllegalArgumentException if the signal is shorter than one segment (after padding)
     */
    @Override
    public float[] compute(float[] signal) {
        int frames = stft.frames(signal.length);
        int bins = stft.bins();
        double[] power = stft.power(signal);
        double[] logs = new double[bins * frames];
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < bins; k++) {
                double p = power[t * bins + k];
                double value = switch (spectrum) {
                    case DENSITY -> p * densityScale * (k == 0 || 2 * k == fftSize ? 1 : 2);
                    case POWER -> p;
                    case MAGNITUDE -> Math.sqrt(p);
                };
                logs[k * frames + t] = Math.log(value + logOffset);
            }
        }
        if (standardizePerClip) {
            standardize(logs);
        }
        float[] out = new float[logs.length];
        for (int i = 0; i < logs.length; i++) {
            out[i] = (float) logs[i];
        }
        return out;
    }

    private static void standardize(double[] values) {
        // corrected two-pass mean: a constant clip (silence) gives exactly 0, not rounding / 1e-9
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= values.length;
        double correction = 0;
        for (double v : values) {
            correction += v - mean;
        }
        mean += correction / values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double scale = 1 / (Math.sqrt(squares / values.length) + STANDARDIZE_EPS);
        for (int i = 0; i < values.length; i++) {
            values[i] = (values[i] - mean) * scale;
        }
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> parameters = FrontEnds.parameters(this);
        parameters.put("segmentLength", segmentLength);
        stft.putFraming(parameters);
        parameters.put("detrend", detrend.name().toLowerCase(Locale.ROOT));
        parameters.put("spectrum", spectrum.name().toLowerCase(Locale.ROOT));
        parameters.put("logOffset", logOffset);
        parameters.put("standardizePerClip", standardizePerClip);
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public String toString() {
        return "LogSpectrogram" + parameters();
    }

    /** Builder in DJL's style; every option has a default (FD-CMKD's CREMA-D code). */
    public static final class Builder {

        private int sampleRate = 22_050;
        private int segmentLength = 512;
        private int fftSize;
        private int hop = 159;
        private Window window = Window.tukey(0.25);
        private Padding padding = Padding.NONE;
        private Detrend detrend = Detrend.CONSTANT;
        private Spectrum spectrum = Spectrum.DENSITY;
        private double logOffset = 1e-7;
        private boolean standardizePerClip = true;

        private Builder() {}

        /** Optional: sample rate {@code fs} in Hz (enters the density scaling). Default 22,050 (released code). */
        public Builder optSampleRate(int sampleRate) {
            this.sampleRate = sampleRate;
            return this;
        }

        /** Optional: segment (window) length {@code L}, scipy's {@code nperseg}. Default 512 (released code). */
        public Builder optSegmentLength(int segmentLength) {
            this.segmentLength = segmentLength;
            return this;
        }

        /** Optional: FFT size {@code N >= L}, scipy's {@code nfft}. Default: the segment length (scipy). */
        public Builder optFftSize(int fftSize) {
            this.fftSize = fftSize;
            return this;
        }

        /** Optional: hop {@code H = nperseg - noverlap}. Default 159 (noverlap 353, released code). */
        public Builder optHop(int hop) {
            this.hop = hop;
            return this;
        }

        /** Optional: the periodic window. Default {@code Window.tukey(0.25)} (scipy's default). */
        public Builder optWindow(Window window) {
            this.window = window;
            return this;
        }

        /** Optional: padding of the signal. Default {@link Padding#NONE} (scipy). */
        public Builder optPadding(Padding padding) {
            this.padding = padding;
            return this;
        }

        /** Optional: per-segment detrending. Default {@link Detrend#CONSTANT} (scipy's default). */
        public Builder optDetrend(Detrend detrend) {
            this.detrend = detrend;
            return this;
        }

        /** Optional: what is logged. Default {@link Spectrum#DENSITY} (scipy's default {@code mode='psd'}). */
        public Builder optSpectrum(Spectrum spectrum) {
            this.spectrum = spectrum;
            return this;
        }

        /** Optional: the constant added before the log. Default 1e-7 (released code). */
        public Builder optLogOffset(double logOffset) {
            this.logOffset = logOffset;
            return this;
        }

        /** Optional: z-score each clip's log spectrogram. Default true (released code). */
        public Builder optStandardizePerClip(boolean standardizePerClip) {
            this.standardizePerClip = standardizePerClip;
            return this;
        }

        public LogSpectrogram build() {
            String owner = "LogSpectrogram";
            require(owner, sampleRate >= 1, "sampleRate", sampleRate, "at least 1 Hz");
            require(owner, segmentLength >= 2, "segmentLength", segmentLength, "at least 2");
            require(owner, fftSize == 0 || fftSize >= segmentLength, "fftSize", fftSize,
                    "at least segmentLength = " + segmentLength);
            require(owner, hop >= 1, "hop", hop, "at least 1");
            require(owner, window != null, "window", null, "non-null");
            require(owner, padding != null, "padding", null, "non-null");
            require(owner, detrend != null, "detrend", null, "non-null");
            require(owner, spectrum != null, "spectrum", null, "non-null");
            require(owner, logOffset > 0 && Double.isFinite(logOffset), "logOffset", logOffset,
                    "finite and above 0");
            return new LogSpectrogram(this);
        }
    }
}
