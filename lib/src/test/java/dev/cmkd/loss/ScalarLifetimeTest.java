package dev.cmkd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.cmkd.method.LossTerms;
import dev.cmkd.testing.Gradients;

import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on the garbage collector. DJL 0.29's {@code NDArray op(Number)} frees its
 * temporary scalar while the autograd graph still uses it; these tests run the garbage collector and
 * reuse freed memory between the forward and the backward pass, where the unfixed code gave wrong
 * gradients almost every time.
 */
class ScalarLifetimeTest {

    private static double[] gradientUnderMemoryPressure(NDArray x, Function<NDArray, NDArray> f) {
        try (NDManager step = x.getManager().newSubManager()) {
            NDArray leaf = x.duplicate();
            leaf.attach(step);
            leaf.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(leaf);
                for (int round = 0; round < 3; round++) {
                    System.gc();
                    for (int i = 0; i < 300; i++) {
                        step.create(new double[] {-777.0 - i}).close();
                    }
                }
                collector.backward(y);
            }
            return Gradients.doubles(leaf.getGradient());
        }
    }

    @Test
    void constantsOutliveTheCallThatMadeThem() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                NDArray x = manager.ones(new Shape(8), type);
                for (int trial = 0; trial < 10; trial++) {
                    double[] gradient = gradientUnderMemoryPressure(x,
                            leaf -> leaf.mul(LossFunctions.constant(leaf, 3.0)).sum());
                    assertEquals(3.0, gradient[0], 0, type + " trial " + trial);
                }
                assertEquals(type, LossFunctions.constant(x, 2.5).getDataType());
                assertEquals(x.getDevice(), LossFunctions.constant(x, 2.5).getDevice());
            }
        }
    }

    @Test
    void lossGradientsAreStableUnderMemoryPressure() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(2);
            NDArray x = manager.randomNormal(0, 1, new Shape(3, 16), DataType.FLOAT64);
            NDArray target = manager.randomNormal(0, 1, new Shape(3, 16), DataType.FLOAT64);
            Function<NDArray, NDArray> loss = leaf -> {
                LossTerms terms = new LossTerms()
                        .add("low", 2.0, BandLoss.lowFrequency().evaluate(leaf, target))
                        .add("high", 0.5, BandLoss.highFrequency().evaluate(leaf, target))
                        .add("scale", 3.0, new MomentMatchingLoss().evaluate(leaf, target));
                return terms.total();
            };
            double[] expected = Gradients.finiteDifferences(x, loss, 1e-6);
            for (int trial = 0; trial < 5; trial++) {
                double diff = Gradients.maxAbsDiff(expected, gradientUnderMemoryPressure(x, loss));
                assertTrue(diff < 1e-7, "trial " + trial + ": gradient off by " + diff);
            }
        }
    }
}
