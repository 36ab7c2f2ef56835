package dev.cmkd.data.avmnist;

import static dev.cmkd.data.Checks.checkArgument;

import java.util.Arrays;
import java.util.Locale;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The AV-MNIST image degradation (Vielzeuf et al., "CentralNet: a Multilayer Approach for Multimodal Fusion",
 * ECCV Workshops 2018, arXiv 1808.07275): images are projected on their leading principal components so that only a
 * fraction of their energy is kept. Fitted on training images only; deterministic (a double-precision covariance
 * summed in sample order, and commons-math's symmetric eigen-decomposition, or its SVD of the covariance when the
 * eigen-decomposition does not converge on a highly degenerate spectrum; all single-threaded).
 *
 * <p>With training images {@code x_1 .. x_n} in {@code R^d}, mean {@code mu = (1/n) sum_i x_i}, covariance {@code C =
 * (1/n) sum_i (x_i - mu)(x_i - mu)^T = U diag(lambda) U^T} with {@code lambda_1 >= lambda_2 >= ...}, and a fraction
 * {@code f} in {@code (0, 1]} of energy to keep, the projection keeps the {@code k} leading components,
 *
 * <pre>
 *   k = min { j : (lambda_1 + ... + lambda_j) / (lambda_1 + ... + lambda_d) >= f },
 *   y = mu + U_k U_k^T (x - mu),
 * </pre>
 *
 * where {@code U_k} holds the first {@code k} eigenvectors. The energy kept on the training images, {@code sum_i
 * ||y_i - mu||^2 / sum_i ||x_i - mu||^2 = (lambda_1 + ... + lambda_k) / sum_j lambda_j}, therefore lies in {@code [f,
 * f + lambda_k / sum_j lambda_j)}; {@link #energyKept()} gives its exact value. The map is an orthogonal projection
 * (shifted by {@code mu}), so applying it twice changes nothing.
 *
 * <p>Choices (ours): energy is measured about the training mean (the mean image carries no class information, and
 * counting it would let a small {@code f} be met by the mean image alone); the <i>leading</i> components are kept, as
 * in AV-MNIST, which leaves a blurred digit whose coarse shape survives and whose strokes go, instead of keeping the
 * fine, noise-like detail of the trailing components.
 */
public final class ImagePca {

    private final double[] mean;
    private final double[][] components;
    private final double energyKept;
    private final double target;

    private ImagePca(double[] mean, double[][] components, double energyKept, double target) {
        this.mean = mean;
        this.components = components;
        this.energyKept = energyKept;
        this.target = target;
    }

    /**
     * Fits the projection that keeps a fraction {@code energy} of the energy of {@code train} ({@code n} images of
     * {@code dim} values each, sample-major).
     *
     * @throws IllegalArgumentException if {@code energy} is not in {@code (0, 1]}, {@code dim} does not divide the
     *     values, or the images are constant
     */
    public static ImagePca fit(float[] train, int dim, double energy) {
        checkArgument(energy > 0 && energy <= 1, "ImagePca: energy " + energy + " must lie in (0, 1]");
        checkArgument(dim >= 1 && train.length > 0 && train.length % dim == 0,
                "ImagePca: " + train.length + " values are not a whole number of images of " + dim + " values");
        int n = train.length / dim;
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                mean[j] += train[i * dim + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            mean[j] /= n;
        }
        double[][] covariance = new double[dim][dim];
        double[] centred = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                centred[j] = train[i * dim + j] - mean[j];
            }
            for (int a = 0; a < dim; a++) {
                double ca = centred[a];
                if (ca == 0) {
                    continue;
                }
                double[] row = covariance[a];
                for (int b = a; b < dim; b++) {
                    row[b] += ca * centred[b];
                }
            }
        }
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                covariance[a][b] /= n;
                covariance[b][a] = covariance[a][b];
            }
        }
        Array2DRowRealMatrix matrix = new Array2DRowRealMatrix(covariance, false);
        double[] values;
        RealMatrix vectors;
        try {
            EigenDecomposition eigen = new EigenDecomposition(matrix);
            values = eigen.getRealEigenvalues();
            vectors = eigen.getV();
        } catch (MaxCountExceededException e) {
            // the QL iteration can stall on highly degenerate spectra (a handful of images): the SVD of the
            // symmetric positive semi-definite covariance gives the same eigenvalues and eigenvectors
            SingularValueDecomposition svd = new SingularValueDecomposition(matrix);
            values = svd.getSingularValues();
            vectors = svd.getU();
        }
        Integer[] order = new Integer[dim];
        Arrays.setAll(order, i -> i);
        double[] eigenvalues = values;
        Arrays.sort(order, (p, q) -> Double.compare(eigenvalues[q], eigenvalues[p]));
        double total = 0;
        for (double value : values) {
            total += Math.max(0, value);
        }
        checkArgument(total > 0, "ImagePca: the training images are constant; nothing to project");
        int k = 0;
        double kept = 0;
        while (k < dim && kept / total < energy) {
            kept += Math.max(0, values[order[k]]);
            k++;
        }
        double[][] components = new double[k][];
        for (int c = 0; c < k; c++) {
            components[c] = vectors.getColumn(order[c]);
        }
        return new ImagePca(mean, components, Math.min(1, kept / total), energy);
    }

    /** Returns the number {@code k} of components kept. */
    public int components() {
        return components.length;
    }

    /** Returns the fraction of the training images' energy the projection keeps (at least the fraction asked). */
    public double energyKept() {
        return energyKept;
    }

    /** Returns {@code values} (images of the fitted dimension, sample-major) projected, as a new array. */
    public float[] apply(float[] values) {
        int dim = mean.length;
        checkArgument(values.length % dim == 0,
                "ImagePca: " + values.length + " values are not whole images of " + dim + " values");
        float[] projected = new float[values.length];
        double[] centred = new double[dim];
        double[] image = new double[dim];
        for (int i = 0; i < values.length / dim; i++) {
            for (int j = 0; j < dim; j++) {
                centred[j] = values[i * dim + j] - mean[j];
            }
            System.arraycopy(mean, 0, image, 0, dim);
            for (double[] u : components) {
                double coefficient = 0;
                for (int j = 0; j < dim; j++) {
                    coefficient += u[j] * centred[j];
                }
                for (int j = 0; j < dim; j++) {
                    image[j] += coefficient * u[j];
                }
            }
            for (int j = 0; j < dim; j++) {
                projected[i * dim + j] = (float) image[j];
            }
        }
        return projected;
    }

    /**
     * Returns the fraction of energy about the fitted mean that {@code projected} keeps of {@code original}: {@code
     * sum ||y - mu||^2 / sum ||x - mu||^2} (measured on the output, as the tests do).
     */
    public double energyRatio(float[] original, float[] projected) {
        int dim = mean.length;
        double before = 0;
        double after = 0;
        for (int i = 0; i < original.length; i++) {
            double m = mean[i % dim];
            before += (original[i] - m) * (original[i] - m);
            after += (projected[i] - m) * (projected[i] - m);
        }
        return after / before;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ImagePca(energy %.3f asked, %.4f kept, %d of %d components)", target,
                energyKept, components.length, mean.length);
    }
}
