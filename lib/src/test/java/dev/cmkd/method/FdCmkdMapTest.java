package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import java.util.List;

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
}
