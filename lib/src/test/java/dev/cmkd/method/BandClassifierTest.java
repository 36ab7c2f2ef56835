package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The band heads start as PyTorch's {@code nn.Linear} / {@code nn.Conv2d} do (the released code leaves its heads
 * there): weight and bias uniform on {@code [-1/sqrt(D), 1/sqrt(D)]}, so every value lies within the bound, the
 * standard deviation is {@code bound / sqrt(3)} and the mean 0 (checked on 400 x 256 weights and 400 biases).
 */
class BandClassifierTest {

    private static final int D = 256;
    private static final int CLASSES = 400;

    @ParameterizedTest
    @EnumSource(FeatureLayout.class)
    void weightsAndBiasesArePyTorchsDefaultUniform(FeatureLayout layout) {
        double bound = 1 / Math.sqrt(D);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            SequentialBlock head = BandClassifier.create(layout, D, CLASSES);
            head.initialize(manager, DataType.FLOAT32, layout.unitShape(D));
            int checked = 0;
            for (Pair<String, Parameter> p : head.getParameters()) {
                double[] values = p.getValue().getArray().toType(DataType.FLOAT64, false).toDoubleArray();
                double mean = 0;
                double max = 0;
                for (double v : values) {
                    mean += v / values.length;
                    max = Math.max(max, Math.abs(v));
                }
                double variance = 0;
                for (double v : values) {
                    variance += (v - mean) * (v - mean) / values.length;
                }
                double sd = bound / Math.sqrt(3);
                double slack = p.getValue().getType() == Parameter.Type.BIAS ? 0.1 : 0.01; // 400 vs 102,400 draws
                assertTrue(max <= bound, p.getKey() + ": max |value| " + max + " above 1/sqrt(D) = " + bound);
                assertTrue(max > 0.95 * bound, p.getKey() + ": values fill the interval, max " + max);
                assertEquals(sd, Math.sqrt(variance), slack * sd, p.getKey() + ": standard deviation");
                assertEquals(0, mean, 3 * sd / Math.sqrt(values.length), p.getKey() + ": mean");
                checked++;
            }
            assertEquals(2, checked, "a weight and a bias");
        }
    }
}
