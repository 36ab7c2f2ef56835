package dev.cmkd.data.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

/** The mixed-radix FFT against a direct DFT, for lengths covering every radix path. */
class FftTest {

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 25, 30, 49, 128, 256, 400, 401, 512, 1000})
    void matchesDirectDft(int n) {
        Random random = new Random(n);
        double[] re = new double[n];
        double[] im = new double[n];
        for (int t = 0; t < n; t++) {
            re[t] = random.nextGaussian();
            im[t] = random.nextGaussian();
        }
        double[] outRe = new double[n];
        double[] outIm = new double[n];
        new Fft(n).forward(re, im, outRe, outIm);
        double scale = Math.sqrt(n);
        for (int k = 0; k < n; k++) {
            double sumRe = 0;
            double sumIm = 0;
            for (int t = 0; t < n; t++) {
                double angle = -2 * Math.PI * ((long) t * k % n) / n;
                sumRe += re[t] * Math.cos(angle) - im[t] * Math.sin(angle);
                sumIm += re[t] * Math.sin(angle) + im[t] * Math.cos(angle);
            }
            assertEquals(sumRe, outRe[k], 1e-12 * n * scale, "re, bin " + k);
            assertEquals(sumIm, outIm[k], 1e-12 * n * scale, "im, bin " + k);
        }
    }
}
