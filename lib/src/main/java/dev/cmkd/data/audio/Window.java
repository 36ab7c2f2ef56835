package dev.cmkd.data.audio;

import static dev.cmkd.data.Checks.checkArgument;

import java.util.Locale;

/**
 * A periodic ("DFT-even") analysis window, as {@code scipy.signal.get_window(..., fftbins=True)} and
 * {@code torch.hann_window(n, periodic=True)} build it: the symmetric window of {@code n + 1} points
 * with its last point dropped.
 *
 * <ul>
 *   <li>{@link #hann()}: {@code w[t] = 0.5 - 0.5 cos(2 pi t / n)}, {@code t = 0 .. n-1} (torch, librosa
 *       and the log-mel front-end of data.md section 4);
 *   <li>{@link #tukey(double)}: scipy's {@code ('tukey', alpha)}, the default window of {@code
 *       scipy.signal.spectrogram} with {@code alpha = 0.25}. With {@code M = n + 1}, {@code W =
 *       floor(alpha (M - 1) / 2)} and {@code t = 0 .. n-1}: {@code w[t] = 0.5 (1 + cos(pi (-1 + 2 t /
 *       (alpha (M - 1)))))} for {@code t <= W}, {@code 0.5 (1 + cos(pi (-2 / alpha + 1 + 2 t / (alpha (M
 *       - 1)))))} for {@code t >= M - W - 1}, and 1 between; {@code alpha = 0} is {@link #rectangular()},
 *       {@code alpha = 1} is {@link #hann()} (scipy 1.10, {@code scipy/signal/windows/_windows.py});
 *   <li>{@link #rectangular()}: all ones (scipy's {@code 'boxcar'}).
 * </ul>
 *
 * Instances are immutable.
 */
public final class Window {

    private final double alpha;

    private Window(double alpha) {
        this.alpha = alpha;
    }

    /** The periodic Hann window (Tukey with {@code alpha = 1}). */
    public static Window hann() {
        return new Window(1);
    }

    /** The rectangular window (Tukey with {@code alpha = 0}). */
    public static Window rectangular() {
        return new Window(0);
    }

    /** The periodic Tukey (tapered cosine) window; {@code alpha} in [0, 1] is the tapered fraction. */
    public static Window tukey(double alpha) {
        checkArgument(alpha >= 0 && alpha <= 1, "Window.tukey: alpha " + alpha + " must lie in [0, 1]");
        return new Window(alpha);
    }

    /** Returns the {@code length} periodic window coefficients. */
    public double[] coefficients(int length) {
        checkArgument(length >= 1, "Window: length " + length + " must be at least 1");
        double[] w = new double[length];
        if (alpha == 0) {
            java.util.Arrays.fill(w, 1);
            return w;
        }
        if (alpha == 1) {
            for (int t = 0; t < length; t++) {
                w[t] = 0.5 - 0.5 * Math.cos(2 * Math.PI * t / length);
            }
            return w;
        }
        int points = length + 1;
        int width = (int) Math.floor(alpha * (points - 1) / 2.0);
        for (int t = 0; t < length; t++) {
            if (t <= width) {
                w[t] = 0.5 * (1 + Math.cos(Math.PI * (-1 + 2.0 * t / alpha / (points - 1))));
            } else if (t >= points - width - 1) {
                w[t] = 0.5 * (1 + Math.cos(Math.PI * (-2.0 / alpha + 1 + 2.0 * t / alpha / (points - 1))));
            } else {
                w[t] = 1;
            }
        }
        return w;
    }

    /** Returns {@code "hann"}, {@code "rectangular"} or {@code "tukey(alpha)"}. */
    @Override
    public String toString() {
        if (alpha == 1) {
            return "hann";
        }
        if (alpha == 0) {
            return "rectangular";
        }
        return String.format(Locale.ROOT, "tukey(%s)", alpha);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Window window && Double.compare(window.alpha, alpha) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(alpha);
    }
}
