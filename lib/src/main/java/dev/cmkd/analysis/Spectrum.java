package dev.cmkd.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.cmkd.frequency.Band;
import dev.cmkd.frequency.Bands;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** The spectrum of features along the channel axis, and how their energy splits over bands. */
public final class Spectrum {

    private Spectrum() {}

    /**
     * Returns the mean over rows of {@code |F_k|^2 / D} for the one-sided bins {@code k = 0 .. floor(D/2)}
     * of features {@code [N, D]}, where {@code F = DFT(row)}. Divided by {@code D}, so that white noise of
     * unit variance has a flat spectrum near 1.
     */
    public static double[] meanPower(NDArray features) {
        int dim = Math.toIntExact(features.getShape().get(1));
        NDArray parts = features.toType(DataType.FLOAT64, false).fft(dim, -1).real(); // [N, D, 2]
        double[] power = parts.square().sum(new int[] {2}).mean(new int[] {0}).div(dim).toDoubleArray();
        return Arrays.copyOf(power, dim / 2 + 1);
    }

    /**
     * Returns each band's share of the energy {@code sum ||x||^2} of the features whose split is {@code
     * bands}; by Parseval the shares of a split with a separate DC band add up to 1.
     */
    public static Map<Band, Double> energyShares(NDArray features, Bands bands) {
        double total = energy(features);
        Map<Band, Double> shares = new EnumMap<>(Band.class);
        for (Band band : Band.values()) {
            if (band != Band.DC || bands.dc() != null) {
                shares.put(band, energy(bands.get(band)) / total);
            }
        }
        return shares;
    }

    private static double energy(NDArray x) {
        return x.toType(DataType.FLOAT64, false).square().sum().getDouble();
    }
}
