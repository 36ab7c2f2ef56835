package dev.cmkd.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

/**
 * The mean-only null model: on features that share nothing but their mean it reproduces the authors' three
 * numbers (issue 14: raw 0.8379, low with DC ≈ 0.912, high ≈ 0), the measured similarity equals it, and features
 * with a real shared fluctuation rise above it.
 */
class MeanOnlyNullTest {

    /** The authors' raw cosine of the two CREMA-D teachers: c = μ² / (μ² + σ²). */
    private static final double AUTHORS_RAW = 0.8379;

    /** Rows of mean {@code mean} plus independent Gaussian fluctuations of standard deviation {@code spread}. */
    private static NDArray meanPlusNoise(NDManager manager, int n, int d, double mean, double spread) {
        return manager.randomNormal(0, 1, new Shape(n, d), DataType.FLOAT64).mul(spread).add(mean);
    }

    /** Two sets sharing a unit-variance fluctuation, each with mean 1 and its own noise of {@code spread}. */
    private static NDArray[] sharedFluctuation(NDManager manager, int n, int d, double spread) {
        NDArray shared = manager.randomNormal(0, 1, new Shape(n, d), DataType.FLOAT64);
        return new NDArray[] {shared.add(meanPlusNoise(manager, n, d, 1, spread)),
            shared.add(meanPlusNoise(manager, n, d, 1, spread))};
    }

    @Test
    void meanOnlyFeaturesReproduceTheAuthorsNumbersAndMatchTheirMeasurement() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // issue 14: 744 samples (CREMA-D's test clips), 512 channels (ResNet-18), c = 0.8379
            Table example = MeanOnlyNull.meanOnlyExample(manager, 744, 512, AUTHORS_RAW, 0.5, 14);
            double predicted = 1 / (1 + (1 / AUTHORS_RAW - 1) / 2); // half the fluctuation in each band
            assertEquals(0.9118, predicted, 1e-4);
            assertEquals(AUTHORS_RAW, value(example, BandSimilarity.RAW, "null"), 0.002);
            assertEquals(predicted, value(example, BandSimilarity.LOW_WITH_DC, "null"), 0.002);
            assertEquals(0, value(example, BandSimilarity.HIGH, "null"));
            assertEquals(0, value(example, BandSimilarity.LOW_WITHOUT_DC, "null"));
            assertEquals(1, value(example, BandSimilarity.DC, "null"));
            assertEquals(predicted, value(example, BandSimilarity.LOW_WITH_DC, "closed form"), 1e-4);
            // The features' measured similarity is the null's, band by band: no agreement beyond the mean.
            for (int row = 0; row < example.rowCount(); row++) {
                assertEquals(0, example.doubleColumn("beyond null").get(row), 0.005, example.print());
            }
            assertEquals(AUTHORS_RAW, value(example, BandSimilarity.RAW, "measured"), 0.005);
            assertEquals(predicted, value(example, BandSimilarity.LOW_WITH_DC, "measured"), 0.005);
            assertEquals(0, value(example, BandSimilarity.HIGH, "measured"), 0.005);
        }
    }

    @Test
    void theNullOfEveryFrequencyBinButDcIsZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(14);
            NDArray a = meanPlusNoise(manager, 200, 64, 1, 0.5);
            NDArray b = meanPlusNoise(manager, 200, 64, -1, 0.5);
            double[] curve = MeanOnlyNull.perFrequency(a, b);
            assertEquals(33, curve.length);
            assertEquals(-1, curve[0], 1e-12);
            assertEquals(0, curve[10]);
            assertEquals(-1, BandSimilarity.perFrequency(a, b)[0], 1e-12);
        }
    }

    private static double value(Table table, String band, String column) {
        return table.doubleColumn(column).get(table.stringColumn("band").indexOf(band));
    }

    @Test
    void theNullKeepsTheSignOfThePreReluMeans() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(15);
            NDArray a = meanPlusNoise(manager, 300, 64, -1, 0.5);
            NDArray b = meanPlusNoise(manager, 300, 64, 2, 1);
            Map<String, Double> none = MeanOnlyNull.cosinePerBand(a, b, 0.5);
            Map<String, Double> measured = BandSimilarity.perBand(a, b, 0.5);
            assertTrue(none.get(BandSimilarity.RAW) < -0.5, "opposite means: " + none);
            assertEquals(-1, none.get(BandSimilarity.DC));
            assertEquals(none.get(BandSimilarity.RAW), measured.get(BandSimilarity.RAW), 0.02);
            assertEquals(none.get(BandSimilarity.LOW_WITH_DC), measured.get(BandSimilarity.LOW_WITH_DC), 0.02);
        }
    }

    @Test
    void aSurrogateKeepsEachSamplesMeanAndSpreadAndItsCosineIsTheNull() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(16);
            NDArray[] pair = sharedFluctuation(manager, 400, 64, 0.3);
            NDArray a = pair[0];
            NDArray b = pair[1];
            NDArray x = MeanOnlyNull.surrogate(a, 1);
            assertArrayEquals(a.mean(new int[] {1}).toDoubleArray(), x.mean(new int[] {1}).toDoubleArray(), 1e-12);
            assertArrayEquals(a.square().sum(new int[] {1}).toDoubleArray(),
                    x.square().sum(new int[] {1}).toDoubleArray(), 1e-9);
            assertArrayEquals(x.toDoubleArray(), MeanOnlyNull.surrogate(a, 1).toDoubleArray(), "seeded");
            // The analytic null is what surrogates of these features measure (their raw cosine is exactly it in
            // expectation; the low band's shares move a little with the shuffle, since the null measures them).
            Map<String, Double> none = MeanOnlyNull.cosinePerBand(a, b, 0.5);
            Map<String, Double> shuffled = BandSimilarity.perBand(x, MeanOnlyNull.surrogate(b, 2), 0.5);
            assertEquals(none.get(BandSimilarity.RAW), shuffled.get(BandSimilarity.RAW), 0.01);
            assertEquals(0, shuffled.get(BandSimilarity.HIGH), 0.02);
            assertEquals(0, shuffled.get(BandSimilarity.LOW_WITHOUT_DC), 0.02);
        }
    }

    @Test
    void aSharedFluctuationGivesAgreementBeyondTheNullInCosineAndCka() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(17);
            NDArray[] pair = sharedFluctuation(manager, 400, 64, 0.5);
            NDArray a = pair[0];
            NDArray b = pair[1];
            Map<String, Double> none = MeanOnlyNull.cosinePerBand(a, b, 0.5);
            Map<String, Double> measured = BandSimilarity.perBand(a, b, 0.5);
            for (String band : new String[] {BandSimilarity.RAW, BandSimilarity.RAW_WITHOUT_DC,
                    BandSimilarity.LOW_WITHOUT_DC, BandSimilarity.LOW_WITH_DC, BandSimilarity.HIGH}) {
                assertTrue(measured.get(band) - none.get(band) > 0.2, band + ": " + measured + " vs null " + none);
            }
            Map<String, Double> ckaNull = MeanOnlyNull.ckaPerBand(a, b, 0.5, 3, 5);
            Map<String, Double> cka = BandSimilarity.ckaPerBand(a, b, 0.5);
            cka.forEach((band, value) -> assertTrue(value - ckaNull.get(band) > 0.2, band + ": " + cka + " vs "
                    + ckaNull));
            assertEquals(ckaNull, MeanOnlyNull.ckaPerBand(a, b, 0.5, 3, 5), "seeded");
        }
    }

    @Test
    void aChannelPermutationLeavesCkaOfTheWholeFeatureUnchangedAndLowersItsCosine() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(18);
            NDArray[] pair = sharedFluctuation(manager, 300, 32, 0.5);
            NDArray a = pair[0];
            NDArray b = pair[1];
            double[][] columns = BandSimilarity.rows(b);
            double[][] shuffled = new double[columns.length][32];
            for (int i = 0; i < columns.length; i++) {
                for (int c = 0; c < 32; c++) {
                    shuffled[i][c] = columns[i][(7 * c + 3) % 32]; // a permutation: 7 is prime to 32
                }
            }
            NDArray permuted = manager.create(shuffled);
            double[][] x = BandSimilarity.rows(a);
            assertEquals(LinearCka.of(x, BandSimilarity.rows(b)), LinearCka.of(x, BandSimilarity.rows(permuted)),
                    1e-12);
            Map<String, Double> cosine = BandSimilarity.perBand(a, b, 0.5);
            Map<String, Double> afterPermutation = BandSimilarity.perBand(a, permuted, 0.5);
            assertTrue(cosine.get(BandSimilarity.RAW) - afterPermutation.get(BandSimilarity.RAW) > 0.2,
                    cosine + " vs " + afterPermutation);
            assertEquals(cosine.get(BandSimilarity.DC), afterPermutation.get(BandSimilarity.DC), 1e-12);
        }
    }
}
