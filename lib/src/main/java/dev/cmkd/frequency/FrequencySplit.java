package dev.cmkd.frequency;

import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which bins of a feature's discrete Fourier spectrum form the low band, the high band and the DC
 * bin.
 *
 * <p><b>1-D, along channels</b> ({@link Builder#setChannels}), as in FD-CMKD's released code: for a
 * feature of {@code n} channels the bin {@code k} of the full spectrum has frequency {@code f(k) =
 * min(k, n - k)}, from 0 (DC) to {@code floor(n/2)} (Nyquist). With {@code L = round(r *
 * floor(n/2))} for the cutoff ratio {@code r}:
 *
 * <pre>
 *   DC   = { k : f(k) = 0 }
 *   LOW  = { k : 1 &lt;= f(k) &lt;= L }
 *   HIGH = { k : L &lt;  f(k) }
 * </pre>
 *
 * For {@code n = 512, r = 0.5} this is the released code's split: low keeps rfft bins 1..128, high
 * keeps 129..256 (Liu et al., "Distilling Cross-Modal Knowledge via Feature Disentanglement", AAAI
 * 2026, arXiv 2511.19887, Eq. 2).
 *
 * <p><b>2-D, over spatial axes</b> ({@link Builder#setSpatial}), for dense feature maps (our
 * extension: the released code has no dense case). For an {@code h x w} map the bin {@code (ky, kx)}
 * has normalised radius {@code rho = sqrt((fy / floor(h/2))^2 + (fx / floor(w/2))^2)} with {@code fy
 * = min(ky, h - ky)}, {@code fx = min(kx, w - kx)} (an axis of length 1 contributes 0); LOW is {@code
 * 0 < rho <= r}, HIGH is {@code rho > r}.
 *
 * <p>Every band is closed under {@code k -> n - k}, so band-passing a real feature gives a real
 * feature. Instances are immutable.
 */
public final class FrequencySplit {

    private final int[] grid;
    private final double cutoffRatio;
    private final DcMode dcMode;
    private final Band[] naturalBands;

    private FrequencySplit(Builder builder) {
        this.grid = builder.grid;
        this.cutoffRatio = builder.cutoffRatio;
        this.dcMode = builder.dcMode;
        this.naturalBands = new Band[size()];
        for (int bin = 0; bin < naturalBands.length; bin++) {
            naturalBands[bin] = classify(bin);
        }
    }

    /** Returns a builder; call exactly one of {@code setChannels} and {@code setSpatial}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns whether this split runs over the last two (spatial) axes rather than the last one. */
    public boolean isSpatial() {
        return grid.length == 2;
    }

    /** Returns the number of bins of the full spectrum: {@code n}, or {@code h * w}. */
    public int size() {
        return isSpatial() ? grid[0] * grid[1] : grid[0];
    }

    /** Returns the lengths of the transformed axes: {@code {n}} or {@code {h, w}}. */
    public long[] fftSizes() {
        return Arrays.stream(grid).asLongStream().toArray();
    }

    /** Returns the transformed axes: {@code {-1}} or {@code {-2, -1}}. */
    public long[] fftAxes() {
        return isSpatial() ? new long[] {-2, -1} : new long[] {-1};
    }

    /** Returns the shape of a mask over the full spectrum: {@code (n)} or {@code (h, w)}. */
    public Shape maskShape() {
        return new Shape(fftSizes());
    }

    /** Returns where the DC bin goes. */
    public DcMode dcMode() {
        return dcMode;
    }

    /** Returns the bands this split produces, in the order {@link FrequencyDecoupling} outputs them. */
    public Band[] outputBands() {
        return dcMode.outputBands();
    }

    /** Returns the band the full-spectrum bin (row-major for 2-D) belongs to, before DC routing. */
    public Band naturalBand(int bin) {
        return naturalBands[bin];
    }

    /** Returns the number of full-spectrum bins whose frequency routes them to {@code band}. */
    public int binCount(Band band) {
        return (int) Arrays.stream(naturalBands).filter(natural -> dcMode.route(natural) == band).count();
    }

    /** Returns the 0/1 mask over the full spectrum (row-major) that keeps {@code band}. */
    public double[] mask(Band band) {
        return Arrays.stream(naturalBands).mapToDouble(natural -> dcMode.route(natural) == band ? 1 : 0).toArray();
    }

    /**
     * Returns the real {@code N x N} matrix {@code P = Re(F^-1 M F)} (row-major, {@code N = size()})
     * such that {@code x P} band-passes the rows {@code x} to {@code band}. {@code P} is circulant and
     * symmetric: {@code P[j][k] = (1/N) sum over kept bins b of cos(2 pi <b, j - k> / n)}.
     */
    public double[] projection(Band band) {
        double[] mask = mask(band);
        int rows = isSpatial() ? grid[0] : 1;
        int cols = isSpatial() ? grid[1] : grid[0];
        int n = size();
        double[] kernel = new double[n];
        for (int dy = 0; dy < rows; dy++) {
            for (int dx = 0; dx < cols; dx++) {
                double sum = 0;
                for (int by = 0; by < rows; by++) {
                    for (int bx = 0; bx < cols; bx++) {
                        if (mask[by * cols + bx] != 0) {
                            double phase = (double) (by * dy % rows) / rows + (double) (bx * dx % cols) / cols;
                            sum += Math.cos(2 * Math.PI * phase);
                        }
                    }
                }
                kernel[dy * cols + dx] = sum / n;
            }
        }
        double[] matrix = new double[n * n];
        for (int j = 0; j < n; j++) {
            int jy = j / cols;
            int jx = j % cols;
            for (int k = 0; k < n; k++) {
                int dy = Math.floorMod(jy - k / cols, rows);
                int dx = Math.floorMod(jx - k % cols, cols);
                matrix[j * n + k] = kernel[dy * cols + dx];
            }
        }
        return matrix;
    }

    private Band classify(int bin) {
        if (!isSpatial()) {
            int frequency = Math.min(bin, grid[0] - bin);
            if (frequency == 0) {
                return Band.DC;
            }
            return frequency <= lowBinCount() ? Band.LOW : Band.HIGH;
        }
        int fy = Math.min(bin / grid[1], grid[0] - bin / grid[1]);
        int fx = Math.min(bin % grid[1], grid[1] - bin % grid[1]);
        if (fy == 0 && fx == 0) {
            return Band.DC;
        }
        double ry = grid[0] / 2 == 0 ? 0 : (double) fy / (grid[0] / 2);
        double rx = grid[1] / 2 == 0 ? 0 : (double) fx / (grid[1] / 2);
        return Math.sqrt(ry * ry + rx * rx) <= cutoffRatio + 1e-12 ? Band.LOW : Band.HIGH;
    }

    /** 1-D only: returns {@code L}, the number of non-DC frequencies in the low band. */
    public int lowBinCount() {
        if (isSpatial()) {
            throw new IllegalStateException("lowBinCount() is defined for channel splits only");
        }
        return (int) Math.round(cutoffRatio * (grid[0] / 2));
    }

    @Override
    public String toString() {
        String where = isSpatial() ? String.format(Locale.ROOT, "spatial %dx%d", grid[0], grid[1])
                                   : "channels " + grid[0];
        return String.format(Locale.ROOT, "FrequencySplit(%s, cutoff %.4g, DC %s)", where, cutoffRatio, dcMode);
    }

    /** Builder in DJL's style: {@code set*} required, {@code opt*} optional. */
    public static final class Builder {

        private int[] grid;
        private double cutoffRatio = 0.5;
        private DcMode dcMode = DcMode.EXCLUDED;

        private Builder() {}

        /** Required (or {@link #setSpatial}): a 1-D split of the last axis, of length {@code n}. */
        public Builder setChannels(int n) {
            this.grid = new int[] {n};
            return this;
        }

        /** Required (or {@link #setChannels}): a 2-D split of the last two axes, of size {@code h x w}. */
        public Builder setSpatial(int height, int width) {
            this.grid = new int[] {height, width};
            return this;
        }

        /**
         * Optional: the cutoff ratio {@code r} in (0, 1). Default 0.5, the released code's "half of the
         * non-DC bins".
         */
        public Builder optCutoffRatio(double ratio) {
            this.cutoffRatio = ratio;
            return this;
        }

        /** Optional: where the DC bin goes. Default {@link DcMode#EXCLUDED}, as in training. */
        public Builder optDcMode(DcMode mode) {
            this.dcMode = mode;
            return this;
        }

        /** Validates and builds the split. */
        public FrequencySplit build() {
            if (grid == null) {
                throw new IllegalArgumentException("FrequencySplit: call setChannels(n) or setSpatial(h, w)");
            }
            for (int length : grid) {
                if (length < 1) {
                    throw new IllegalArgumentException(
                            "FrequencySplit: axis length " + length + " must be at least 1");
                }
            }
            if (!(cutoffRatio > 0 && cutoffRatio < 1)) {
                throw new IllegalArgumentException(
                        "FrequencySplit: cutoffRatio " + cutoffRatio + " must lie strictly between 0 and 1");
            }
            if (dcMode == null) {
                throw new IllegalArgumentException("FrequencySplit: dcMode must not be null");
            }
            FrequencySplit split = new FrequencySplit(this);
            for (Band band : new Band[] {Band.LOW, Band.HIGH}) {
                if (Arrays.stream(split.naturalBands).noneMatch(natural -> natural == band)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "FrequencySplit: the %s band of %s is empty; choose a cutoffRatio that leaves"
                                    + " non-DC bins on both sides (axis lengths %s)",
                            band, split, Arrays.toString(grid)));
                }
            }
            return split;
        }
    }
}
