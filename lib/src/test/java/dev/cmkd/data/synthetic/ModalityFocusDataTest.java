package dev.cmkd.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cmkd.data.Batch;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.Splits;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator makes what it says: the same data for the same seed; the shapes, the label balance and γ asked for.
 * γ is checked from the data alone (the columns of {@code a} and {@code b} that hold the same values are exactly the
 * {@code k} shared ones) and by what it means: a linear probe fitted on {@code a}'s shared coordinates predicts the
 * label from {@code b}'s as well as from {@code a}'s, and at γ = 0 a probe fitted on {@code a}'s decisive
 * coordinates is at chance on {@code b}'s.
 */
class ModalityFocusDataTest {

    @Test
    void theSameSeedGivesTheSameDataAndAnotherSeedOther() {
        ModalityFocusData data = ModalityFocusData.builder().optGamma(0.25).build();
        float[][] first = values(data.splits(7).train());
        float[][] again = values(data.splits(7).train());
        float[][] other = values(data.splits(8).train());
        assertArrayEquals(first[0], again[0]);
        assertArrayEquals(first[1], again[1]);
        assertArrayEquals(labels((PairedSplit) data.splits(7).test()), labels((PairedSplit) data.splits(7).test()));
        assertNotEquals(first[0][0], other[0][0]);
    }

    @Test
    void shapesSizesAndLabelBalanceAreThePapers() {
        ModalityFocusData data = ModalityFocusData.builder().optGamma(1).build();
        Splits splits = data.splits(0);
        assertEquals(200, splits.train().size());
        assertEquals(200, splits.validation().size());
        assertEquals(1000, splits.test().size());
        PairedSplit test = (PairedSplit) splits.test();
        assertEquals(25, test.sampleShape(0).get(0));
        assertEquals(50, test.sampleShape(1).get(0));
        assertEquals(2, test.numClasses());
        for (long seed = 0; seed < 5; seed++) {
            double ones = IntStream.of(labels((PairedSplit) data.splits(seed).test())).average().orElseThrow();
            assertTrue(ones > 0.4 && ones < 0.6, "seed " + seed + ": a fraction " + ones + " of ones");
        }
        int[] four = labels((PairedSplit) ModalityFocusData.builder().optClasses(4).build().splits(0).test());
        for (int c = 0; c < 4; c++) {
            int label = c;
            assertTrue(IntStream.of(four).filter(y -> y == label).count() > 100, "class " + c + " is rare");
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 1.0 / 9, 0.25, 3.0 / 7, 2.0 / 3, 1})
    void theColumnsThatHoldTheSameValuesAreExactlyTheSharedOnes(double gamma) {
        ModalityFocusData data = ModalityFocusData.builder().optGamma(gamma).build();
        int k = data.sharedDecisive();
        assertEquals(gamma, (double) k / (20 - k), 1e-12);
        assertEquals(gamma, data.realisedGamma(), 1e-12);
        float[][] x = values(data.splits(3).train());
        int identical = 0;
        for (int i = 0; i < 25; i++) {
            for (int j = 0; j < 50; j++) {
                if (column(x[0], 25, i)[0] == column(x[1], 50, j)[0]
                        && java.util.Arrays.equals(column(x[0], 25, i), column(x[1], 50, j))) {
                    identical++;
                    assertTrue(contains(data.sharedColumns(0), i) && contains(data.sharedColumns(1), j)
                            && indexOf(data.sharedColumns(0), i) == indexOf(data.sharedColumns(1), j));
                }
            }
        }
        assertEquals(k, identical);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.25, 1})
    void aProbeFittedOnASharedCoordinatesPredictsFromBsAsWell(double gamma) {
        ModalityFocusData data = ModalityFocusData.builder().optGamma(gamma).optSamples(2000, 1, 4000).build();
        Splits splits = data.splits(11);
        PairedSplit train = (PairedSplit) splits.train();
        PairedSplit test = (PairedSplit) splits.test();
        double[] w = leastSquares(select(values(train)[0], 25, data.sharedColumns(0)), labels(train));
        double fromA = accuracy(w, select(values(test)[0], 25, data.sharedColumns(0)), labels(test));
        double fromB = accuracy(w, select(values(test)[1], 50, data.sharedColumns(1)), labels(test));
        assertEquals(fromA, fromB, 1e-12, "the shared coordinates are the same features in both modalities");
        assertTrue(fromA > 0.6, "the shared coordinates are decisive: probe accuracy " + fromA);
    }

    /**
     * At γ = 0 a probe fitted on {@code a}'s decisive coordinates predicts from {@code a}; applied to {@code b}'s it
     * is at chance on average over seeds (for one seed it is off chance by the random angle between the
     * hyperplane's two halves, about 7 points).
     */
    @Test
    void atGammaZeroNothingIsSharedAndTransferIsAtChance() {
        ModalityFocusData data = ModalityFocusData.builder().optGamma(0).optSamples(1000, 1, 2000).build();
        assertEquals(0, data.sharedColumns(0).length);
        assertEquals(0, data.sharedColumns(1).length);
        int[] decisive = IntStream.range(0, 10).toArray();
        double onA = 0;
        double onB = 0;
        int seeds = 30;
        for (long seed = 0; seed < seeds; seed++) {
            Splits splits = data.splits(seed);
            PairedSplit train = (PairedSplit) splits.train();
            PairedSplit test = (PairedSplit) splits.test();
            double[] w = leastSquares(select(values(train)[0], 25, decisive), labels(train));
            onA += accuracy(w, select(values(test)[0], 25, decisive), labels(test)) / seeds;
            onB += accuracy(w, select(values(test)[1], 50, decisive), labels(test)) / seeds;
        }
        assertTrue(onA > 0.65, "a's decisive coordinates predict the label: " + onA);
        assertTrue(Math.abs(onB - 0.5) < 0.03, "a's probe on b is at chance: " + onB);
    }

    @Test
    void aGammaWithoutAWholeNumberOfSharedFeaturesIsRefusedWithTheChoices() {
        String message = assertThrows(IllegalArgumentException.class, () -> ModalityFocusData.builder()
                .optGamma(0.5).build()).getMessage();
        assertTrue(message.contains("0.2500") && message.contains("0.4286") && message.contains("gamma 0.5"),
                message);
        assertEquals(4, ModalityFocusData.builder().optGamma(0.25).build().sharedDecisive());
        assertEquals(6, ModalityFocusData.builder().optGamma(0.429).build().sharedDecisive());
        assertThrows(IllegalArgumentException.class, () -> ModalityFocusData.builder().optGamma(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> ModalityFocusData.builder().optClasses(1).build());
    }

    /** Both modalities' values of {@code split}, sample after sample. */
    static float[][] values(dev.cmkd.data.BatchSource source) {
        PairedSplit split = (PairedSplit) source;
        try (NDManager manager = NDManager.newBaseManager()) {
            Batch batch = split.batch(manager, IntStream.range(0, split.size()).toArray());
            return new float[][] {batch.input(0).toFloatArray(), batch.input(1).toFloatArray()};
        }
    }

    static int[] labels(PairedSplit split) {
        return IntStream.range(0, split.size()).map(split::label).toArray();
    }

    private static float[] column(float[] values, int dim, int column) {
        float[] out = new float[values.length / dim];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i * dim + column];
        }
        return out;
    }

    static double[][] select(float[] values, int dim, int[] columns) {
        int n = values.length / dim;
        double[][] x = new double[n][columns.length + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < columns.length; j++) {
                x[i][j] = values[i * dim + columns[j]];
            }
            x[i][columns.length] = 1; // intercept
        }
        return x;
    }

    /** Least squares of the targets ±1 on {@code x}: solves {@code (XᵀX) w = Xᵀt} by Gaussian elimination. */
    static double[] leastSquares(double[][] x, int[] labels) {
        int p = x[0].length;
        double[][] a = new double[p][p + 1];
        for (int i = 0; i < x.length; i++) {
            double target = labels[i] == 1 ? 1 : -1;
            for (int r = 0; r < p; r++) {
                for (int c = 0; c < p; c++) {
                    a[r][c] += x[i][r] * x[i][c];
                }
                a[r][p] += x[i][r] * target;
            }
        }
        for (int col = 0; col < p; col++) {
            int pivot = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < p; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= p; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] w = new double[p];
        for (int r = 0; r < p; r++) {
            w[r] = a[r][p] / a[r][r];
        }
        return w;
    }

    static double accuracy(double[] w, double[][] x, int[] labels) {
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            double score = 0;
            for (int j = 0; j < w.length; j++) {
                score += w[j] * x[i][j];
            }
            correct += (score > 0 ? 1 : 0) == labels[i] ? 1 : 0;
        }
        return (double) correct / x.length;
    }

    private static boolean contains(int[] values, int value) {
        return indexOf(values, value) >= 0;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
