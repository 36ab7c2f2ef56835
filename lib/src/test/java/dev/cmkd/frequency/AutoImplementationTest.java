package dev.cmkd.frequency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.NetworkOutput;

import org.junit.jupiter.api.Test;

/**
 * {@link Implementation#AUTO}: which path it picks at which size, that an explicit choice wins, that it is FD-CMKD's
 * default for pooled features, and that the path it picks gives what the other path gives (values and gradients).
 */
class AutoImplementationTest {

    @Test
    void picksProjectionBelowTheThresholdAndFftFromIt() {
        assertEquals(1024, Implementation.FFT_FROM);
        for (int n : new int[] {2, 64, 128, 256, 512, 1023}) {
            assertEquals(Implementation.PROJECTION, Implementation.forSize(n), "n = " + n);
            assertEquals(Implementation.PROJECTION, Implementation.AUTO.resolve(n), "n = " + n);
        }
        for (int n : new int[] {1024, 2048, 4096}) {
            assertEquals(Implementation.FFT, Implementation.forSize(n), "n = " + n);
        }
        assertEquals(Implementation.FFT, Implementation.FFT.resolve(16), "an explicit choice wins");
        assertEquals(Implementation.PROJECTION, Implementation.PROJECTION.resolve(4096), "an explicit choice wins");
        // a spatial split counts h w bins
        assertEquals(Implementation.PROJECTION, new FrequencyDecoupling(FrequencySplit.builder().setSpatial(7, 7)
                .build(), Implementation.AUTO).getImplementation());
        assertEquals(Implementation.FFT, new FrequencyDecoupling(FrequencySplit.builder().setSpatial(32, 32)
                .build(), Implementation.AUTO).getImplementation());
    }

    @Test
    void fdCmkdDefaultsToAutoForVectorsAndKeepsFftForMapsAndExplicitChoices() {
        assertEquals(Implementation.PROJECTION, vector(512, null).getImplementation(), "the paper's D: as before");
        assertTrue(vector(512, null).toString().contains("implementation=PROJECTION"), "methodConfig as before");
        assertEquals(Implementation.FFT, vector(1024, null).getImplementation());
        assertEquals(Implementation.FFT, vector(2048, null).getDecoupling().getImplementation());
        assertEquals(Implementation.PROJECTION, vector(2048, Implementation.PROJECTION).getImplementation());
        assertEquals(Implementation.FFT, vector(64, Implementation.FFT).getImplementation());
        assertEquals(Implementation.FFT, FdCmkd.builder().setFeatureDim(8).setNumClasses(3)
                .optFeatureLayout(FeatureLayout.MAP).build().getImplementation());
    }

    @Test
    void theAutomaticPathGivesTheOtherPathsObjectiveAndGradient() {
        for (int dim : new int[] {256, 1024}) {
            Implementation auto = Implementation.forSize(dim);
            Implementation other = auto == Implementation.FFT ? Implementation.PROJECTION : Implementation.FFT;
            try (NDManager manager = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(3);
                NDArray student = manager.randomNormal(new Shape(8, dim));
                NDArray teacher = manager.randomNormal(new Shape(8, dim));
                NDArray logits = manager.randomNormal(new Shape(8, 4));
                NDArray labels = manager.create(new long[] {0, 1, 2, 3, 0, 1, 2, 3});
                float[][] a = objective(manager, vector(dim, null), student, teacher, logits, labels);
                float[][] b = objective(manager, vector(dim, other), student, teacher, logits, labels);
                assertEquals(b[0][0], a[0][0], 1e-5 * Math.max(1, Math.abs(b[0][0])), "objective at D = " + dim);
                double worst = 0;
                double scale = 0;
                for (int i = 0; i < a[1].length; i++) {
                    worst = Math.max(worst, Math.abs(a[1][i] - b[1][i]));
                    scale = Math.max(scale, Math.abs(b[1][i]));
                }
                assertTrue(worst <= 1e-4 * Math.max(scale, 1e-6), "gradient at D = " + dim + ": max |diff| " + worst
                        + " of " + scale);
            }
        }
    }

    /** FD-CMKD at {@code dim} with a fixed initialisation; {@code implementation} null: the default. */
    private static FdCmkd vector(int dim, Implementation implementation) {
        FdCmkd.Builder builder = FdCmkd.builder().setFeatureDim(dim).setNumClasses(4);
        return (implementation == null ? builder : builder.optImplementation(implementation)).build();
    }

    /** Returns {@code {{total}, gradient w.r.t. the student feature}}. */
    private static float[][] objective(NDManager manager, FdCmkd method, NDArray student, NDArray teacher,
            NDArray logits, NDArray labels) {
        Engine.getInstance().setRandomSeed(5);
        int dim = (int) student.getShape().get(1);
        method.initialize(manager, DataType.FLOAT32, dim, 4);
        try (NDManager step = manager.newSubManager()) {
            NDArray feature = student.duplicate();
            feature.attach(step);
            feature.setRequiresGradient(true);
            float total;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = method.evaluate(new ParameterStore(manager, false), new NetworkOutput(logits, feature),
                        new NetworkOutput(logits, teacher), labels, true).total();
                total = loss.getFloat();
                collector.backward(loss);
            }
            return new float[][] {{total}, feature.getGradient().toFloatArray()};
        }
    }
}
