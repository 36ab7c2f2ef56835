package dev.cmkd.data.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

/** Properties of {@link LogSpectrogram} and {@link Window}: shapes of the papers' conventions, floor, peaks. */
class LogSpectrogramTest {

    @Test
    void paperConventionShapes() {
        // FD-CMKD CREMA-D: 160,000 samples at 22,050 Hz -> 257 x 1004 (data.md section 2)
        assertEquals(new Shape(257, 1004), LogSpectrogram.builder().build().outputShape(160_000));
        // C2KD VGGSound: 5 s at 16 kHz, n_fft 256, hop 128, centred -> 129 x 626
        assertEquals(new Shape(129, 626), LogSpectrogram.vggSoundBuilder().build().outputShape(80_000));
        // C2KD CREMA-D: 3 s at 22,050 Hz, n_fft 512, hop 353, centred -> 257 x 188
        LogSpectrogram c2kdCremaD = LogSpectrogram.vggSoundBuilder().optSampleRate(22_050).optSegmentLength(512)
                .optHop(353).build();
        assertEquals(new Shape(257, 188), c2kdCremaD.outputShape(66_150));
    }

    @Test
    void silenceGivesTheOffsetOrZeroWhenStandardized() {
        LogSpectrogram raw = LogSpectrogram.builder().optStandardizePerClip(false).build();
        for (float value : raw.compute(new float[4_000])) {
            assertEquals((float) Math.log(1e-7), value);
        }
        for (float value : LogSpectrogram.builder().build().compute(new float[4_000])) {
            assertEquals(0f, value);
        }
    }

    @ParameterizedTest(name = "bin {0}")
    @ValueSource(ints = {3, 17, 64, 100})
    void toneOnABinPeaksAtThatBin(int bin) {
        LogSpectrogram spectrogram = LogSpectrogram.vggSoundBuilder().build();
        float[] signal = LogMelTest.tone(spectrogram.binFrequency(bin), 16_000, 16_000, 0.5);
        float[] out = spectrogram.compute(signal);
        int frames = (int) spectrogram.outputShape(16_000).get(1);
        for (int t = 2; t < frames - 2; t++) {
            int best = 0;
            for (int k = 1; k < spectrogram.bins(); k++) {
                if (out[k * frames + t] > out[best * frames + t]) {
                    best = k;
                }
            }
            assertEquals(bin, best, "frame " + t);
        }
    }

    @Test
    void densityIntegratesToTheSignalPower() {
        // Parseval for the one-sided density of a rectangular window: sum_k S[k] * fs / N = mean of x^2
        LogSpectrogram density = LogSpectrogram.builder().optSampleRate(16_000).optSegmentLength(400).optHop(400)
                .optWindow(Window.rectangular()).optDetrend(LogSpectrogram.Detrend.NONE)
                .optStandardizePerClip(false).optLogOffset(1e-30).build();
        float[] signal = LogMelTest.tone(1000, 400, 16_000, 0.5);
        float[] out = density.compute(signal);
        double sum = 0;
        for (float logValue : out) {
            sum += Math.exp(logValue) * 16_000 / 400;
        }
        double meanSquare = 0;
        for (float x : signal) {
            meanSquare += x * x / 400.0;
        }
        assertEquals(meanSquare, sum, 1e-4 * meanSquare);
    }

    @Test
    void windowsAreScipysPeriodicWindows() {
        double[] hann = Window.hann().coefficients(4);
        assertEquals(0, hann[0], 1e-15);
        assertEquals(0.5, hann[1], 1e-15);
        assertEquals(1, hann[2], 1e-15);
        assertEquals(0.5, hann[3], 1e-15);
        double[] tukey = Window.tukey(0.25).coefficients(512);
        assertEquals(0, tukey[0], 1e-15);
        assertEquals(1, tukey[256], 1e-15);
        assertEquals(tukey[1], tukey[511], 1e-12, "periodic: symmetric about n / 2");
        assertEquals("tukey(0.25)", Window.tukey(0.25).toString());
        assertEquals(Window.hann(), Window.tukey(1));
        assertThrows(IllegalArgumentException.class, () -> Window.tukey(1.5));
    }

    @Test
    void validationNamesParameterValueAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogSpectrogram.builder().optFftSize(256).build());
        assertTrue(e.getMessage().contains("fftSize 256") && e.getMessage().contains("512"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogSpectrogram.builder().build().compute(new float[100]));
        assertTrue(e.getMessage().contains("100 samples") && e.getMessage().contains("512"), e.getMessage());
    }

    /** Speed is reported, not asserted (style.md 4.9). */
    @Test
    void reportsPerClipTime() {
        LogSpectrogram cremaD = LogSpectrogram.builder().build();
        float[] clip = LogMelTest.tone(440, 160_000, 22_050, 0.5);
        float sink = 0;
        for (int i = 0; i < 10; i++) {
            sink += cremaD.compute(clip)[i];
        }
        int runs = 20;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            sink += cremaD.compute(clip)[i];
        }
        System.out.printf(Locale.ROOT, "LogSpectrogram 257 x 1004 (CREMA-D, 160,000 samples): %.2f ms per clip (%s)%n",
                (System.nanoTime() - start) / 1e6 / runs, Float.isFinite(sink) ? "ok" : "non-finite");
    }
}
