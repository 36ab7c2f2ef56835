package dev.cmkd.frequency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrequencySplitTest {

    @Test
    void releasedCodeSplitKeepsRfftBins1To128LowAnd129To256High() {
        FrequencySplit split = FrequencySplit.builder().setChannels(512).build();
        assertEquals(128, split.lowBinCount());
        for (int k = 0; k <= 256; k++) { // the rfft half of the spectrum
            Band expected = k == 0 ? Band.DC : k <= 128 ? Band.LOW : Band.HIGH;
            assertEquals(expected, split.naturalBand(k), "rfft bin " + k);
        }
        // Full complex spectrum: low keeps {1..128} and {384..511}, high keeps {129..383} (method.md 2.3).
        double[] low = split.mask(Band.LOW);
        double[] high = split.mask(Band.HIGH);
        for (int k = 0; k < 512; k++) {
            boolean inLow = (k >= 1 && k <= 128) || k >= 384;
            boolean inHigh = k >= 129 && k <= 383;
            assertEquals(inLow ? 1 : 0, low[k], "low mask bin " + k);
            assertEquals(inHigh ? 1 : 0, high[k], "high mask bin " + k);
        }
        assertEquals(256, split.binCount(Band.LOW));
        assertEquals(255, split.binCount(Band.HIGH));
        assertEquals(0, split.binCount(Band.DC));
    }

    @Test
    void dcModesRouteTheZeroBin() {
        FrequencySplit inLow = FrequencySplit.builder().setChannels(16).optDcMode(DcMode.IN_LOW).build();
        assertEquals(1, inLow.mask(Band.LOW)[0]);
        assertArrayEquals(new Band[] {Band.LOW, Band.HIGH}, inLow.outputBands());
        FrequencySplit separate = FrequencySplit.builder().setChannels(16).optDcMode(DcMode.SEPARATE).build();
        assertEquals(1, separate.mask(Band.DC)[0]);
        assertEquals(0, separate.mask(Band.LOW)[0]);
        assertArrayEquals(new Band[] {Band.LOW, Band.HIGH, Band.DC}, separate.outputBands());
    }

    @Test
    void masksPartitionTheSpectrumAndAreSymmetric() {
        for (FrequencySplit split : new FrequencySplit[] {
                FrequencySplit.builder().setChannels(9).optCutoffRatio(0.25).optDcMode(DcMode.SEPARATE).build(),
                FrequencySplit.builder().setChannels(64).optCutoffRatio(0.75).optDcMode(DcMode.SEPARATE).build(),
                FrequencySplit.builder().setSpatial(6, 5).optCutoffRatio(0.5).optDcMode(DcMode.SEPARATE).build()}) {
            double[] sum = new double[split.size()];
            for (Band band : split.outputBands()) {
                double[] mask = split.mask(band);
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += mask[k];
                }
            }
            for (double covered : sum) {
                assertEquals(1, covered, split + ": every bin in exactly one band");
            }
            long[] sizes = split.fftSizes();
            int rows = split.isSpatial() ? (int) sizes[0] : 1;
            int cols = (int) sizes[sizes.length - 1];
            for (Band band : split.outputBands()) {
                double[] mask = split.mask(band);
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < cols; x++) {
                        int mirror = ((rows - y) % rows) * cols + (cols - x) % cols;
                        assertEquals(mask[y * cols + x], mask[mirror], split + " " + band + " mirror of " + y + "," + x);
                    }
                }
            }
        }
    }

    @Test
    void spatialSplitIsRadial() {
        FrequencySplit split = FrequencySplit.builder().setSpatial(8, 8).optCutoffRatio(0.5).build();
        assertEquals(Band.DC, split.naturalBand(0));
        assertEquals(Band.LOW, split.naturalBand(1 * 8 + 1)); // rho = sqrt(2)/4 = 0.354
        assertEquals(Band.LOW, split.naturalBand(2 * 8)); // rho = 0.5, on the cutoff
        assertEquals(Band.HIGH, split.naturalBand(2 * 8 + 1)); // rho = 0.559
        assertEquals(Band.HIGH, split.naturalBand(4 * 8 + 4)); // Nyquist corner
    }

    @Test
    void invalidConfigurationsNameTheProblem() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> FrequencySplit.builder().build());
        assertTrue(none.getMessage().contains("setChannels"), none.getMessage());
        IllegalArgumentException ratio = assertThrows(IllegalArgumentException.class,
                () -> FrequencySplit.builder().setChannels(512).optCutoffRatio(1.0).build());
        assertTrue(ratio.getMessage().contains("cutoffRatio 1.0"), ratio.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> FrequencySplit.builder().setChannels(8).optCutoffRatio(0.05).build());
        assertTrue(empty.getMessage().contains("LOW band") && empty.getMessage().contains("empty"),
                empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrequencySplit.builder().setChannels(0).build());
    }
}
