package dev.cmkd.data.crisis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Resize, crop, flip and normalisation against hand-computed values. */
class ImageTransformTest {

    private static BufferedImage constant(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    @Test
    void normalisesWithImageNetStatistics() {
        float[] out = ImageTransform.evaluation(4).apply(constant(7, 5, 0xFF8000), null);
        assertEquals(3 * 4 * 4, out.length);
        assertEquals((1 - 0.485f) / 0.229f, out[0], 1e-5);
        assertEquals((128 / 255f - 0.456f) / 0.224f, out[16], 1e-5);
        assertEquals((0 - 0.406f) / 0.225f, out[47], 1e-5);
    }

    @Test
    void resizesBilinearlyWithHalfPixelCentres() {
        // a 2 x 1 picture, black then white, resized to 4 x 4: source x = (x + 0.5) / 2 - 0.5
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 0, 0xFFFFFF);
        float[] out = ImageTransform.evaluation(4).apply(image, null);
        float[] expected = {0, 0.25f, 0.75f, 1};
        for (int x = 0; x < 4; x++) {
            assertEquals((expected[x] - 0.485f) / 0.229f, out[x], 1e-5, "x = " + x);
            assertEquals(out[x], out[12 + x], 1e-6, "every row alike");
        }
    }

    @Test
    void randomCropsFitAndFollowTorchvisionsFallback() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            ImageTransform.Box box = ImageTransform.randomCrop(40, 30, random);
            assertTrue(box.left() >= 0 && box.top() >= 0 && box.left() + box.width() <= 40
                    && box.top() + box.height() <= 30, box.toString());
            double area = (double) box.width() * box.height() / (40 * 30);
            assertTrue(area > 0.05 && area <= 1.0, box.toString());
        }
        // a 100 x 1 strip: no draw fits a 3/4..4/3 ratio, so the central crop with ratio 4/3 remains
        assertEquals(new ImageTransform.Box(49, 0, 1, 1), ImageTransform.randomCrop(100, 1, new SplittableRandom(1)));
    }

    @Test
    void trainingAugmentationIsReproducibleAndFlips() {
        BufferedImage image = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 20; x++) {
            for (int y = 0; y < 20; y++) {
                image.setRGB(x, y, (x * 12) << 16 | (y * 12) << 8);
            }
        }
        ImageTransform training = ImageTransform.training(8);
        float[] a = training.apply(image, new SplittableRandom(3));
        assertArrayEquals(a, training.apply(image, new SplittableRandom(3)));
        assertFalse(Arrays.equals(a, training.apply(image, new SplittableRandom(4))));
        boolean sawFlip = false;
        boolean sawPlain = false;
        for (int seed = 0; seed < 20; seed++) {
            float[] out = training.apply(image, new SplittableRandom(seed));
            // red grows with x: left of right without a flip, right of left with one
            if (out[0] > out[7]) {
                sawFlip = true;
            } else {
                sawPlain = true;
            }
        }
        assertTrue(sawFlip && sawPlain);
    }
}
