package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.cmkd.frequency.Bands;
import dev.cmkd.frequency.Implementation;
import dev.cmkd.testing.Gradients;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Properties of FD-CMKD on dense maps ({@link FeatureLayout#MAP}): the bands reconstruct the map less its mean (spatial mean per channel,
 * or channel mean per position), the band filters are idempotent and orthogonal, both implementations
 * agree, the terms are the documented ones, and only the student receives gradient.
 */
class FdCmkdMapTest {

    private static final int D = 8;
    private static final int K = 3;

    private static FdCmkd method(MapDecoupling decoupling, Implementation implementation, NDManager manager) {
        FdCmkd method = FdCmkd.builder().optFeatureLayout(FeatureLayout.MAP).setFeatureDim(D).setNumClasses(K)
                .optDecoupling(decoupling).optImplementation(implementation).build();
        Engine.getInstance().setRandomSeed(7);
        method.initialize(manager, DataType.FLOAT64, D, K);
        return method;
    }

    private static NDArray map(NDManager manager, int h, int w) {
        Engine.getInstance().setRandomSeed(11);
        return manager.randomNormal(new Shape(2, D, h, w)).toType(DataType.FLOAT64, false).add(
                manager.create(3.0));
    }

    @ParameterizedTest
    @EnumSource(MapDecoupling.class)
    void bandsSumToTheMapLessItsMean(MapDecoupling decoupling) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = map(manager, 4, 6);
            Bands bands = method(decoupling, Implementation.FFT, manager).split(x);
            NDArray mean = decoupling == MapDecoupling.SPATIAL ? x.mean(new int[] {3}, true).mean(new int[] {2}, true)
                    : x.mean(new int[] {1}, true);
            assertTrue(bands.sum().allClose(x.sub(mean), 1e-9, 1e-9, false));
        }
    }

    @ParameterizedTest
    @EnumSource(MapDecoupling.class)
    void filtersAreIdempotentAndOrthogonal(MapDecoupling decoupling) {
        try (NDManager manager = NDManager.newBaseManager()) {
            FdCmkd method = method(decoupling, Implementation.FFT, manager);
            Bands bands = method.split(map(manager, 6, 4));
            Bands ofLow = method.split(bands.low());
            Bands ofHigh = method.split(bands.high());
            assertTrue(ofLow.low().allClose(bands.low(), 1e-9, 1e-9, false), "low(low) = low");
            assertTrue(ofHigh.high().allClose(bands.high(), 1e-9, 1e-9, false), "high(high) = high");
            assertTrue(ofLow.high().abs().max().getDouble() < 1e-9, "high(low) = 0");
            assertTrue(ofHigh.low().abs().max().getDouble() < 1e-9, "low(high) = 0");
            assertTrue(bands.low().abs().max().getDouble() > 0.1 && bands.high().abs().max().getDouble() > 0.1,
                    "both bands carry energy");
        }
    }

    @ParameterizedTest
    @EnumSource(MapDecoupling.class)
    void fftAndProjectionAgree(MapDecoupling decoupling) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = map(manager, 4, 4);
            Bands fft = method(decoupling, Implementation.FFT, manager).split(x);
            Bands projection = method(decoupling, Implementation.PROJECTION, manager).split(x);
            assertTrue(fft.low().allClose(projection.low(), 1e-9, 1e-9, false));
            assertTrue(fft.high().allClose(projection.high(), 1e-9, 1e-9, false));
        }
    }

    /** The spatial split follows the map's size: a training crop and a full image give different grids. */
    @Test
    void spatialSplitAdaptsToTheMapSize() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FdCmkd method = method(MapDecoupling.SPATIAL, Implementation.FFT, manager);
            for (int[] size : new int[][] {{4, 4}, {6, 8}}) {
                NDArray x = map(manager, size[0], size[1]);
                assertEquals(x.getShape(), method.split(x).low().getShape());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MapDecoupling.class)
    void termsAreFiniteAndOnlyTheStudentLearns(MapDecoupling decoupling) {
        try (NDManager manager = NDManager.newBaseManager()) {
            FdCmkd method = method(decoupling, Implementation.FFT, manager);
            NDArray student = map(manager, 4, 4);
            NDArray teacher = map(manager, 4, 4).mul(manager.create(-0.5));
            NDArray logits = manager.randomNormal(new Shape(2, K, 16, 16)).toType(DataType.FLOAT64, false);
            NDArray labels = manager.randomInteger(-1, K, new Shape(2, 16, 16), DataType.INT64);
            student.setRequiresGradient(true);
            teacher.setRequiresGradient(true);
            LossTerms terms;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                terms = method.evaluate(new ParameterStore(manager, false), new NetworkOutput(logits, student),
                        new NetworkOutput(logits, teacher), labels, true);
                collector.backward(terms.total());
            }
            assertEquals(List.of("task", "psiLow", "low", "phiLow", "psiHigh", "high", "phiHigh"),
                    List.copyOf(terms.names()));
            terms.toDoubles().values().forEach(v -> assertTrue(Double.isFinite(v), terms.toDoubles().toString()));
            assertTrue(Gradients.maxAbs(Gradients.doubles(student.getGradient())) > 0);
            assertEquals(0, Gradients.maxAbs(Gradients.doubles(teacher.getGradient())));
            assertEquals(List.of("psiLow", "psiHigh"), List.copyOf(method.auxiliaryLogits(
                    new ParameterStore(manager, false), new NetworkOutput(logits, student), false).keySet()));
        }
    }

    @Test
    void buildChecksItsSettings() {
        assertThrows(IllegalArgumentException.class, () -> FdCmkd.builder().optFeatureLayout(FeatureLayout.MAP)
                .setFeatureDim(2).setNumClasses(3).build());
        assertThrows(IllegalArgumentException.class, () -> FdCmkd.builder().optFeatureLayout(FeatureLayout.MAP)
                .setFeatureDim(8).setNumClasses(3).optCutoffRatio(1.5).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.spec("nope", FeatureLayout.MAP));
        assertTrue(e.getMessage().contains("fd-cmkd-channel"), e.getMessage());
    }

    /**
     * Parameters saved by the former {@code DenseFdCmkd(D=8, K=3)} (seed 5, before it was folded into FdCmkd) load
     * into FdCmkd(MAP) of either split, and the terms and band-head logits on a fixed input are those the old
     * class gave (recorded from it in float32).
     */
    @ParameterizedTest
    @EnumSource(MapDecoupling.class)
    void oldDenseFdCmkdParametersLoad(MapDecoupling decoupling) throws IOException, MalformedModelException {
        Map<MapDecoupling, Map<String, Double>> expectedTerms = Map.of(
                MapDecoupling.SPATIAL, Map.of("task", 1.1815515756607056, "psiLow", 1.1978178024291992,
                        "low", 0.014573064632713795, "phiLow", 2.331867218017578, "psiHigh", 1.1452077627182007,
                        "high", 0.013514506630599499, "phiHigh", 2.216282844543457, "total", 8.100814819335938),
                MapDecoupling.CHANNEL, Map.of("task", 1.1815515756607056, "psiLow", 1.120427131652832,
                        "low", 0.16664673388004303, "phiLow", 2.214522361755371, "psiHigh", 1.102800965309143,
                        "high", 0.13015615940093994, "phiHigh", 2.4119691848754883, "total", 8.328073501586914));
        Map<MapDecoupling, Map<String, float[]>> expectedHeads = Map.of(
                MapDecoupling.SPATIAL, Map.of(
                        "psiLow", new float[] {0.3608165f, 0.3608165f, 0.3646388f, 0.3646388f, 0.32188082f,
                            0.32188082f, 45.669968f},
                        "psiHigh", new float[] {-0.03457529f, -0.03457529f, 0.0f, 0.0f, -0.06877642f, -0.06877642f,
                            -15.311592f}),
                MapDecoupling.CHANNEL, Map.of(
                        "psiLow", new float[] {0.38677514f, 0.38677514f, 0.5548995f, 0.5548995f, 0.5036133f,
                            0.5036133f, 30.282032f},
                        "psiHigh", new float[] {0.029281301f, 0.029281301f, 0.05143106f, 0.05143106f, 0.06654996f,
                            0.06654996f, -7.9981947f}));
        try (NDManager manager = NDManager.newBaseManager()) {
            FdCmkd method = FdCmkd.builder().optFeatureLayout(FeatureLayout.MAP).setFeatureDim(D).setNumClasses(K)
                    .optDecoupling(decoupling).build();
            try (DataInputStream in = new DataInputStream(FdCmkdMapTest.class.getResourceAsStream(
                    "dense-fdcmkd-d8-k3.params"))) {
                method.loadParameters(manager, in);
            }
            NDArray s = manager.arange(0f, 2 * 8 * 4 * 4).reshape(2, 8, 4, 4).mul(0.37).sin().add(0.5);
            NDArray t = manager.arange(0f, 2 * 8 * 4 * 4).reshape(2, 8, 4, 4).mul(0.23).cos().mul(2);
            NDArray z = manager.arange(0f, 2 * 3 * 8 * 8).reshape(2, 3, 8, 8).mul(0.11).sin();
            NDArray y = manager.arange(0, 2 * 8 * 8).reshape(2, 8, 8).mod(4).sub(1).toType(DataType.INT64, false);
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Double> terms = method.evaluate(store, new NetworkOutput(z, s), new NetworkOutput(z, t), y,
                    false).toDoubles();
            assertEquals(List.of("task", "psiLow", "low", "phiLow", "psiHigh", "high", "phiHigh", "total"),
                    List.copyOf(terms.keySet()));
            expectedTerms.get(decoupling).forEach((name, value) -> assertEquals(value, terms.get(name),
                    1e-6 * Math.abs(value), name));
            Map<String, NDArray> heads = method.auxiliaryLogits(store, new NetworkOutput(z, s), false);
            assertEquals(List.of("psiLow", "psiHigh"), List.copyOf(heads.keySet()));
            expectedHeads.get(decoupling).forEach((name, expected) -> {
                NDArray logits = heads.get(name);
                assertEquals(new Shape(2, K, 8, 8), logits.getShape(), name);
                float[] values = logits.toFloatArray();
                for (int i = 0; i < 6; i++) {
                    assertEquals(expected[i], values[i], 1e-6, name + "[" + i + "]");
                }
                assertEquals(expected[6], logits.sum().getFloat(), 1e-4, name + " sum");
            });
            assertEquals(List.of("01psiLow", "02psiHigh", "03phiLow", "04phiHigh"), method.getChildren().keys(),
                    "no decoupling child on maps, as the old class");
        }
    }
}
