package dev.cmkd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.cmkd.testing.Gradients;

import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LossFunctionsTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(11);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray randn(long... shape) {
        return manager.randomNormal(0, 1, new Shape(shape), DataType.FLOAT64);
    }

    @Test
    void standardizeGivesZeroMeanUnitNormAndIgnoresShiftAndScale() {
        NDArray x = randn(4, 32).mul(5).add(3);
        NDArray s = LossFunctions.standardize(x, 1e-8);
        for (double mean : s.mean(new int[] {1}).toDoubleArray()) {
            assertEquals(0, mean, 1e-12);
        }
        for (double norm : s.square().sum(new int[] {1}).sqrt().toDoubleArray()) {
            assertEquals(1, norm, 1e-12);
        }
        NDArray moved = LossFunctions.standardize(x.mul(7).sub(2), 1e-8);
        assertTrue(Gradients.maxAbsDiff(s.toDoubleArray(), moved.toDoubleArray()) < 1e-12);
        NDArray map = LossFunctions.standardize(randn(2, 3, 4, 4), 1e-8);
        assertEquals(1, map.reshape(2, -1).square().sum(new int[] {1}).toDoubleArray()[0], 1e-12);
    }

    @Test
    void standardizeOfAConstantFeatureIsZeroWithAFiniteGradient() {
        NDArray constant = manager.ones(new Shape(2, 8), DataType.FLOAT64);
        assertEquals(0, Gradients.maxAbs(LossFunctions.standardize(constant, 1e-8).toDoubleArray()));
        NDArray target = randn(2, 8);
        double[] gradient = Gradients.autograd(constant,
                leaf -> LossFunctions.standardize(leaf, 1e-8).sub(target).square().sum());
        for (double g : gradient) {
            assertFalse(Double.isNaN(g) || Double.isInfinite(g), "gradient at a constant feature: " + g);
        }
    }

    @Test
    void signedLogIsOddMonotoneAndDifferentiable() {
        NDArray x = manager.create(new double[] {-3, -0.5, 0, 0.25, 2});
        double[] y = LossFunctions.signedLog(x).toDoubleArray();
        double[] expected = {-Math.log(4), -Math.log(1.5), 0, Math.log(1.25), Math.log(3)};
        assertTrue(Gradients.maxAbsDiff(expected, y) < 1e-15);
        NDArray away = randn(3, 5).add(0.01);
        Function<NDArray, NDArray> f = leaf -> LossFunctions.signedLog(leaf).mul(leaf.add(0.3)).sum();
        assertTrue(Gradients.maxAbsDiff(Gradients.autograd(away, f), Gradients.finiteDifferences(away, f, 1e-6)) < 1e-7);
    }

    @Test
    void squaredErrorReductions() {
        NDArray a = manager.create(new double[][] {{1, 2, 3}, {0, 0, 0}});
        NDArray b = manager.create(new double[][] {{1, 0, 3}, {1, 1, 1}});
        assertEquals(7.0 / 6, LossFunctions.meanSquaredError(a, b, Reduction.MEAN).getDouble(), 1e-15);
        assertEquals(7.0 / 2, LossFunctions.meanSquaredError(a, b, Reduction.SUM).getDouble(), 1e-15);
    }

    @Test
    void crossEntropyMatchesTheDefinition() {
        NDArray logits = manager.create(new double[][] {{1, 2, 0.5}, {-1, 0, 3}});
        NDArray labels = manager.create(new long[] {1, 0});
        double first = -Math.log(Math.exp(2) / (Math.exp(1) + Math.exp(2) + Math.exp(0.5)));
        double second = -Math.log(Math.exp(-1) / (Math.exp(-1) + Math.exp(0) + Math.exp(3)));
        assertEquals((first + second) / 2, LossFunctions.crossEntropy(logits, labels).getDouble(), 1e-12);
    }

    @Test
    void bandLossesTreatTheTeacherAsAConstant() {
        NDArray student = randn(4, 16);
        NDArray teacher = randn(4, 16);
        for (BandLoss loss : new BandLoss[] {BandLoss.lowFrequency(), BandLoss.highFrequency()}) {
            NDArray t = teacher.duplicate();
            t.setRequiresGradient(true);
            NDArray s = student.duplicate();
            s.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(loss.evaluate(s, t));
            }
            assertEquals(0, Gradients.maxAbs(Gradients.doubles(t.getGradient())), "teacher gradient");
            assertTrue(Gradients.maxAbs(Gradients.doubles(s.getGradient())) > 0, "student gradient");
            Function<NDArray, NDArray> f = leaf -> loss.evaluate(leaf, teacher);
            assertTrue(Gradients.maxAbsDiff(Gradients.autograd(student, f),
                    Gradients.finiteDifferences(student, f, 1e-6)) < 1e-8);
        }
    }

    @Test
    void bandLossVanishesOnlyForMatchingShapes() {
        NDArray x = randn(3, 16);
        // Standardization makes the loss blind to per-sample shift and positive scale, nothing else.
        assertEquals(0, BandLoss.lowFrequency().evaluate(x.mul(4).add(1), x).getDouble(), 1e-20);
        assertTrue(BandLoss.lowFrequency().evaluate(x.neg(), x).getDouble() > 1e-3);
        assertTrue(BandLoss.builder().optStandardize(false).build().evaluate(x.mul(4), x).getDouble() > 1);
    }

    @Test
    void momentMatchingComparesMeansAndStandardDeviations() {
        NDArray x = randn(4, 64);
        MomentMatchingLoss loss = new MomentMatchingLoss();
        assertEquals(0, loss.evaluate(x, x).getDouble(), 1e-20);
        // Shifting by 2 and doubling the spread: (2)^2 + (sigma)^2 per sample, averaged.
        NDArray centred = LossFunctions.centre(x);
        NDArray moved = centred.mul(2).add(2);
        double[] sigma = centred.square().mean(new int[] {1}).add(1e-8).sqrt().toDoubleArray();
        double sigmaTerm = 0;
        for (double s : sigma) {
            sigmaTerm += s * s / sigma.length;
        }
        assertEquals(4 + sigmaTerm, loss.evaluate(moved, centred).getDouble(), 1e-6);
        Function<NDArray, NDArray> f = leaf -> loss.evaluate(leaf, centred);
        assertTrue(Gradients.maxAbsDiff(Gradients.autograd(x, f), Gradients.finiteDifferences(x, f, 1e-6)) < 1e-8);
    }
}
