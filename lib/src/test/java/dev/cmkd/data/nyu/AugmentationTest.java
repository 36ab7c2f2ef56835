package dev.cmkd.data.nyu;

import dev.cmkd.data.Batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The crop and flip move colour, depth and labels together. */
class AugmentationTest {

    /**
     * A split whose three modalities all encode the source pixel: red = y, green = x, depth = 1 + 100 y + x
     * mm (FIXED_RANGE, so depth * 10000 recovers it), label = (y + x) mod 5.
     */
    private static RgbdSplit coded(int n, int h, int w) {
        byte[] rgb = new byte[n * h * w * 3];
        short[] depth = new short[n * h * w];
        byte[] labels = new byte[n * h * w];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = (i * h + y) * w + x;
                    rgb[p * 3] = (byte) y;
                    rgb[p * 3 + 1] = (byte) x;
                    depth[p] = (short) (1 + 100 * y + x);
                    labels[p] = (byte) ((y + x) % 5);
                }
            }
        }
        return new RgbdSplit("coded", java.util.stream.IntStream.range(0, n).mapToObj(Integer::toString).toList(),
                List.of("a", "b", "c", "d", "e"), h, w, rgb, depth, labels, DepthNormalization.FIXED_RANGE, true);
    }

    @Test
    void cropAndFlipAreTheSameForColourDepthAndLabels() {
        int h = 10;
        int w = 12;
        RgbdSplit split = coded(4, h, w);
        Set<String> seen = new HashSet<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int draw = 0; draw < 20; draw++) {
                Batch batch = split.augmented(new Augmentation(4, 6, true), draw).batch(manager,
                        new int[] {0, 1, 2, 3}, draw);
                float[] rgb = batch.input(0).toFloatArray();
                float[] depth = batch.input(1).toFloatArray();
                long[] labels = batch.labels().toLongArray();
                for (int b = 0; b < 4; b++) {
                    int y0 = Math.round(rgb[(b * 3) * 24] * 255);
                    int x0 = Math.round(rgb[(b * 3 + 1) * 24] * 255);
                    int x1 = Math.round(rgb[(b * 3 + 1) * 24 + 1] * 255);
                    seen.add(y0 + "," + x0 + "," + (x1 < x0 ? "flipped" : "plain"));
                    for (int p = 0; p < 24; p++) {
                        int y = Math.round(rgb[(b * 3) * 24 + p] * 255);
                        int x = Math.round(rgb[(b * 3 + 1) * 24 + p] * 255);
                        assertEquals(1 + 100 * y + x, Math.round(depth[b * 24 + p] * 10_000), "depth follows colour");
                        assertEquals((y + x) % 5, labels[b * 24 + p], "label follows colour");
                        assertEquals(y0 + p / 6, y, "rows stay in order");
                    }
                }
            }
        }
        assertTrue(seen.stream().anyMatch(s -> s.endsWith("flipped")) && seen.stream().anyMatch(s -> s.endsWith("plain")),
                "both flipped and unflipped crops occur: " + seen);
        assertTrue(seen.size() > 10, "crop positions vary: " + seen);
    }

    @Test
    void evaluationBatchesAreTheFullImagesAndVoidStaysVoid() {
        RgbdSplit split = new RgbdSplit("v", List.of("1"), List.of("a", "b"), 2, 2, new byte[12], new short[] {0, 5, 9, 5},
                new byte[] {RgbdSplit.VOID, 0, 1, 1}, DepthNormalization.PER_IMAGE_MIN_MAX, false);
        try (NDManager manager = NDManager.newBaseManager()) {
            Batch batch = split.batch(manager, new int[] {0}, 0);
            assertEquals(List.of(-1L, 0L, 1L, 1L), java.util.Arrays.stream(batch.labels().toLongArray()).boxed().toList());
            // missing depth (0) stays 0; 5 -> 0, 9 -> 1 (per-image min-max over measured pixels)
            float[] depth = batch.input(1).toFloatArray();
            assertEquals(0f, depth[0]);
            assertEquals(0f, depth[1]);
            assertEquals(1f, depth[2]);
        }
        assertThrows(IllegalArgumentException.class, () -> split.augmented(new Augmentation(3, 2, false), 1)
                .batch(null, new int[] {0}, 0));
    }
}
