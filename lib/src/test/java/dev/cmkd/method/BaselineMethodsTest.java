package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The baselines' losses against their definitions, computed by hand. */
class BaselineMethodsTest {

    private static double[] softmax(double[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] / t - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void logitKdIsHintonsLoss() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] student = {{1.0, 2.0, 0.5}, {0.1, -1.0, 2.0}};
            double[][] teacher = {{3.0, 0.0, 1.0}, {0.5, 0.5, -2.0}};
            long[] labels = {1, 2};
            double t = 4;
            double kl = 0;
            double ce = 0;
            for (int i = 0; i < 2; i++) {
                double[] ps = softmax(student[i], t);
                double[] pt = softmax(teacher[i], t);
                for (int c = 0; c < 3; c++) {
                    kl += pt[c] * Math.log(pt[c] / ps[c]) / 2;
                }
                ce -= Math.log(softmax(student[i], 1)[(int) labels[i]]) / 2;
            }
            LossTerms terms = LogitKd.builder().optAlpha(0.3).build().evaluate(new ParameterStore(manager, false),
                    new NetworkOutput(manager.create(student), manager.zeros(new Shape(2, 4), DataType.FLOAT64)),
                    new NetworkOutput(manager.create(teacher), manager.zeros(new Shape(2, 4), DataType.FLOAT64)),
                    manager.create(labels), true);
            assertEquals(List.of("task", "kd"), List.copyOf(terms.names()));
            assertEquals(ce, terms.get("task").getDouble(), 1e-12);
            assertEquals(t * t * kl, terms.get("kd").getDouble(), 1e-12);
            assertEquals(0.7 * ce + 0.3 * t * t * kl, terms.total().getDouble(), 1e-12);
        }
    }

    @Test
    void featureMseAndNoDistillation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(new double[][] {{0.0, 1.0}});
            NDArray labels = manager.create(new long[] {0});
            NetworkOutput student = new NetworkOutput(logits, manager.create(new double[][] {{1, 2, 3}}));
            NetworkOutput teacher = new NetworkOutput(logits, manager.create(new double[][] {{1, 0, 6}}));
            double ce = -Math.log(Math.exp(0) / (Math.exp(0) + Math.exp(1)));
            LossTerms mse = new FeatureMse(2).evaluate(new ParameterStore(manager, false), student, teacher, labels, true);
            assertEquals((0 + 4 + 9) / 3.0, mse.get("feature").getDouble(), 1e-12);
            assertEquals(ce + 2 * 13 / 3.0, mse.total().getDouble(), 1e-12);
            LossTerms none = new NoDistillation().evaluate(new ParameterStore(manager, false), student, teacher, labels,
                    true);
            assertEquals(List.of("task"), List.copyOf(none.names()));
            assertEquals(ce, none.total().getDouble(), 1e-12);
        }
    }

    @Test
    void theRegistryCreatesByNameAndListsTheKnownNames() {
        assertEquals(List.of("none", "kd", "feature-mse", "fd-cmkd"), MethodRegistry.names());
        for (String name : MethodRegistry.names()) {
            assertEquals(name, MethodRegistry.create(name, 16, 4).getName());
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.create("fitnet", 16, 4));
        assertTrue(unknown.getMessage().contains("fd-cmkd"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogitKd.builder().optAlpha(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> new FeatureMse(-1));
    }
}
