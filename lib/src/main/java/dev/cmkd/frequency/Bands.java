package dev.cmkd.frequency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The bands of one feature, each with the feature's shape.
 *
 * @param low the low band
 * @param high the high band
 * @param dc the DC band, or null unless the split's DC mode is {@link DcMode#SEPARATE}
 */
public record Bands(NDArray low, NDArray high, NDArray dc) {

    /** Reads the bands from a {@link FrequencyDecoupling} output: low, high and optionally DC. */
    public static Bands of(NDList output) {
        return new Bands(output.get(0), output.get(1), output.size() > 2 ? output.get(2) : null);
    }

    /** Returns the band, or throws if this split has no such band. */
    public NDArray get(Band band) {
        NDArray array = band == Band.LOW ? low : band == Band.HIGH ? high : dc;
        if (array == null) {
            throw new IllegalArgumentException("no " + band + " band: the split's DC mode is not SEPARATE");
        }
        return array;
    }

    /** Returns the sum of all bands: the input, less its mean when DC is excluded. */
    public NDArray sum() {
        NDArray total = low.add(high);
        return dc == null ? total : total.add(dc);
    }
}
