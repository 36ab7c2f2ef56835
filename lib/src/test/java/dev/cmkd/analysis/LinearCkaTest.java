package dev.cmkd.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LinearCkaTest {

    private static double[][] random(Random random, int n, int p) {
        double[][] x = new double[n][p];
        for (double[] row : x) {
            for (int j = 0; j < p; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return x;
    }

    /** A random rotation of the plane (i, j) applied to every row, then scaled and shifted. */
    private static double[][] rotateScaleShift(double[][] x, double angle, double scale, double shift) {
        double[][] y = new double[x.length][];
        for (int s = 0; s < x.length; s++) {
            y[s] = x[s].clone();
            double a = x[s][0];
            double b = x[s][1];
            y[s][0] = Math.cos(angle) * a - Math.sin(angle) * b;
            y[s][1] = Math.sin(angle) * a + Math.cos(angle) * b;
            for (int j = 0; j < y[s].length; j++) {
                y[s][j] = scale * y[s][j] + shift;
            }
        }
        return y;
    }

    @Test
    void identicalAndOrthogonallyTransformedSetsGiveOne() {
        double[][] x = random(new Random(1), 50, 6);
        assertEquals(1, LinearCka.of(x, x), 1e-12);
        assertEquals(1, LinearCka.of(x, rotateScaleShift(x, 0.7, 3.5, -2)), 1e-12);
    }

    @Test
    void independentSetsGiveLittleAndTheValueIsSymmetric() {
        Random random = new Random(2);
        double[][] x = random(random, 400, 5);
        double[][] y = random(random, 400, 3);
        double cka = LinearCka.of(x, y);
        assertTrue(cka >= 0 && cka < 0.05, "independent noise: " + cka);
        assertEquals(cka, LinearCka.of(y, x), 1e-12);
    }

    @Test
    void aHandComputedExample() {
        // X = [[1],[2],[3]] and Y = [[1],[3],[2]]: centred x = (-1, 0, 1), y = (-1, 1, 0);
        // (y.x)^2 / (|x|^2 |y|^2) = 1 / (2 * 2) = 0.25.
        assertEquals(0.25, LinearCka.of(new double[][] {{1}, {2}, {3}}, new double[][] {{1}, {3}, {2}}), 1e-15);
    }

    @Test
    void matchesAnIndependentNumpyImplementation() throws Exception {
        try (var in = getClass().getResourceAsStream("/golden/analysis_golden.json")) {
            var fixture = com.google.gson.JsonParser.parseReader(new java.io.InputStreamReader(in,
                    java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
            var gson = new com.google.gson.Gson();
            for (var element : fixture.getAsJsonArray("cases")) {
                var c = element.getAsJsonObject();
                double[][] x = gson.fromJson(c.get("x"), double[][].class);
                double[][] y = gson.fromJson(c.get("y"), double[][].class);
                assertEquals(c.get("cka").getAsDouble(), LinearCka.of(x, y), 1e-10, c.get("name").getAsString());
            }
        }
    }

    @Test
    void mismatchedSampleCountsAreExplained() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LinearCka.of(new double[3][2], new double[4][2]));
        assertTrue(error.getMessage().contains("3 and 4"), error.getMessage());
    }
}
