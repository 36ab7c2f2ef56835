package dev.cmkd.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.frequency.Bands;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The mean-only null model of a cross-modal similarity: what two feature sets that share nothing but each
 * sample's channel mean would give. It is the yardstick for FD-CMKD's observation (J. Liu, Y. Zhang, T. Huang,
 * W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via Feature Disentanglement", AAAI 2026, arXiv 2511.19887):
 * the authors' analysis notebook reports, for the two CREMA-D teachers' post-ReLU pooled features, a cosine of
 * 0.9113 for the low band with the DC bin, −0.0234 for the high band and 0.8379 for the raw feature. Those are the
 * values of two vectors with a common mean and independent fluctuations.
 *
 * <p><b>Cosine, analytically.</b> Write each sample's feature {@code a} ({@code D} channels) as {@code a = μ_a 1
 * + e_a}, with the channel mean {@code μ_a}, the fluctuation {@code e_a} (zero mean over the channels), its energy
 * per channel {@code σ_a² = ||e_a||² / D} and the share {@code ρ_a = ||low(e_a)||² / ||e_a||²} of that energy in
 * the low band (measured, not assumed). Then {@code ||a||² = D (μ_a² + σ_a²)} and
 * {@code <a, b> = D μ_a μ_b + <e_a, e_b>}. If the two sides' fluctuations are independent and one of them is
 * symmetric, {@code E <e_a, e_b> = 0} given the norms, so the expected cosine of each sample, given its measured
 * means and band energies, is
 *
 * <pre>
 *   raw            μ_a μ_b / sqrt((μ_a² + σ_a²) (μ_b² + σ_b²))
 *   low with DC    μ_a μ_b / sqrt((μ_a² + ρ_a σ_a²) (μ_b² + ρ_b σ_b²))
 *   DC             sign(μ_a μ_b)
 *   raw without DC, low without DC, high     0
 * </pre>
 *
 * and the null is its mean over the samples. The signs of {@code μ} are kept (a pre-ReLU feature may have a
 * negative mean). With equal sides, {@code c = μ²/(μ² + σ²)} the raw cosine and the fluctuations' energy split
 * evenly ({@code ρ = 1/2}, a flat spectrum along an unordered channel axis), the low band with DC gives {@code
 * 1 / (1 + (1/c − 1)/2)}: 0.9118 for the authors' {@code c = 0.8379}, against their 0.9113.
 *
 * <p><b>CKA, by surrogate.</b> Linear CKA centres over the samples, so a mean-only null is not 0 when the
 * per-sample means co-vary across the samples. Its null is measured on surrogates: each sample's channels
 * shuffled by a permutation of its own, independently on each side ({@link #surrogate}). A surrogate keeps every
 * sample's channel mean and fluctuation energy and destroys any correspondence of channels between the two sides
 * (and across samples); the null is the mean CKA of {@code draws} such pairs, seeded, so it repeats.
 */
public final class MeanOnlyNull {

    private MeanOnlyNull() {}

    /**
     * Returns the mean-only null of {@link BandSimilarity#perBand}: per band (the same keys), the mean over samples
     * of the expected cosine of two features with {@code a}'s and {@code b}'s per-sample means and band energies
     * ({@code [N, D]} each) and independent fluctuations.
     */
    public static Map<String, Double> cosinePerBand(NDArray a, NDArray b, double cutoffRatio) {
        Moments x = Moments.of(a, cutoffRatio);
        Moments y = Moments.of(b, cutoffRatio);
        int n = x.mean.length;
        double raw = 0;
        double lowWithDc = 0;
        double dc = 0;
        for (int i = 0; i < n; i++) {
            double product = x.mean[i] * y.mean[i];
            raw += ratio(product, (sq(x.mean[i]) + x.energy[i]) * (sq(y.mean[i]) + y.energy[i]));
            lowWithDc += ratio(product, (sq(x.mean[i]) + x.lowShare[i] * x.energy[i])
                    * (sq(y.mean[i]) + y.lowShare[i] * y.energy[i]));
            dc += Math.signum(product);
        }
        Map<String, Double> cosine = new LinkedHashMap<>();
        cosine.put(BandSimilarity.RAW, raw / n);
        cosine.put(BandSimilarity.RAW_WITHOUT_DC, 0.0);
        cosine.put(BandSimilarity.DC, dc / n);
        cosine.put(BandSimilarity.LOW_WITHOUT_DC, 0.0);
        cosine.put(BandSimilarity.LOW_WITH_DC, lowWithDc / n);
        cosine.put(BandSimilarity.HIGH, 0.0);
        return cosine;
    }

    /**
     * Returns the mean-only null of {@link BandSimilarity#perFrequency}: at bin 0 (the DC bin) the mean of {@code
     * sign(μ_a μ_b)}, at every other bin 0 (independent fluctuations have independent phases).
     */
    public static double[] perFrequency(NDArray a, NDArray b) {
        double[] x = channelMeans(a);
        double[] y = channelMeans(b);
        double[] curve = new double[Math.toIntExact(a.getShape().get(1)) / 2 + 1];
        for (int i = 0; i < x.length; i++) {
            curve[0] += Math.signum(x[i] * y[i]) / x.length;
        }
        return curve;
    }

    /**
     * Returns the surrogate null of {@link BandSimilarity#ckaPerBand}: per band, the mean over {@code draws} of the
     * CKA of {@link #surrogate}s of {@code a} and {@code b}, drawn with seeds {@code seed + 2d} and {@code seed + 2d
     * + 1} for draw {@code d}.
     */
    public static Map<String, Double> ckaPerBand(NDArray a, NDArray b, double cutoffRatio, int draws, long seed) {
        if (draws < 1) {
            throw new IllegalArgumentException("MeanOnlyNull: draws must be at least 1, was " + draws);
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        for (int d = 0; d < draws; d++) {
            BandSimilarity.ckaPerBand(surrogate(a, seed + 2L * d), surrogate(b, seed + 2L * d + 1), cutoffRatio)
                    .forEach((band, cka) -> mean.merge(band, cka / draws, Double::sum));
        }
        return mean;
    }

    /**
     * Returns {@code x} ({@code [N, D]}) with each row's channels in a random order of its own (Fisher–Yates, seeded
     * by {@code seed}): every sample keeps its channel mean and its fluctuation energy, and loses any channel
     * correspondence with another feature set or another sample.
     */
    public static NDArray surrogate(NDArray x, long seed) {
        double[][] rows = BandSimilarity.rows(x);
        SplittableRandom random = new SplittableRandom(seed);
        double[] shuffled = new double[rows.length * (rows.length == 0 ? 0 : rows[0].length)];
        int at = 0;
        for (double[] row : rows) {
            for (int i = row.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                double swap = row[i];
                row[i] = row[j];
                row[j] = swap;
            }
            System.arraycopy(row, 0, shuffled, at, row.length);
            at += row.length;
        }
        return x.getManager().create(shuffled, x.getShape()).toType(x.getDataType(), false);
    }

    /**
     * The null model checked on features that share nothing but their mean, the case of issue 14: two sets of {@code
     * samples} rows of {@code channels} independent Gaussian values of mean 1 and variance {@code 1/c − 1}, so that
     * their raw cosine is {@code c = rawCosine}, drawn with {@link Random} seeded by {@code seed}. Returns per band
     * the measured mean cosine ({@link BandSimilarity#perBand}), the null ({@link #cosinePerBand}), the measured
     * value beyond the null, and the closed form of a flat spectrum ({@code c} raw, {@code 1 / (1 + (1/c − 1)/2)}
     * low with DC, 1 for DC, 0 otherwise).
     */
    public static Table meanOnlyExample(NDManager manager, int samples, int channels, double rawCosine,
            double cutoffRatio, long seed) {
        Random random = new Random(seed);
        double spread = Math.sqrt(1 / rawCosine - 1);
        NDArray[] pair = new NDArray[2];
        for (int side = 0; side < 2; side++) {
            double[] values = new double[samples * channels];
            for (int i = 0; i < values.length; i++) {
                values[i] = 1 + spread * random.nextGaussian();
            }
            pair[side] = manager.create(values, new Shape(samples, channels));
        }
        Map<String, Double> measured = BandSimilarity.perBand(pair[0], pair[1], cutoffRatio);
        Map<String, Double> none = cosinePerBand(pair[0], pair[1], cutoffRatio);
        Map<String, Double> closed = Map.of(BandSimilarity.RAW, rawCosine, BandSimilarity.DC, 1.0,
                BandSimilarity.LOW_WITH_DC, 1 / (1 + (1 / rawCosine - 1) / 2));
        Table table = Table.create(String.format(Locale.ROOT, "Mean-only features: %d samples, %d channels, raw"
                + " cosine %.4f, independent fluctuations", samples, channels, rawCosine), StringColumn.create("band"),
                DoubleColumn.create("measured"), DoubleColumn.create("null"), DoubleColumn.create("beyond null"),
                DoubleColumn.create("closed form"));
        measured.forEach((band, cosine) -> {
            table.stringColumn("band").append(band);
            table.doubleColumn("measured").append(round(cosine));
            table.doubleColumn("null").append(round(none.get(band)));
            table.doubleColumn("beyond null").append(round(cosine - none.get(band)));
            table.doubleColumn("closed form").append(round(closed.getOrDefault(band, 0.0)));
        });
        return table;
    }

    private static double round(double value) {
        return Math.rint(value * 1e4) / 1e4;
    }

    private static double ratio(double product, double normsSquared) {
        return normsSquared <= 0 ? 0 : product / Math.sqrt(normsSquared);
    }

    private static double sq(double value) {
        return value * value;
    }

    private static double[] channelMeans(NDArray x) {
        return x.toType(DataType.FLOAT64, false).mean(new int[] {1}).toDoubleArray();
    }

    /**
     * Per sample: the channel mean {@code μ}, the fluctuation energy per channel {@code σ²} and the share {@code ρ}
     * of it in the low band (0 for a sample without fluctuation).
     */
    private record Moments(double[] mean, double[] energy, double[] lowShare) {

        static Moments of(NDArray features, double cutoffRatio) {
            NDArray x = features.toType(DataType.FLOAT64, false);
            int dim = Math.toIntExact(x.getShape().get(1));
            Bands bands = BandSimilarity.decoupling(x, cutoffRatio).split(x);
            double[] mean = channelMeans(x);
            double[] fluctuation = x.sub(x.mean(new int[] {1}, true)).square().sum(new int[] {1}).toDoubleArray();
            double[] low = bands.low().square().sum(new int[] {1}).toDoubleArray();
            double[] energy = Arrays.stream(fluctuation).map(e -> e / dim).toArray();
            double[] share = new double[mean.length];
            for (int i = 0; i < share.length; i++) {
                share[i] = fluctuation[i] > 0 ? low[i] / fluctuation[i] : 0;
            }
            return new Moments(mean, energy, share);
        }
    }
}
