package dev.cmkd.data.audio;

import java.util.ArrayList;
import java.util.List;

/**
 * A mixed-radix complex FFT of any length {@code n}: {@code X[k] = sum_t x[t] exp(-2 pi i t k / n)},
 * unnormalised. Iterative decimation in time: the input is copied in mixed-radix digit-reversed order,
 * then one stage per radix (4s, a 2, then odd primes) combines {@code p} transforms of length {@code
 * len} into one of length {@code p len} with precomputed twiddles {@code exp(-2 pi i q k / (p len))}.
 * Radices 2, 3, 4 and 5 have dedicated butterflies; a larger prime radix is a direct p-point DFT (so a
 * prime length costs {@code O(n^2)}). Immutable and thread-safe: every call works in the caller's arrays.
 */
final class Fft {

    private final int n;
    private final int[] permutation;
    private final int[] stageRadix;
    private final int[] stageLength;
    private final double[][] twiddleRe;
    private final double[][] twiddleIm;
    private final double[][] rootRe;
    private final double[][] rootIm;

    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Fft: length " + n + " must be at least 1");
        }
        this.n = n;
        int[] radices = factor(n);
        this.permutation = new int[n];
        digitReverse(radices, 0, 0, 1, n, 0);
        int stages = radices.length;
        this.stageRadix = new int[stages];
        this.stageLength = new int[stages];
        this.twiddleRe = new double[stages][];
        this.twiddleIm = new double[stages][];
        this.rootRe = new double[stages][];
        this.rootIm = new double[stages][];
        int length = 1;
        for (int stage = 0; stage < stages; stage++) {
            int p = radices[stages - 1 - stage];
            int span = length * p;
            stageRadix[stage] = p;
            stageLength[stage] = length;
            twiddleRe[stage] = new double[length * (p - 1)];
            twiddleIm[stage] = new double[length * (p - 1)];
            for (int k = 0; k < length; k++) {
                for (int q = 1; q < p; q++) {
                    double angle = -2 * Math.PI * ((long) q * k) / span;
                    twiddleRe[stage][k * (p - 1) + q - 1] = Math.cos(angle);
                    twiddleIm[stage][k * (p - 1) + q - 1] = Math.sin(angle);
                }
            }
            if (p > 5) {
                rootRe[stage] = new double[p * p];
                rootIm[stage] = new double[p * p];
                for (int q = 0; q < p; q++) {
                    for (int s = 0; s < p; s++) {
                        double angle = -2 * Math.PI * (q * s % p) / p;
                        rootRe[stage][q * p + s] = Math.cos(angle);
                        rootIm[stage][q * p + s] = Math.sin(angle);
                    }
                }
            }
            length = span;
        }
    }

    /** Returns the transform length. */
    int size() {
        return n;
    }

    /** Writes the DFT of {@code (re, im)} (each of length n, unchanged) into {@code (outRe, outIm)}. */
    void forward(double[] re, double[] im, double[] outRe, double[] outIm) {
        for (int i = 0; i < n; i++) {
            outRe[i] = re[permutation[i]];
            outIm[i] = im[permutation[i]];
        }
        double[] scratchRe = null;
        double[] scratchIm = null;
        for (int stage = 0; stage < stageRadix.length; stage++) {
            int p = stageRadix[stage];
            switch (p) {
                case 2 -> radix2(outRe, outIm, stage);
                case 3 -> radix3(outRe, outIm, stage);
                case 4 -> radix4(outRe, outIm, stage);
                case 5 -> radix5(outRe, outIm, stage);
                default -> {
                    if (scratchRe == null || scratchRe.length < p) {
                        scratchRe = new double[p];
                        scratchIm = new double[p];
                    }
                    radixGeneric(outRe, outIm, stage, scratchRe, scratchIm);
                }
            }
        }
    }

    private void radix2(double[] re, double[] im, int stage) {
        int length = stageLength[stage];
        double[] wr = twiddleRe[stage];
        double[] wi = twiddleIm[stage];
        for (int block = 0; block < n; block += 2 * length) {
            for (int k = 0; k < length; k++) {
                int a = block + k;
                int b = a + length;
                double br = re[b] * wr[k] - im[b] * wi[k];
                double bi = re[b] * wi[k] + im[b] * wr[k];
                re[b] = re[a] - br;
                im[b] = im[a] - bi;
                re[a] += br;
                im[a] += bi;
            }
        }
    }

    private void radix4(double[] re, double[] im, int stage) {
        int length = stageLength[stage];
        double[] wr = twiddleRe[stage];
        double[] wi = twiddleIm[stage];
        for (int block = 0; block < n; block += 4 * length) {
            for (int k = 0; k < length; k++) {
                int i0 = block + k;
                int i1 = i0 + length;
                int i2 = i1 + length;
                int i3 = i2 + length;
                int w = 3 * k;
                double r0 = re[i0];
                double j0 = im[i0];
                double r1 = re[i1] * wr[w] - im[i1] * wi[w];
                double j1 = re[i1] * wi[w] + im[i1] * wr[w];
                double r2 = re[i2] * wr[w + 1] - im[i2] * wi[w + 1];
                double j2 = re[i2] * wi[w + 1] + im[i2] * wr[w + 1];
                double r3 = re[i3] * wr[w + 2] - im[i3] * wi[w + 2];
                double j3 = re[i3] * wi[w + 2] + im[i3] * wr[w + 2];
                double sr02 = r0 + r2;
                double sj02 = j0 + j2;
                double dr02 = r0 - r2;
                double dj02 = j0 - j2;
                double sr13 = r1 + r3;
                double sj13 = j1 + j3;
                double dr13 = r1 - r3;
                double dj13 = j1 - j3;
                re[i0] = sr02 + sr13;
                im[i0] = sj02 + sj13;
                // X1 = (t0 - t2) - i (t1 - t3); X3 = (t0 - t2) + i (t1 - t3)
                re[i1] = dr02 + dj13;
                im[i1] = dj02 - dr13;
                re[i2] = sr02 - sr13;
                im[i2] = sj02 - sj13;
                re[i3] = dr02 - dj13;
                im[i3] = dj02 + dr13;
            }
        }
    }

    private static final double SIN_60 = Math.sqrt(3) / 2;
    private static final double COS_72 = Math.cos(2 * Math.PI / 5);
    private static final double COS_144 = Math.cos(4 * Math.PI / 5);
    private static final double SIN_72 = Math.sin(2 * Math.PI / 5);
    private static final double SIN_144 = Math.sin(4 * Math.PI / 5);

    private void radix3(double[] re, double[] im, int stage) {
        int length = stageLength[stage];
        double[] wr = twiddleRe[stage];
        double[] wi = twiddleIm[stage];
        for (int block = 0; block < n; block += 3 * length) {
            for (int k = 0; k < length; k++) {
                int i0 = block + k;
                int i1 = i0 + length;
                int i2 = i1 + length;
                int w = 2 * k;
                double r1 = re[i1] * wr[w] - im[i1] * wi[w];
                double j1 = re[i1] * wi[w] + im[i1] * wr[w];
                double r2 = re[i2] * wr[w + 1] - im[i2] * wi[w + 1];
                double j2 = re[i2] * wi[w + 1] + im[i2] * wr[w + 1];
                double sumR = r1 + r2;
                double sumJ = j1 + j2;
                double mr = re[i0] - 0.5 * sumR;
                double mj = im[i0] - 0.5 * sumJ;
                double nr = SIN_60 * (r1 - r2);
                double nj = SIN_60 * (j1 - j2);
                re[i0] += sumR;
                im[i0] += sumJ;
                // X1 = m - i n, X2 = m + i n
                re[i1] = mr + nj;
                im[i1] = mj - nr;
                re[i2] = mr - nj;
                im[i2] = mj + nr;
            }
        }
    }

    private void radix5(double[] re, double[] im, int stage) {
        int length = stageLength[stage];
        double[] wr = twiddleRe[stage];
        double[] wi = twiddleIm[stage];
        for (int block = 0; block < n; block += 5 * length) {
            for (int k = 0; k < length; k++) {
                int i0 = block + k;
                int i1 = i0 + length;
                int i2 = i1 + length;
                int i3 = i2 + length;
                int i4 = i3 + length;
                int w = 4 * k;
                double r1 = re[i1] * wr[w] - im[i1] * wi[w];
                double j1 = re[i1] * wi[w] + im[i1] * wr[w];
                double r2 = re[i2] * wr[w + 1] - im[i2] * wi[w + 1];
                double j2 = re[i2] * wi[w + 1] + im[i2] * wr[w + 1];
                double r3 = re[i3] * wr[w + 2] - im[i3] * wi[w + 2];
                double j3 = re[i3] * wi[w + 2] + im[i3] * wr[w + 2];
                double r4 = re[i4] * wr[w + 3] - im[i4] * wi[w + 3];
                double j4 = re[i4] * wi[w + 3] + im[i4] * wr[w + 3];
                double a1r = r1 + r4;
                double a1j = j1 + j4;
                double b1r = r1 - r4;
                double b1j = j1 - j4;
                double a2r = r2 + r3;
                double a2j = j2 + j3;
                double b2r = r2 - r3;
                double b2j = j2 - j3;
                double r0 = re[i0];
                double j0 = im[i0];
                double m1r = r0 + COS_72 * a1r + COS_144 * a2r;
                double m1j = j0 + COS_72 * a1j + COS_144 * a2j;
                double m2r = r0 + COS_144 * a1r + COS_72 * a2r;
                double m2j = j0 + COS_144 * a1j + COS_72 * a2j;
                double n1r = SIN_72 * b1r + SIN_144 * b2r;
                double n1j = SIN_72 * b1j + SIN_144 * b2j;
                double n2r = SIN_144 * b1r - SIN_72 * b2r;
                double n2j = SIN_144 * b1j - SIN_72 * b2j;
                re[i0] = r0 + a1r + a2r;
                im[i0] = j0 + a1j + a2j;
                // X1 = m1 - i n1, X4 = m1 + i n1, X2 = m2 - i n2, X3 = m2 + i n2
                re[i1] = m1r + n1j;
                im[i1] = m1j - n1r;
                re[i4] = m1r - n1j;
                im[i4] = m1j + n1r;
                re[i2] = m2r + n2j;
                im[i2] = m2j - n2r;
                re[i3] = m2r - n2j;
                im[i3] = m2j + n2r;
            }
        }
    }

    private void radixGeneric(double[] re, double[] im, int stage, double[] tr, double[] ti) {
        int p = stageRadix[stage];
        int length = stageLength[stage];
        double[] wr = twiddleRe[stage];
        double[] wi = twiddleIm[stage];
        double[] cr = rootRe[stage];
        double[] ci = rootIm[stage];
        for (int block = 0; block < n; block += p * length) {
            for (int k = 0; k < length; k++) {
                int base = block + k;
                tr[0] = re[base];
                ti[0] = im[base];
                for (int q = 1; q < p; q++) {
                    int index = base + q * length;
                    int w = k * (p - 1) + q - 1;
                    tr[q] = re[index] * wr[w] - im[index] * wi[w];
                    ti[q] = re[index] * wi[w] + im[index] * wr[w];
                }
                for (int s = 0; s < p; s++) {
                    double sumRe = 0;
                    double sumIm = 0;
                    for (int q = 0; q < p; q++) {
                        double c = cr[q * p + s];
                        double d = ci[q * p + s];
                        sumRe += tr[q] * c - ti[q] * d;
                        sumIm += tr[q] * d + ti[q] * c;
                    }
                    re[base + s * length] = sumRe;
                    im[base + s * length] = sumIm;
                }
            }
        }
    }

    /** Fills {@code permutation[out] = in}: the input index each position holds before the first stage. */
    private void digitReverse(int[] radices, int inOffset, int outOffset, int stride, int length, int level) {
        if (length == 1) {
            permutation[outOffset] = inOffset;
            return;
        }
        int p = radices[level];
        int sub = length / p;
        for (int q = 0; q < p; q++) {
            digitReverse(radices, inOffset + q * stride, outOffset + q * sub, stride * p, sub, level + 1);
        }
    }

    /** Radices from the outermost split inwards: 4s, then a 2, then odd primes ascending. */
    private static int[] factor(int n) {
        List<Integer> radices = new ArrayList<>();
        int rest = n;
        while (rest % 4 == 0) {
            radices.add(4);
            rest /= 4;
        }
        if (rest % 2 == 0) {
            radices.add(2);
            rest /= 2;
        }
        for (int p = 3; (long) p * p <= rest; p += 2) {
            while (rest % p == 0) {
                radices.add(p);
                rest /= p;
            }
        }
        if (rest > 1) {
            radices.add(rest);
        }
        return radices.stream().mapToInt(Integer::intValue).toArray();
    }
}
