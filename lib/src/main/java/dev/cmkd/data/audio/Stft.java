package dev.cmkd.data.audio;

import static dev.cmkd.data.Checks.checkArgument;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The short-time power spectrum shared by the front-ends: frame {@code t} is the {@code segment}
 * samples {@code y[t * hop ..]} of the padded signal {@code y}, optionally minus their mean, times the
 * window, zero-padded at the end to {@code fftSize}; its power is {@code |rfft|^2} at bins {@code 0 ..
 * fftSize / 2}. Two real frames share one complex FFT (real part, imaginary part), separated by the
 * conjugate symmetry of real transforms. It also records its framing for the front-ends' {@link
 * AudioFrontEnd#parameters()} ({@link #putFraming}). Immutable and thread-safe.
 */
final class Stft {

    private final Window window;
    private final double[] coefficients;
    private final int fftSize;
    private final int hop;
    private final Padding padding;
    private final boolean removeMean;
    private final Fft fft;

    /**
     * Creates the transform.
     *
     * @param window the periodic window, of {@code segment} coefficients
     * @param segment the samples per frame, at most {@code fftSize}
     * @param fftSize the FFT length; each windowed frame is zero-padded at its end to it
     * @param hop the samples between frame starts
     * @param padding how the signal is extended before framing
     * @param removeMean whether each frame's mean is subtracted before windowing (scipy's {@code
     *     detrend='constant'})
     */
    Stft(Window window, int segment, int fftSize, int hop, Padding padding, boolean removeMean) {
        this.window = window;
        this.coefficients = window.coefficients(segment);
        this.fftSize = fftSize;
        this.hop = hop;
        this.padding = padding;
        this.removeMean = removeMean;
        this.fft = new Fft(fftSize);
    }

    /** Returns the window's energy {@code sum_j w[j]^2} (the denominator of a power spectral density). */
    double windowEnergy() {
        return Arrays.stream(coefficients).map(c -> c * c).reduce(0, Double::sum);
    }

    /**
     * Adds {@code fftSize}, {@code hop}, {@code window} ({@link Window#toString()}) and {@code padding}
     * (lower case) to {@code parameters}, in this order: the framing part of a front-end's cache key.
     */
    void putFraming(Map<String, Object> parameters) {
        parameters.put("fftSize", fftSize);
        parameters.put("hop", hop);
        parameters.put("window", window.toString());
        parameters.put("padding", padding.name().toLowerCase(Locale.ROOT));
    }

    /** Returns the number of one-sided bins, {@code fftSize / 2 + 1}. */
    int bins() {
        return fftSize / 2 + 1;
    }

    /** Returns the samples added on each side. */
    int pad() {
        return padding == Padding.NONE ? 0 : fftSize / 2;
    }

    /** Returns the fewest samples a signal needs. */
    int minimumSamples() {
        int fromSegment = Math.max(1, coefficients.length - 2 * pad());
        return padding == Padding.REFLECT ? Math.max(fromSegment, pad() + 1) : fromSegment;
    }

    /** Returns {@code 1 + floor((n + 2 pad - segment) / hop)}; throws if there are fewer than the fewest samples. */
    int frames(int samples) {
        int minimum = minimumSamples();
        checkArgument(samples >= minimum, "signal of %d samples is too short: segment %d, fftSize %d, padding %s need"
                + " at least %d", samples, coefficients.length, fftSize, padding, minimum);
        return 1 + (samples + 2 * pad() - coefficients.length) / hop;
    }

    /** Returns the power spectrogram, frame-major: {@code power[t * bins() + k]}. */
    double[] power(float[] signal) {
        int frames = frames(signal.length);
        int bins = bins();
        double[] padded = padded(signal);
        double[] power = new double[frames * bins];
        double[] re = new double[fftSize];
        double[] im = new double[fftSize];
        double[] outRe = new double[fftSize];
        double[] outIm = new double[fftSize];
        for (int t = 0; t < frames; t += 2) {
            boolean pair = t + 1 < frames;
            fill(padded, t * hop, re);
            if (pair) {
                fill(padded, (t + 1) * hop, im);
            } else {
                Arrays.fill(im, 0);
            }
            fft.forward(re, im, outRe, outIm);
            int first = t * bins;
            int second = (t + 1) * bins;
            for (int k = 0; k < bins; k++) {
                int mirror = k == 0 ? 0 : fftSize - k;
                double sumRe = outRe[k] + outRe[mirror];
                double difRe = outRe[k] - outRe[mirror];
                double sumIm = outIm[k] + outIm[mirror];
                double difIm = outIm[k] - outIm[mirror];
                power[first + k] = 0.25 * (sumRe * sumRe + difIm * difIm);
                if (pair) {
                    power[second + k] = 0.25 * (sumIm * sumIm + difRe * difRe);
                }
            }
        }
        return power;
    }

    /** Writes the windowed, optionally mean-removed segment at {@code start}, zero-padded to fftSize. */
    private void fill(double[] padded, int start, double[] frame) {
        int segment = coefficients.length;
        double mean = 0;
        if (removeMean) {
            for (int j = 0; j < segment; j++) {
                mean += padded[start + j];
            }
            mean /= segment;
        }
        for (int j = 0; j < segment; j++) {
            frame[j] = (padded[start + j] - mean) * coefficients[j];
        }
        Arrays.fill(frame, segment, fftSize, 0);
    }

    private double[] padded(float[] signal) {
        int n = signal.length;
        int pad = pad();
        double[] y = new double[n + 2 * pad];
        for (int j = 0; j < n; j++) {
            y[pad + j] = signal[j];
        }
        if (padding == Padding.REFLECT) {
            for (int j = 1; j <= pad; j++) {
                y[pad - j] = signal[j];
                y[pad + n - 1 + j] = signal[n - 1 - j];
            }
        }
        return y;
    }
}
