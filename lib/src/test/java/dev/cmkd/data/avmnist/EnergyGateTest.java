package dev.cmkd.data.avmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The energy gate and the clip format on synthetic signals: every constant of data.md, section 3.2 (the
 * clips' WAV encoding is {@code dev.cmkd.data.audio.WavTest}'s).
 */
class EnergyGateTest {

    /** A signal of {@code length} samples with a full-scale tone over each {@code [start, end)} (in 10 ms frames). */
    private static short[] bursts(int length, int... frameRanges) {
        short[] x = new short[length];
        for (int b = 0; b < frameRanges.length; b += 2) {
            for (int i = frameRanges[b] * 160; i < frameRanges[b + 1] * 160; i++) {
                x[i] = (short) (10_000 * Math.sin(i * 0.3));
            }
        }
        return x;
    }

    @Test
    void gapsOfMoreThan25FramesSplitSegmentsWithMargins() {
        // bursts at frames [10, 20), [46, 50) (gap 26 frames: new segment), [75, 80) (gap 25: same segment)
        short[] x = bursts(16_000, 10, 20, 46, 50, 75, 80);
        List<EnergyGate.Segment> segments = EnergyGate.segments(x);
        assertEquals(List.of(new EnergyGate.Segment(10 * 160 - 480, 20 * 160 + 480),
                new EnergyGate.Segment(46 * 160 - 480, 80 * 160 + 480)), segments);
        assertEquals(new EnergyGate.Segment(10 * 160 - 480, 80 * 160 + 480), EnergyGate.span(x));
    }

    @Test
    void marginsAreClampedAndQuietFramesIgnored() {
        short[] x = bursts(3_000, 0, 2, 17, 18);
        x[1200] = 150; // 1.5 % of the peak: below the 2 % threshold
        x[2999] = 10_000;
        List<EnergyGate.Segment> segments = EnergyGate.segments(x);
        assertEquals(List.of(new EnergyGate.Segment(0, 3_000)), segments);
        assertEquals(List.of(), EnergyGate.segments(new short[500]));
        assertEquals(new EnergyGate.Segment(0, 500), EnergyGate.span(new short[500]), "silence keeps the whole signal");
    }

    @Test
    void clipIsPeakNormalisedPaddedAndCropped() {
        short[] speech = {0, 1000, -2000, 500};
        short[] clip = ClipFormat.clip(speech, 1, 4);
        assertEquals(16_000, clip.length);
        for (int i = 0; i < 800; i++) {
            assertEquals(0, clip[i]);
        }
        assertEquals(Math.round(0.5 * 0.708 * 32767), clip[800]);
        assertEquals(Math.round(-0.708 * 32767), clip[801]);
        assertEquals(Math.round(0.25 * 0.708 * 32767), clip[802]);
        assertEquals(0, clip[803]);

        short[] long_ = new short[20_000];
        long_[19_999] = 30_000; // the peak lies beyond the 15,200 kept samples
        long_[0] = 3_000;
        short[] cropped = ClipFormat.clip(long_, 0, long_.length);
        assertEquals(Math.round(0.1 * 0.708 * 32767), cropped[800]);
        assertArrayEquals(new short[16_000], ClipFormat.clip(new short[100], 0, 100));
    }
}
