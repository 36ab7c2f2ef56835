package dev.cmkd.data.audio;

import static dev.cmkd.data.audio.FrontEnds.require;

import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;

/**
 * The log-mel spectrogram of the embedded AV-MNIST-TTS default (data.md section 4).
 *
 * <p>For a signal {@code x} of {@code n} samples at {@code sr} Hz:
 *
 * <ol>
 *   <li>reflect-pad {@code N/2} samples on both sides ({@code N = fftSize}): {@code 1 + floor(n / hop)}
 *       frames when N is even; frame {@code t} is {@code y[t hop .. t hop + N)};
 *   <li>multiply by the periodic Hann window {@code w[j] = 0.5 - 0.5 cos(2 pi j / N)};
 *   <li>power {@code P[t][k] = |sum_j w[j] y[t hop + j] exp(-2 pi i j k / N)|^2}, {@code k = 0 .. N/2};
 *   <li>{@code M = 40} triangular filters on the HTK mel scale {@code mel(f) = 2595 log10(1 + f / 700)}:
 *       {@code M + 2} edges {@code e_i = mel^-1(mel(fMin) + i (mel(fMax) - mel(fMin)) / (M + 1))}, filter
 *       {@code b} with {@code (l, c, r) = (e_b, e_b+1, e_b+2)} weighs bin frequency {@code f_k = k sr / N} by
 *       {@code max(0, min((f_k - l) / (c - l), (r - f_k) / (r - c)))}, no area normalisation;
 *   <li>{@code out[b][t] = log(sum_k FB[b][k] P[t][k] + floor)}.
 * </ol>
 *
 * Defaults (all from data.md section 4, the kit's choice for AV-MNIST-TTS): 16 kHz, {@code N = 400} (25
 * ms), hop 160 (10 ms), 40 bands from 20 to 8,000 Hz, floor 1e-6; one second gives {@code [40 x 101]}.
 * The filter bank is built as {@code torchaudio.functional.melscale_fbanks(..., norm=None,
 * mel_scale="htk")} builds it. A narrow low band may cover no bin and then stays at {@code log(floor)}
 * (not at the defaults: every band covers at least one bin). Arithmetic is in double; the output is
 * float32. Immutable and thread-safe.
 */
public final class LogMel implements AudioFrontEnd {

    private final int sampleRate;
    private final int fftSize;
    private final int hop;
    private final int melBands;
    private final double fMin;
    private final double fMax;
    private final double logFloor;
    private final Stft stft;
    private final int[] firstBin;
    private final double[][] weights;

    private LogMel(Builder builder) {
        this.sampleRate = builder.sampleRate;
        this.fftSize = builder.fftSize;
        this.hop = builder.hop;
        this.melBands = builder.melBands;
        this.fMin = builder.fMin;
        this.fMax = builder.fMax;
        this.logFloor = builder.logFloor;
        this.stft = new Stft(Window.hann(), fftSize, fftSize, hop, Padding.REFLECT, false);
        double[][] bank = filterBank();
        this.firstBin = new int[melBands];
        this.weights = new double[melBands][];
        for (int b = 0; b < melBands; b++) {
            int first = 0;
            while (first < bank[b].length && bank[b][first] == 0) {
                first++;
            }
            int last = bank[b].length - 1;
            while (last >= first && bank[b][last] == 0) {
                last--;
            }
            firstBin[b] = first;
            weights[b] = Arrays.copyOfRange(bank[b], first, Math.max(first, last + 1));
        }
    }

    /** Returns a builder with the defaults of data.md section 4. */
    public static Builder builder() {
        return new Builder();
    }

    /** The HTK mel scale: {@code 2595 log10(1 + f / 700)}. */
    public static double hzToMel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    /** The inverse of {@link #hzToMel}: {@code 700 (10^(mel / 2595) - 1)}. */
    public static double melToHz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    @Override
    public String name() {
        return "log-mel";
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    /** Returns the {@code melBands + 2} filter edges in Hz; band {@code b} peaks at edge {@code b + 1}. */
    public double[] edgeFrequencies() {
        double low = hzToMel(fMin);
        double high = hzToMel(fMax);
        double[] edges = new double[melBands + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHz(low + i * (high - low) / (melBands + 1));
        }
        return edges;
    }

    /** Returns the filter bank {@code FB[band][bin]}, {@code melBands x (fftSize / 2 + 1)}. */
    public double[][] filterBank() {
        double[] edges = edgeFrequencies();
        int bins = fftSize / 2 + 1;
        double[][] bank = new double[melBands][bins];
        for (int b = 0; b < melBands; b++) {
            double left = edges[b];
            double centre = edges[b + 1];
            double right = edges[b + 2];
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRate / fftSize;
                double rising = (f - left) / (centre - left);
                double falling = (right - f) / (right - centre);
                bank[b][k] = Math.max(0, Math.min(rising, falling));
            }
        }
        return bank;
    }

    /** Returns {@code (melBands, frames)}: {@code (40, 101)} for one second at the defaults. */
    @Override
    public Shape outputShape(int samples) {
        return new Shape(melBands, stft.frames(samples));
    }

    /**
     * Returns the log-mel spectrogram of {@code signal}, {@code melBands x frames}, band-major.
     *
     * @throws IllegalArgumentException if the signal has no more than {@code fftSize / 2} samples (reflect
     *     padding needs more)
     */
    @Override
    public float[] compute(float[] signal) {
        int frames = stft.frames(signal.length);
        int bins = stft.bins();
        double[] power = stft.power(signal);
        float[] out = new float[melBands * frames];
        for (int t = 0; t < frames; t++) {
            int row = t * bins;
            for (int b = 0; b < melBands; b++) {
                double[] w = weights[b];
                int start = row + firstBin[b];
                double sum = 0;
                for (int j = 0; j < w.length; j++) {
                    sum += w[j] * power[start + j];
                }
                out[b * frames + t] = (float) Math.log(sum + logFloor);
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> parameters = FrontEnds.parameters(this);
        stft.putFraming(parameters);
        parameters.put("melBands", melBands);
        parameters.put("melScale", "htk");
        parameters.put("fMin", fMin);
        parameters.put("fMax", fMax);
        parameters.put("logFloor", logFloor);
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LogMel(sr %d, fft %d, hop %d, %d bands %s-%s Hz, floor %s)",
                sampleRate, fftSize, hop, melBands, fMin, fMax, logFloor);
    }

    /** Builder in DJL's style; every option has a default (data.md section 4). */
    public static final class Builder {

        private int sampleRate = 16_000;
        private int fftSize = 400;
        private int hop = 160;
        private int melBands = 40;
        private double fMin = 20;
        private double fMax = 8_000;
        private double logFloor = 1e-6;

        private Builder() {}

        /** Optional: sample rate in Hz. Default 16,000 (AV-MNIST-TTS clips). */
        public Builder optSampleRate(int sampleRate) {
            this.sampleRate = sampleRate;
            return this;
        }

        /** Optional: FFT and window length {@code N}. Default 400 (25 ms at 16 kHz). */
        public Builder optFftSize(int fftSize) {
            this.fftSize = fftSize;
            return this;
        }

        /** Optional: hop in samples. Default 160 (10 ms at 16 kHz). */
        public Builder optHop(int hop) {
            this.hop = hop;
            return this;
        }

        /** Optional: number of mel bands. Default 40. */
        public Builder optMelBands(int melBands) {
            this.melBands = melBands;
            return this;
        }

        /** Optional: lowest filter edge in Hz. Default 20. */
        public Builder optFMin(double fMin) {
            this.fMin = fMin;
            return this;
        }

        /** Optional: highest filter edge in Hz, at most {@code sampleRate / 2}. Default 8,000. */
        public Builder optFMax(double fMax) {
            this.fMax = fMax;
            return this;
        }

        /** Optional: the constant added before the log. Default 1e-6. */
        public Builder optLogFloor(double logFloor) {
            this.logFloor = logFloor;
            return this;
        }

        public LogMel build() {
            String owner = "LogMel";
            require(owner, sampleRate >= 1, "sampleRate", sampleRate, "at least 1 Hz");
            require(owner, fftSize >= 2, "fftSize", fftSize, "at least 2");
            require(owner, hop >= 1, "hop", hop, "at least 1");
            require(owner, melBands >= 1, "melBands", melBands, "at least 1");
            require(owner, fMin >= 0 && Double.isFinite(fMin), "fMin", fMin, "finite and at least 0 Hz");
            require(owner, fMax > fMin && fMax <= sampleRate / 2.0, "fMax", fMax,
                    "in (fMin, sampleRate / 2] = (" + fMin + ", " + sampleRate / 2.0 + "] Hz");
            require(owner, logFloor > 0 && Double.isFinite(logFloor), "logFloor", logFloor, "finite and above 0");
            return new LogMel(this);
        }
    }
}
