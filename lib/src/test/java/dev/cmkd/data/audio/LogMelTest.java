package dev.cmkd.data.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

/** Properties of {@link LogMel}: shapes, the floor, where a tone peaks, the filter bank, validation. */
class LogMelTest {

    private static final LogMel DEFAULT = LogMel.builder().build();

    static float[] tone(double hz, int samples, int sampleRate, double amplitude) {
        float[] x = new float[samples];
        for (int t = 0; t < samples; t++) {
            x[t] = (float) (amplitude * Math.sin(2 * Math.PI * hz * t / sampleRate));
        }
        return x;
    }

    @Test
    void oneSecondGives40By101() {
        assertEquals(new Shape(40, 101), DEFAULT.outputShape(16_000));
        assertEquals(40 * 101, DEFAULT.compute(new float[16_000]).length);
        assertEquals(new Shape(40, 51), DEFAULT.outputShape(8_000));
        assertEquals(new Shape(40, 2), DEFAULT.outputShape(201));
    }

    @Test
    void silenceGivesTheFloor() {
        float expected = (float) Math.log(1e-6);
        for (float value : DEFAULT.compute(new float[16_000])) {
            assertEquals(expected, value);
        }
    }

    @ParameterizedTest(name = "band {0}")
    @ValueSource(ints = {8, 15, 20, 27, 33})
    void toneAtABandCentrePeaksInThatBand(int band) {
        double centre = DEFAULT.edgeFrequencies()[band + 1];
        float[] mel = DEFAULT.compute(tone(centre, 16_000, 16_000, 0.5));
        int frames = 101;
        for (int t = 5; t < frames - 5; t++) {
            int best = 0;
            for (int b = 1; b < 40; b++) {
                if (mel[b * frames + t] > mel[best * frames + t]) {
                    best = b;
                }
            }
            assertEquals(band, best, String.format(Locale.ROOT, "tone %.1f Hz, frame %d", centre, t));
        }
    }

    @Test
    void filterBankFollowsTheHtkFormula() {
        double[] edges = DEFAULT.edgeFrequencies();
        assertEquals(42, edges.length);
        assertEquals(20, edges[0], 1e-9);
        assertEquals(8_000, edges[41], 1e-9);
        double step = LogMel.hzToMel(edges[1]) - LogMel.hzToMel(edges[0]);
        for (int i = 1; i < edges.length; i++) {
            assertEquals(step, LogMel.hzToMel(edges[i]) - LogMel.hzToMel(edges[i - 1]), 1e-9, "mel spacing");
        }
        double[][] bank = DEFAULT.filterBank();
        assertEquals(40, bank.length);
        assertEquals(201, bank[0].length);
        for (int b = 0; b < 40; b++) {
            double max = 0;
            for (int k = 0; k < 201; k++) {
                double f = k * 40.0;
                assertTrue(bank[b][k] >= 0 && bank[b][k] <= 1);
                if (f <= edges[b] || f >= edges[b + 2]) {
                    assertEquals(0, bank[b][k], "band " + b + " outside its edges at bin " + k);
                }
                max = Math.max(max, bank[b][k]);
            }
            assertTrue(max > 0.5, "band " + b + " covers at least one bin near its centre");
        }
        assertEquals(1000, LogMel.melToHz(LogMel.hzToMel(1000)), 1e-9);
    }

    @Test
    void scalesQuadraticallyWithAmplitude() {
        float[] loud = DEFAULT.compute(tone(1000, 16_000, 16_000, 0.5));
        float[] quiet = DEFAULT.compute(tone(1000, 16_000, 16_000, 0.25));
        for (int t = 0; t < 101; t++) {
            int band = 0;
            for (int b = 0; b < 40; b++) {
                if (loud[b * 101 + t] > loud[band * 101 + t]) {
                    band = b;
                }
            }
            assertEquals(Math.log(4), loud[band * 101 + t] - quiet[band * 101 + t], 1e-3, "frame " + t);
        }
    }

    @Test
    void validationNamesParameterValueAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogMel.builder().optFMax(9_000).build());
        assertTrue(e.getMessage().contains("fMax") && e.getMessage().contains("9000")
                && e.getMessage().contains("8000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogMel.builder().optHop(0).build());
        assertTrue(e.getMessage().contains("hop 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogMel.builder().optLogFloor(0).build());
        assertTrue(e.getMessage().contains("logFloor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DEFAULT.compute(new float[200]));
        assertTrue(e.getMessage().contains("200 samples") && e.getMessage().contains("201"), e.getMessage());
    }

    /** Speed is reported, not asserted (style.md 4.9). */
    @Test
    void reportsPerClipTime() {
        float[] clip = tone(440, 16_000, 16_000, 0.5);
        float sink = 0;
        for (int i = 0; i < 300; i++) {
            sink += DEFAULT.compute(clip)[i % 4040];
        }
        int runs = 500;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            sink += DEFAULT.compute(clip)[i % 4040];
        }
        double millis = (System.nanoTime() - start) / 1e6 / runs;
        System.out.printf(Locale.ROOT, "LogMel 40 x 101 of a 1 s clip: %.3f ms per clip, one thread (%s)%n",
                millis, Float.isFinite(sink) ? "ok" : "non-finite");
    }
}
