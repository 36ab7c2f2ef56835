package dev.cmkd.frequency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.testing.Gradients;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of the band split that hold for every configuration and both implementations. */
class FrequencyDecouplingTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(7);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static Stream<Arguments> configurations() {
        List<Arguments> cases = new ArrayList<>();
        FrequencySplit[] splits = {
            FrequencySplit.builder().setChannels(512).build(),
            FrequencySplit.builder().setChannels(512).optDcMode(DcMode.IN_LOW).build(),
            FrequencySplit.builder().setChannels(9).optCutoffRatio(0.25).optDcMode(DcMode.SEPARATE).build(),
            FrequencySplit.builder().setChannels(64).optCutoffRatio(0.75).build(),
            FrequencySplit.builder().setSpatial(7, 7).optDcMode(DcMode.SEPARATE).build(),
            FrequencySplit.builder().setSpatial(4, 6).optCutoffRatio(0.4).optDcMode(DcMode.IN_LOW).build(),
        };
        for (FrequencySplit split : splits) {
            for (Implementation implementation : Implementation.values()) {
                cases.add(Arguments.of(split, implementation));
            }
        }
        return cases.stream();
    }

    private NDArray input(FrequencySplit split, DataType type) {
        Shape shape = split.isSpatial() ? new Shape(3, 2).addAll(split.maskShape()) : new Shape(5, split.size());
        return manager.randomNormal(0, 1, shape, DataType.FLOAT64).add(0.7).toType(type, false);
    }

    private static NDArray mean(FrequencySplit split, NDArray x) {
        // DJL's PyTorch engine reduces one axis at a time.
        NDArray rows = x.mean(new int[] {-1}, true);
        return split.isSpatial() ? rows.mean(new int[] {-2}, true) : rows;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void bandsReconstructTheInput(FrequencySplit split, Implementation implementation) {
        FrequencyDecoupling block = FrequencyDecoupling.initialized(split, implementation, manager, DataType.FLOAT64);
        NDArray x = input(split, DataType.FLOAT64);
        Bands bands = block.split(x);
        NDArray expected = split.dcMode() == DcMode.EXCLUDED ? x.sub(mean(split, x)) : x;
        assertClose(expected, bands.sum(), 1e-10, split + " reconstruction");
        if (bands.dc() != null) {
            assertClose(mean(split, x).broadcast(x.getShape()), bands.dc(), 1e-10, split + " DC band is the mean");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void bandsAreIdempotentOrthogonalAndSplitTheEnergy(FrequencySplit split, Implementation implementation) {
        FrequencyDecoupling block = FrequencyDecoupling.initialized(split, implementation, manager, DataType.FLOAT64);
        NDArray x = input(split, DataType.FLOAT64);
        Bands bands = block.split(x);
        List<NDArray> parts = new ArrayList<>();
        for (Band band : split.outputBands()) {
            NDArray part = bands.get(band);
            parts.add(part);
            assertClose(part, block.split(part).get(band), 1e-10, split + " " + band + " applied twice");
            for (Band other : split.outputBands()) {
                if (other != band) {
                    assertClose(part.zerosLike(), block.split(part).get(other), 1e-10,
                            split + " " + band + " has no " + other + " content");
                }
            }
        }
        // Parseval: the bands are orthogonal, so their energies add up to the energy of their sum.
        double total = bands.sum().square().sum().getDouble();
        double sumOfParts = parts.stream().mapToDouble(p -> p.square().sum().getDouble()).sum();
        assertEquals(total, sumOfParts, 1e-9 * total, split + " energy split");
        for (int i = 0; i < parts.size(); i++) {
            for (int j = i + 1; j < parts.size(); j++) {
                double inner = parts.get(i).mul(parts.get(j)).sum().getDouble();
                assertEquals(0, inner, 1e-9 * total, split + " bands " + i + "," + j + " orthogonal");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void bandsMatchAPlainJavaDft(FrequencySplit split, Implementation implementation) {
        FrequencyDecoupling block = FrequencyDecoupling.initialized(split, implementation, manager, DataType.FLOAT64);
        NDArray x = input(split, DataType.FLOAT64);
        Bands bands = block.split(x);
        long[] sizes = split.fftSizes();
        int rows = split.isSpatial() ? (int) sizes[0] : 1;
        int cols = (int) sizes[sizes.length - 1];
        double[] values = x.toDoubleArray();
        for (Band band : split.outputBands()) {
            double[] expected = naiveBandPass(values, rows, cols, split.mask(band));
            double diff = Gradients.maxAbsDiff(expected, Gradients.doubles(bands.get(band)));
            assertTrue(diff < 1e-10, split + " " + band + " vs naive DFT: " + diff);
        }
    }

    /** Band-pass by the textbook 2-D DFT of each {@code rows x cols} slice (1-D when rows = 1). */
    private static double[] naiveBandPass(double[] x, int rows, int cols, double[] mask) {
        int n = rows * cols;
        double[] out = new double[x.length];
        for (int offset = 0; offset < x.length; offset += n) {
            double[] re = new double[n];
            double[] im = new double[n];
            for (int ky = 0; ky < rows; ky++) {
                for (int kx = 0; kx < cols; kx++) {
                    for (int y = 0; y < rows; y++) {
                        for (int xx = 0; xx < cols; xx++) {
                            double angle = -2 * Math.PI * ((double) ky * y / rows + (double) kx * xx / cols);
                            re[ky * cols + kx] += x[offset + y * cols + xx] * Math.cos(angle);
                            im[ky * cols + kx] += x[offset + y * cols + xx] * Math.sin(angle);
                        }
                    }
                }
            }
            for (int y = 0; y < rows; y++) {
                for (int xx = 0; xx < cols; xx++) {
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        if (mask[k] != 0) {
                            double angle = 2 * Math.PI * ((double) (k / cols) * y / rows + (double) (k % cols) * xx / cols);
                            sum += re[k] * Math.cos(angle) - im[k] * Math.sin(angle);
                        }
                    }
                    out[offset + y * cols + xx] = sum / n;
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void fftAndProjectionAgreeInFloat32OnValuesAndGradients(FrequencySplit split, Implementation ignored) {
        FrequencyDecoupling fft = FrequencyDecoupling.initialized(split, Implementation.FFT, manager, DataType.FLOAT32);
        FrequencyDecoupling projection =
                FrequencyDecoupling.initialized(split, Implementation.PROJECTION, manager, DataType.FLOAT32);
        NDArray x = input(split, DataType.FLOAT32);
        NDArray target = manager.randomNormal(x.getShape());
        for (Band band : split.outputBands()) {
            assertClose(fft.split(x).get(band), projection.split(x).get(band), 1e-5, split + " " + band + " values");
            // A loss that weighs the bands differently, so the gradient sees each band's filter.
            Function<FrequencyDecoupling, Function<NDArray, NDArray>> loss = block -> leaf -> {
                Bands b = block.split(leaf);
                return b.get(band).sub(target).square().mean().add(b.low().mul(b.high()).sum().mul(0.1));
            };
            double[] viaFft = Gradients.autograd(x, loss.apply(fft));
            double[] viaProjection = Gradients.autograd(x, loss.apply(projection));
            double scale = Math.max(1, Gradients.maxAbs(viaFft));
            assertTrue(Gradients.maxAbsDiff(viaFft, viaProjection) <= 1e-5 * scale,
                    split + " " + band + " gradients differ by " + Gradients.maxAbsDiff(viaFft, viaProjection));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void gradientsMatchFiniteDifferences(FrequencySplit split, Implementation implementation) {
        FrequencyDecoupling block = FrequencyDecoupling.initialized(split, implementation, manager, DataType.FLOAT64);
        Shape shape = split.isSpatial() ? new Shape(1, 1).addAll(split.maskShape()) : new Shape(2, split.size());
        NDArray x = manager.randomNormal(0, 1, shape, DataType.FLOAT64);
        NDArray weights = manager.randomNormal(0, 1, shape, DataType.FLOAT64);
        // A non-quadratic function of both bands.
        Function<NDArray, NDArray> loss = leaf -> {
            Bands b = block.split(leaf);
            return b.low().mul(weights).sum().add(b.high().square().mul(b.high().abs().add(1).log()).sum());
        };
        if (split.size() > 64) { // keep the finite-difference loop small
            return;
        }
        double[] analytic = Gradients.autograd(x, loss);
        double[] numeric = Gradients.finiteDifferences(x, loss, 1e-6);
        double diff = Gradients.maxAbsDiff(analytic, numeric);
        assertTrue(diff < 1e-6 * Math.max(1, Gradients.maxAbs(numeric)), split + " gradient vs FD: " + diff);
    }

    @Test
    void outputsStayOnTheInputsDeviceAndType() {
        FrequencySplit split = FrequencySplit.builder().setChannels(32).optDcMode(DcMode.SEPARATE).build();
        for (Implementation implementation : Implementation.values()) {
            FrequencyDecoupling block = FrequencyDecoupling.initialized(split, implementation, manager, DataType.FLOAT32);
            NDArray x = manager.randomNormal(new Shape(4, 32));
            for (Band band : split.outputBands()) {
                NDArray part = block.split(x).get(band);
                assertEquals(x.getDevice(), part.getDevice(), implementation + " " + band);
                assertEquals(DataType.FLOAT32, part.getDataType(), implementation + " " + band);
                assertEquals(x.getShape(), part.getShape());
            }
            // A float64 input gets float64 filters (copied once) rather than a silent downcast.
            assertEquals(DataType.FLOAT64, block.split(x.toType(DataType.FLOAT64, false)).low().getDataType());
        }
    }

    @Test
    void wrongShapesAndMissingInitializationAreExplained() {
        FrequencySplit split = FrequencySplit.builder().setChannels(32).build();
        FrequencyDecoupling block = FrequencyDecoupling.initialized(split, Implementation.FFT, manager, DataType.FLOAT32);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> block.split(manager.zeros(new Shape(2, 16))));
        assertTrue(shape.getMessage().contains("(2, 16)") && shape.getMessage().contains("(32)"), shape.getMessage());
        FrequencyDecoupling fresh = new FrequencyDecoupling(split, Implementation.PROJECTION);
        Exception uninitialised = assertThrows(IllegalStateException.class,
                () -> fresh.split(manager.zeros(new Shape(2, 32))));
        assertTrue(uninitialised.getMessage().contains("not initialised"), uninitialised.getMessage());
    }

    @Test
    void theBlockHasNoTrainableParametersEvenWhenUnfrozen() {
        FrequencyDecoupling block = FrequencyDecoupling.initialized(
                FrequencySplit.builder().setChannels(16).build(), Implementation.PROJECTION, manager, DataType.FLOAT32);
        block.freezeParameters(false);
        assertEquals(0, block.getParameters().size());
    }

    static void assertClose(NDArray expected, NDArray actual, double tolerance, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        double diff = Gradients.maxAbsDiff(Gradients.doubles(expected), Gradients.doubles(actual));
        assertTrue(diff <= tolerance, what + ": max |diff| " + diff + " > " + tolerance);
    }
}
