package dev.cmkd.data.synthetic;

import static dev.cmkd.data.Checks.checkArgument;

import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.Splits;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Two synthetic modalities whose decisive features are partly shared, after the synthetic Gaussian experiment of
 * Z. Xue, Z. Gao, S. Ren, H. Zhao, "The Modality Focusing Hypothesis: Towards Understanding Crossmodal Knowledge
 * Distillation", ICLR 2023, arXiv 2206.06487 (their Figure 2; code: {@code gauss/main.py}, mode {@code
 * increase_gamma}, of https://github.com/zihuixue/MFH).
 *
 * <p><b>The generator.</b> With {@code m} decisive features per modality, of which {@code k} are shared, every
 * sample draws a latent vector of {@code 2m} decisive features and the two modalities' noise dimensions:
 * <pre>
 *   s ~ N(0, I_2m)                                  the decisive features
 *   y = 1[w · s > 0],  w ~ N(0, I_2m)               C = 2 (the paper's rule): a random hyperplane per seed
 *   y = argmax_c (W s)_c,  W ~ N(0, 1)^(C×2m)       C &gt; 2 (our generalisation)
 *   x_b = [ s_0 … s_(m−1),        ε_b ],  ε_b ~ N(0, I_(n_b))
 *   x_a = [ s_(m−k) … s_(2m−k−1),  ε_a ],  ε_a ~ N(0, I_(n_a))
 *   γ   = k / (2m − k)        shared decisive features over the union of both modalities' decisive features
 * </pre>
 * so {@code s_(m−k) … s_(m−1)} are shared (modality-general decisive), {@code s_0 … s_(m−k−1)} are specific to
 * {@code b}, {@code s_m … s_(2m−k−1)} specific to {@code a}, and the last {@code k} decisive features are seen by
 * neither: each modality always sees {@code m} of the {@code 2m} features the label depends on, so its own
 * accuracy does not change with γ — only the overlap does. {@link #sharedColumns} gives the shared
 * features' columns in each modality, in matching order. The hyperplane is drawn from the seed; the three splits draw
 * independent samples from it; a sample's latent and noise values do not depend on γ, so the runs of one seed at
 * two values of γ differ only in which decisive features {@code a} sees.
 *
 * <p><b>Defaults</b> (the paper's code): {@code m = 10} decisive features per modality; {@code a} (the paper's
 * {@code x1}, the teacher) has {@code 25} dimensions (15 noise), {@code b} ({@code x2}, the student) {@code 50} (40
 * noise); 200 training and 1000 test samples; 2 classes; γ = 1. Ours: a validation split of 200 samples (the paper
 * has none and reports the last epoch's test accuracy); the optional {@code C &gt; 2} rule.
 *
 * <p><b>Where it differs from the authors' code</b>: their γ grid comes from {@code k = 0, 2, …, 10}; here γ is
 * asked for and must give a whole {@code k = 2mγ / (1 + γ)} (within 0.02), so the paper's grid is 0, 1/9, 1/4, 3/7,
 * 2/3, 1 with {@code m = 10}. Their {@code x1} keeps its decisive features at columns {@code m−k …} among the noise;
 * here they come first (column order means nothing to the networks). Their train and test data come from two numpy
 * seeds ({@code s}, {@code s+1}); here from {@link SplittableRandom} streams split off the seed. Values are float32.
 */
public final class ModalityFocusData {

    /** The modalities' names: {@code a} (the paper's {@code x1}, its teacher) and {@code b} ({@code x2}). */
    public static final List<String> MODALITIES = List.of("a", "b");

    private static final double WHOLE_TOLERANCE = 0.02;

    private final double gamma;
    private final int decisive;
    private final int shared;
    private final int noiseA;
    private final int noiseB;
    private final int trainSamples;
    private final int validationSamples;
    private final int testSamples;
    private final int classes;

    private ModalityFocusData(Builder builder) {
        this.gamma = builder.gamma;
        this.decisive = builder.decisive;
        this.shared = sharedFor(builder.gamma, builder.decisive);
        this.noiseA = builder.noiseA;
        this.noiseB = builder.noiseB;
        this.trainSamples = builder.trainSamples;
        this.validationSamples = builder.validationSamples;
        this.testSamples = builder.testSamples;
        this.classes = builder.classes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the shared decisive features {@code k = 2mγ / (1 + γ)} for {@code gamma} and {@code m = decisive},
     * or throws naming the values of γ that give a whole {@code k}.
     */
    public static int sharedFor(double gamma, int decisive) {
        checkArgument(gamma >= 0 && gamma <= 1, "ModalityFocusData: gamma " + gamma + " must lie in [0, 1]");
        double k = 2.0 * decisive * gamma / (1 + gamma);
        long whole = Math.round(k);
        if (Math.abs(k - whole) > WHOLE_TOLERANCE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "ModalityFocusData: gamma %s gives"
                    + " k = 2m·gamma/(1+gamma) = %.3f shared of m = %d decisive features, not a whole number; with"
                    + " m = %d gamma can be one of %s", gamma, k, decisive, decisive, representable(decisive)));
        }
        return (int) whole;
    }

    /** Returns the values {@code k / (2m − k)}, {@code k = 0 … m}, γ can take with {@code m} decisive features. */
    public static List<String> representable(int decisive) {
        return IntStream.rangeClosed(0, decisive).mapToObj(k -> String.format(Locale.ROOT, "%.4f",
                (double) k / (2 * decisive - k))).toList();
    }

    public double gamma() {
        return gamma;
    }

    /** Returns γ as realised, {@code k / (2m − k)}. */
    public double realisedGamma() {
        return (double) shared / (2 * decisive - shared);
    }

    /** Returns {@code k}, the decisive features both modalities see. */
    public int sharedDecisive() {
        return shared;
    }

    public int classes() {
        return classes;
    }

    /** Returns the dimension of modality {@code m} (0: {@code a}, 1: {@code b}). */
    public int dimension(int modality) {
        return decisive + (modality == 0 ? noiseA : noiseB);
    }

    /**
     * Returns the columns of the {@code k} shared decisive features in modality {@code modality} (0: {@code a},
     * 1: {@code b}), in the same order in both: column {@code j} of the result holds the same latent feature in
     * both modalities. Empty at γ = 0.
     */
    public int[] sharedColumns(int modality) {
        int offset = modality == 0 ? 0 : decisive - shared;
        return IntStream.range(0, shared).map(j -> offset + j).toArray();
    }

    /** Returns the three splits of {@code seed}: train, validation, test. */
    public Splits splits(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        double[][] hyperplanes = new double[classes == 2 ? 1 : classes][2 * decisive];
        for (double[] row : hyperplanes) {
            for (int i = 0; i < row.length; i++) {
                row[i] = root.nextGaussian();
            }
        }
        return new Splits(split("train", trainSamples, hyperplanes, root.split()),
                split("val", validationSamples, hyperplanes, root.split()),
                split("test", testSamples, hyperplanes, root.split()));
    }

    private PairedSplit split(String name, int n, double[][] hyperplanes, SplittableRandom random) {
        int dimA = dimension(0);
        int dimB = dimension(1);
        float[] a = new float[n * dimA];
        float[] b = new float[n * dimB];
        int[] labels = new int[n];
        double[] s = new double[2 * decisive];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < s.length; j++) {
                s[j] = random.nextGaussian();
            }
            labels[i] = label(s, hyperplanes);
            for (int j = 0; j < decisive; j++) {
                b[i * dimB + j] = (float) s[j];
                a[i * dimA + j] = (float) s[decisive - shared + j];
            }
            for (int j = decisive; j < dimA; j++) {
                a[i * dimA + j] = (float) random.nextGaussian();
            }
            for (int j = decisive; j < dimB; j++) {
                b[i * dimB + j] = (float) random.nextGaussian();
            }
        }
        return new PairedSplit(name, MODALITIES, List.of(a, b), List.of(new Shape(dimA), new Shape(dimB)), labels,
                classes);
    }

    private static int label(double[] s, double[][] hyperplanes) {
        if (hyperplanes.length == 1) {
            return dot(hyperplanes[0], s) > 0 ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < hyperplanes.length; c++) {
            if (dot(hyperplanes[c], s) > dot(hyperplanes[best], s)) {
                best = c;
            }
        }
        return best;
    }

    private static double dot(double[] u, double[] v) {
        double sum = 0;
        for (int i = 0; i < u.length; i++) {
            sum += u[i] * v[i];
        }
        return sum;
    }

    /**
     * Returns the settings that identify the data of a seed (a run's data identity): the generator's name and
     * version, γ asked and realised, {@code m}, {@code k}, the noise dimensions, the split sizes and the classes.
     */
    public Map<String, Object> identity() {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("generator", "ModalityFocusData/1");
        identity.put("gamma", gamma);
        identity.put("realisedGamma", realisedGamma());
        identity.put("decisive", decisive);
        identity.put("shared", shared);
        identity.put("noiseA", noiseA);
        identity.put("noiseB", noiseB);
        identity.put("train", trainSamples);
        identity.put("validation", validationSamples);
        identity.put("test", testSamples);
        identity.put("classes", classes);
        return identity;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ModalityFocusData(gamma=%.4f, m=%d, k=%d, a=%d dims, b=%d dims, %d/%d/%d"
                + " samples, %d classes)", realisedGamma(), decisive, shared, dimension(0), dimension(1), trainSamples,
                validationSamples, testSamples, classes);
    }

    /** Builder in DJL's style; every option is optional, with the paper's values as defaults. */
    public static final class Builder {

        private double gamma = 1;
        private int decisive = 10;
        private int noiseA = 15;
        private int noiseB = 40;
        private int trainSamples = 200;
        private int validationSamples = 200;
        private int testSamples = 1000;
        private int classes = 2;

        private Builder() {}

        /** Sets γ, shared over all decisive features of the two modalities (default 1). */
        public Builder optGamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** Sets {@code m}, the decisive features each modality sees (default 10, the paper's). */
        public Builder optDecisive(int decisive) {
            this.decisive = decisive;
            return this;
        }

        /** Sets the noise dimensions of {@code a} and {@code b} (default 15 and 40, the paper's). */
        public Builder optNoiseDims(int noiseA, int noiseB) {
            this.noiseA = noiseA;
            this.noiseB = noiseB;
            return this;
        }

        /** Sets the samples of the three splits (default 200, 200, 1000: the paper's train and test, our val). */
        public Builder optSamples(int train, int validation, int test) {
            this.trainSamples = train;
            this.validationSamples = validation;
            this.testSamples = test;
            return this;
        }

        /** Sets the number of classes (default 2, the paper's hyperplane; more use {@code argmax W s}). */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        public ModalityFocusData build() {
            require(decisive >= 1, "decisive", decisive, ">= 1");
            require(noiseA >= 0, "noiseA", noiseA, ">= 0");
            require(noiseB >= 0, "noiseB", noiseB, ">= 0");
            require(trainSamples >= 1, "train samples", trainSamples, ">= 1");
            require(validationSamples >= 1, "validation samples", validationSamples, ">= 1");
            require(testSamples >= 1, "test samples", testSamples, ">= 1");
            require(classes >= 2, "classes", classes, ">= 2");
            sharedFor(gamma, decisive);
            return new ModalityFocusData(this);
        }

        private static void require(boolean ok, String name, int value, String allowed) {
            checkArgument(ok, "ModalityFocusData: " + name + " " + value + " must be " + allowed);
        }
    }
}
