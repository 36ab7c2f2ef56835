package dev.cmkd.data.avmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cmkd.data.PairedSplit;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AV-MNIST image degradation: energy kept measured on the output, idempotence, determinism, the loader's knobs. */
class ImagePcaTest {

    private static final int DIM = 49;

    /** {@code n} images of {@code DIM} values: a few strong directions with decreasing scales, plus weak noise. */
    private static float[] images(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] directions = new float[6][DIM];
        for (float[] direction : directions) {
            for (int j = 0; j < DIM; j++) {
                direction[j] = (float) random.nextGaussian();
            }
        }
        float[] values = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < directions.length; d++) {
                double coefficient = random.nextGaussian() / (d + 1);
                for (int j = 0; j < DIM; j++) {
                    values[i * DIM + j] += (float) (coefficient * directions[d][j]);
                }
            }
            for (int j = 0; j < DIM; j++) {
                values[i * DIM + j] += (float) (0.5 + 0.05 * random.nextGaussian());
            }
        }
        return values;
    }

    @Test
    void theEnergyKeptMeasuredOnTheOutputMatchesTheKnob() {
        float[] train = images(300, 1);
        int previous = 0;
        for (double energy : new double[] {0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
            ImagePca pca = ImagePca.fit(train, DIM, energy);
            double measured = pca.energyRatio(train, pca.apply(train));
            assertEquals(pca.energyKept(), measured, 1e-4, "energy " + energy);
            assertTrue(measured >= energy - 1e-4, "kept " + measured + " of " + energy);
            assertTrue(pca.components() >= previous, "more energy, at least as many components");
            previous = pca.components();
            // the fewest components: asking for exactly what they keep gives the same projection
            assertEquals(pca.components(), ImagePca.fit(train, DIM, measured - 1e-9).components());
        }
        ImagePca all = ImagePca.fit(train, DIM, 1.0);
        assertArrayEquals(train, all.apply(train), 1e-4f, "keeping all the energy changes nothing");
        assertEquals(1, ImagePca.fit(train, DIM, 0.01).components());
    }

    @Test
    void theProjectionIsIdempotentAndFittedOnTrainingImagesOnly() {
        float[] train = images(300, 2);
        float[] other = images(50, 3);
        ImagePca pca = ImagePca.fit(train, DIM, 0.6);
        float[] once = pca.apply(other);
        assertArrayEquals(once, pca.apply(once), 1e-4f);
        assertNotEquals(0, IntStream.range(0, other.length).filter(i -> Math.abs(once[i] - other[i]) > 1e-3).count());
        float[] input = other.clone();
        pca.apply(input);
        assertArrayEquals(other, input, "the input is not modified");
    }

    @Test
    void refitsAndReappliesGiveIdenticalArrays() {
        float[] train = images(200, 4);
        float[] a = ImagePca.fit(train, DIM, 0.5).apply(train);
        float[] b = ImagePca.fit(train.clone(), DIM, 0.5).apply(train);
        assertArrayEquals(a, b);
        assertThrows(IllegalArgumentException.class, () -> ImagePca.fit(train, DIM, 0));
        assertThrows(IllegalArgumentException.class, () -> ImagePca.fit(train, DIM, 1.5));
        assertThrows(IllegalArgumentException.class, () -> ImagePca.fit(new float[DIM * 3], DIM, 0.5));
    }

    @Test
    void theLoaderProjectsImagesOnlyKeepsTheAskedEnergyAndLimitsTrainingPairs(@TempDir Path dir) {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        AvMnistTtsLoader plain = AvMnistTtsLoader.builder().optSnrDb(-10).build();
        AvMnistTtsLoader hard = AvMnistTtsLoader.builder().optSnrDb(-10).optImageEnergy(0.6).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String split : AvMnistTtsLoader.SPLITS) {
                PairedSplit before = plain.load(root, split);
                PairedSplit after = hard.load(root, split);
                assertArrayEquals(values(manager, before, 1), values(manager, after, 1), "audio of " + split);
                assertNotEquals(0, IntStream.range(0, before.size() * 784).filter(i -> values(manager, before, 0)[i]
                        != values(manager, after, 0)[i]).count(), "images of " + split);
            }
            ImagePca pca = hard.imageProjection(root);
            float[] train = values(manager, plain.load(root, "train"), 0);
            float[] projected = values(manager, hard.load(root, "train"), 0);
            assertEquals(pca.energyKept(), pca.energyRatio(train, projected), 1e-4);
            assertTrue(pca.energyKept() >= 0.6);
            // the same knobs give the same arrays; the SNR does not touch the images
            AvMnistTtsLoader again = AvMnistTtsLoader.builder().optSnrDb(5).optImageEnergy(0.6).build();
            assertArrayEquals(projected, values(manager, again.load(root, "train"), 0));

            AvMnistTtsLoader few = AvMnistTtsLoader.builder().optTrainPairs(3).build();
            assertEquals(3, few.load(root, "train").size());
            assertEquals(plain.load(root, "val").size(), few.load(root, "val").size());
            assertEquals(plain.load(root, "test").size(), few.load(root, "test").size());
            assertArrayEquals(java.util.Arrays.copyOf(values(manager, plain.load(root, "train"), 1), 3 * 40 * 101),
                    values(manager, AvMnistTtsLoader.builder().optSnrDb(-10).optTrainPairs(3).build()
                            .load(root, "train"), 1), "the first pairs are kept");
        }
        assertThrows(IllegalArgumentException.class, () -> AvMnistTtsLoader.builder().optTrainPairs(0).build());
        assertThrows(IllegalArgumentException.class, () -> AvMnistTtsLoader.builder().optImageEnergy(0).build());
    }

    private static float[] values(NDManager manager, PairedSplit split, int m) {
        try (NDManager scope = manager.newSubManager()) {
            return split.batch(scope, IntStream.range(0, split.size()).toArray()).input(m).toFloatArray();
        }
    }
}
