package dev.cmkd.analysis;

import java.util.Arrays;

/**
 * Linear centred kernel alignment between two sets of features of the same samples (S. Kornblith, M.
 * Norouzi, H. Lee, G. Hinton, "Similarity of Neural Network Representations Revisited", ICML 2019):
 *
 * <pre>
 *   CKA(X, Y) = ||Y^T X||_F^2 / ( ||X^T X||_F ||Y^T Y||_F ),   X, Y centred over the samples
 * </pre>
 *
 * for {@code X} of {@code n x p} and {@code Y} of {@code n x q}. It lies in [0, 1], is 1 for {@code Y = X},
 * and is invariant to orthogonal transforms and isotropic scaling of either set. The earlier version of
 * FD-CMKD reported CKA per band (about 0.30 for the low band vs 0.28 for the whole feature on AVE). Computed
 * in double precision on the CPU (an analysis of a few thousand samples).
 */
public final class LinearCka {

    private LinearCka() {}

    /** Returns CKA of {@code x} ({@code n} rows of {@code p}) and {@code y} ({@code n} rows of {@code q}). */
    public static double of(double[][] x, double[][] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("LinearCka: need the same number (at least 2) of samples, got "
                    + x.length + " and " + y.length);
        }
        double[][] a = centred(x);
        double[][] b = centred(y);
        double cross = frobeniusSquared(gram(b, a));
        double selfX = Math.sqrt(frobeniusSquared(gram(a, a)));
        double selfY = Math.sqrt(frobeniusSquared(gram(b, b)));
        return selfX == 0 || selfY == 0 ? 0 : cross / (selfX * selfY);
    }

    /** Returns {@code u^T v} ({@code columns(u) x columns(v)}). */
    private static double[][] gram(double[][] u, double[][] v) {
        int p = u[0].length;
        int q = v[0].length;
        double[][] g = new double[p][q];
        for (int s = 0; s < u.length; s++) {
            for (int i = 0; i < p; i++) {
                double ui = u[s][i];
                if (ui != 0) {
                    for (int j = 0; j < q; j++) {
                        g[i][j] += ui * v[s][j];
                    }
                }
            }
        }
        return g;
    }

    private static double frobeniusSquared(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).map(v -> v * v).reduce(0, Double::sum);
    }

    private static double[][] centred(double[][] x) {
        int n = x.length;
        int p = x[0].length;
        double[] mean = new double[p];
        for (double[] row : x) {
            if (row.length != p) {
                throw new IllegalArgumentException("LinearCka: rows of different lengths " + p + " and " + row.length);
            }
            for (int j = 0; j < p; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] c = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                c[i][j] = x[i][j] - mean[j];
            }
        }
        return c;
    }
}
