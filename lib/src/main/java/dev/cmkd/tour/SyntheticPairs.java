package dev.cmkd.tour;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.PairedSplit;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Paired samples of two synthetic modalities that share only the label. Class {@code c} has one fixed
 * random {@code 1 x S x S} template per modality (independent across modalities); a sample is its
 * class's template times a random gain in [0.5, 1.5] plus Gaussian noise. Labels cycle through the
 * classes. Deterministic in the seed. It exercises the method; it is not a benchmark.
 */
public final class SyntheticPairs {

    private final float[][] templatesA;
    private final float[][] templatesB;
    private final int size;
    private final double noise;

    /**
     * Creates the generator.
     *
     * @param classes the number of classes
     * @param size the side {@code S} of each sample
     * @param noise the standard deviation of the noise; the templates have unit variance
     * @param seed the seed of the templates
     */
    public SyntheticPairs(int classes, int size, double noise, long seed) {
        Random random = new Random(seed);
        this.size = size;
        this.noise = noise;
        this.templatesA = templates(random, classes, size);
        this.templatesB = templates(random, classes, size);
    }

    private static float[][] templates(Random random, int classes, int size) {
        float[][] templates = new float[classes][size * size];
        for (float[] template : templates) {
            for (int i = 0; i < template.length; i++) {
                template[i] = (float) random.nextGaussian();
            }
        }
        return templates;
    }

    /** A batch: modality A {@code [n, 1, S, S]}, modality B likewise, labels {@code [n]} (int64). */
    public record Batch(NDArray modalityA, NDArray modalityB, NDArray labels) {}

    /** Returns batch number {@code index} of {@code n} samples, created in {@code manager}. */
    public Batch batch(NDManager manager, int n, long index) {
        Samples samples = samples(n, index);
        Shape shape = new Shape(n, 1, size, size);
        return new Batch(manager.create(samples.a(), shape), manager.create(samples.b(), shape),
                manager.create(Arrays.stream(samples.labels()).asLongStream().toArray()).toType(DataType.INT64, false));
    }

    /**
     * Returns {@code n} pairs as a {@link PairedSplit} with modalities {@code "a"} and {@code "b"}; samples
     * are those of batch {@code index} of size {@code n}, so different indices give disjoint noise.
     */
    public PairedSplit split(String name, int n, long index) {
        Samples samples = samples(n, index);
        Shape sample = new Shape(1, size, size);
        return new PairedSplit(name, List.of("a", "b"), List.of(samples.a(), samples.b()), List.of(sample, sample),
                samples.labels(), templatesA.length);
    }

    /** The {@code n} samples of batch {@code index}: both modalities, sample after sample, and the labels. */
    private record Samples(float[] a, float[] b, int[] labels) {}

    private Samples samples(int n, long index) {
        Random random = new Random(index * 1_000_003L + 17);
        int pixels = size * size;
        Samples samples = new Samples(new float[n * pixels], new float[n * pixels], new int[n]);
        for (int i = 0; i < n; i++) {
            int label = (int) ((index * n + i) % templatesA.length);
            samples.labels()[i] = label;
            fill(samples.a(), i * pixels, templatesA[label], random);
            fill(samples.b(), i * pixels, templatesB[label], random);
        }
        return samples;
    }

    private void fill(float[] out, int offset, float[] template, Random random) {
        double gain = 0.5 + random.nextDouble();
        for (int j = 0; j < template.length; j++) {
            out[offset + j] = (float) (gain * template[j] + noise * random.nextGaussian());
        }
    }
}
