package dev.cmkd.frequency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.Device;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A parameter-free DJL block that splits a feature into frequency bands (FD-CMKD, Eq. 1 to 3):
 *
 * <pre>
 *   F      = DFT(x)                      along the last axis, or the last two for a spatial split
 *   x_band = Re( DFT^-1( F * M_band ) )  for band in {low, high[, dc]}
 * </pre>
 *
 * where {@code M_band} are the 0/1 masks of a {@link FrequencySplit}. Input: {@code NDList(x)}, with
 * {@code x} of shape {@code [..., n]} or {@code [..., h, w]}. Output: {@code NDList(low, high)} or,
 * with {@link DcMode#SEPARATE}, {@code NDList(low, high, dc)}, each shaped like {@code x}.
 *
 * <p>The block has no parameters. The masks ({@link Implementation#FFT}) or the projection matrices
 * ({@link Implementation#PROJECTION}) are constants created once by {@link #initialize} in the model's
 * manager, on its device and in its data type; they are neither trained nor saved. Gradients flow to
 * {@code x} through either path.
 *
 * <p>Paper: J. Liu, Y. Zhang, T. Huang, W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via
 * Feature Disentanglement", AAAI 2026, arXiv 2511.19887.
 */
public class FrequencyDecoupling extends AbstractBlock {

    private final FrequencySplit split;
    private final Implementation implementation;
    /** The constant filters as {@link #initialize} created them, by band. */
    private final Map<Band, NDArray> filters = new EnumMap<>(Band.class);
    /** Copies of the filters on another device or in another data type, made once each. */
    private final Map<String, NDArray> copies = new ConcurrentHashMap<>();

    /**
     * Creates the block.
     *
     * @param split which bins form which band
     * @param implementation FFT (reference), projection matrices, or {@link Implementation#AUTO}: the faster of
     *     the two for the split's size, resolved here ({@link Implementation#forSize})
     */
    public FrequencyDecoupling(FrequencySplit split, Implementation implementation) {
        this.split = split;
        this.implementation = implementation.resolve(split.size());
    }

    /**
     * Returns a block that is already initialised on {@code manager}'s device, for use outside a model
     * (analysis, tests).
     */
    public static FrequencyDecoupling initialized(
            FrequencySplit split, Implementation implementation, NDManager manager, DataType dataType) {
        FrequencyDecoupling block = new FrequencyDecoupling(split, implementation);
        Shape input = split.isSpatial() ? new Shape(1, 1).addAll(split.maskShape()) : new Shape(1, split.size());
        block.initialize(manager, dataType, input);
        return block;
    }

    /** Returns the split this block applies. */
    public FrequencySplit getSplit() {
        return split;
    }

    /** Returns how this block computes the bands: {@link Implementation#FFT} or {@link Implementation#PROJECTION}. */
    public Implementation getImplementation() {
        return implementation;
    }

    /** Creates the constant filters in {@code manager}, on its device, in {@code dataType}. */
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        int n = split.size();
        Shape shape = implementation == Implementation.FFT ? split.maskShape() : new Shape(n, n);
        for (Band band : split.outputBands()) {
            double[] values = implementation == Implementation.FFT ? split.mask(band) : split.projection(band);
            NDArray filter = manager.create(values, shape).toType(dataType, false);
            filters.put(band, filter);
        }
    }

    /** Splits {@code x}; the block must be initialised. */
    public Bands split(NDArray x) {
        return Bands.of(forward(new ParameterStore(x.getManager(), false), new NDList(x), false));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkShape(x.getShape());
        NDArray spectrum = implementation == Implementation.FFT ? spectrum(x) : null;
        NDList bands = new NDList();
        for (Band band : split.outputBands()) {
            NDArray filter = filter(band, x.getDevice(), x.getDataType());
            NDArray part = spectrum != null ? inverse(spectrum.mul(filter)) : project(x, filter);
            part.setName(band.name().toLowerCase(Locale.ROOT));
            bands.add(part);
        }
        return bands;
    }

    /** Returns the filter for {@code band} on {@code device} in {@code dataType}, copied once if new. */
    private NDArray filter(Band band, Device device, DataType dataType) {
        NDArray filter = filters.get(band);
        if (filter == null) {
            throw new IllegalStateException(this + " is not initialised: call initialize(manager, dataType, shape)"
                    + " or use FrequencyDecoupling.initialized(...)");
        }
        if (filter.getDevice().equals(device) && filter.getDataType() == dataType) {
            return filter;
        }
        return copies.computeIfAbsent(band + "/" + device + "/" + dataType,
                key -> filter.toDevice(device, true).toType(dataType, false));
    }

    private NDArray spectrum(NDArray x) {
        long[] sizes = split.fftSizes();
        return split.isSpatial() ? x.fft2(sizes, split.fftAxes()) : x.fft(sizes[0], -1);
    }

    private NDArray inverse(NDArray maskedSpectrum) {
        // DJL 0.29 has no ifft/irfft; ifft2 over one axis is the 1-D inverse. real() is view_as_real.
        return maskedSpectrum.ifft2(split.fftSizes(), split.fftAxes()).real().get("..., 0");
    }

    private NDArray project(NDArray x, NDArray matrix) {
        Shape shape = x.getShape();
        return x.reshape(-1, split.size()).matMul(matrix).reshape(shape);
    }

    private void checkShape(Shape shape) {
        long[] sizes = split.fftSizes();
        int rank = shape.dimension();
        if (rank < sizes.length || !Arrays.equals(shape.slice(rank - sizes.length).getShape(), sizes)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "FrequencyDecoupling: input shape %s does not end in %s as %s requires;"
                            + " build the split for this feature size",
                    shape, new Shape(sizes), split));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] outputs = new Shape[split.outputBands().length];
        Arrays.fill(outputs, inputShapes[0]);
        return outputs;
    }

    @Override
    public String toString() {
        return "FrequencyDecoupling(" + split + ", " + implementation + ")";
    }
}
