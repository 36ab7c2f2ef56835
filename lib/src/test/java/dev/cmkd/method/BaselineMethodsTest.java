package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The baselines' losses against their definitions, computed by hand, and their defining properties. */
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
        assertEquals(List.of("none", "kd", "feature-mse", "fitnet", "fitnet-pooled", "dkd", "dist", "c2kd",
                "c2kd-pooled", "fd-cmkd"), MethodRegistry.names(FeatureLayout.VECTOR));
        assertEquals(List.of("none", "kd", "feature-mse", "fitnet-pooled", "dkd", "dist", "c2kd-pooled", "fd-cmkd"),
                MethodRegistry.names(FeatureLayout.VECTOR, false));
        assertEquals(MethodRegistry.names(FeatureLayout.VECTOR), MethodRegistry.names(FeatureLayout.VECTOR, true));
        // by default the published methods, their pooled stand-ins only where they cannot run
        assertEquals(List.of("none", "kd", "feature-mse", "fitnet", "dkd", "dist", "c2kd", "fd-cmkd"),
                MethodRegistry.defaults(FeatureLayout.VECTOR, true));
        assertEquals(MethodRegistry.names(FeatureLayout.VECTOR, false), MethodRegistry.defaults(FeatureLayout.VECTOR,
                false));
        for (String name : MethodRegistry.names(FeatureLayout.VECTOR)) {
            DistillationMethod method = MethodRegistry.spec(name, FeatureLayout.VECTOR).create(16, 4);
            assertEquals(name, method.getName());
            assertEquals(name.startsWith(C2kd.NAME), method.trainsTeacher(), name + " trains its teacher");
            assertEquals(name.equals(FitNet.NAME) || name.equals(C2kd.NAME), method.readsStageMaps(), name);
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.spec("mst-distill", FeatureLayout.VECTOR));
        assertTrue(unknown.getMessage().contains("fd-cmkd"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogitKd.builder().optAlpha(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> new FeatureMse(-1));
        assertThrows(IllegalArgumentException.class, () -> FeatureFitNet.builder().build());
        assertThrows(IllegalArgumentException.class, () -> FitNet.builder().optHintStage(0).build());
        assertThrows(IllegalArgumentException.class, () -> FitNet.builder().optHintWeight(-1).build());
        assertThrows(IllegalArgumentException.class, () -> Dkd.builder().optTemperature(0).build());
        assertThrows(IllegalArgumentException.class, () -> Dkd.builder().optWarmupEpochs(-1).build());
        assertThrows(IllegalArgumentException.class, () -> Dist.builder().optGamma(-1).build());
        assertThrows(IllegalArgumentException.class, () -> C2kd.builder().setFeatureDim(8).setNumClasses(4)
                .optKappa(1).build());
    }

    private static NDArray row(NDManager manager, double... values) {
        return manager.create(new double[][] {values});
    }

    /** DKD's Eq. 1: {@code T^2 KL(p_t || p_s) = TCKD + (1 - p_y^t) NCKD} for each sample. */
    @Test
    void dkdDecomposesHintonsKd() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] students = {{1.0, 2.0, 0.5, -1.0}, {0.1, -1.0, 2.0, 0.3}};
            double[][] teachers = {{3.0, 0.0, 1.0, 0.5}, {0.5, 0.5, -2.0, 4.0}};
            for (double t : new double[] {1, 4}) {
                for (int i = 0; i < 2; i++) {
                    for (long label = 0; label < 4; label++) {
                        NDArray zs = row(manager, students[i]);
                        NDArray zt = row(manager, teachers[i]);
                        NDArray y = manager.create(new long[] {label});
                        double kd = t * t * LossFunctions.klDivergence(zt, zs, t).getDouble();
                        double pty = softmax(teachers[i], t)[(int) label];
                        double decomposed = Dkd.targetClassKl(zt, zs, y, t).getDouble()
                                + (1 - pty) * Dkd.nonTargetClassKl(zt, zs, y, t).getDouble();
                        assertEquals(kd, decomposed, 1e-12, "T=" + t + " sample " + i + " label " + label);
                    }
                }
            }
        }
    }

    @Test
    void dkdWarmsUpLinearlyOverItsEpochs() {
        Dkd dkd = Dkd.builder().build();
        double[] expected = {0.05, 0.1, 0.5, 1, 1};
        int[] epochs = {0, 1, 9, 19, 50};
        for (int i = 0; i < epochs.length; i++) {
            dkd.setEpoch(epochs[i]);
            assertEquals(expected[i], dkd.warmupFactor(), 1e-15, "epoch " + epochs[i]);
        }
        assertEquals(1, Dkd.builder().optWarmupEpochs(0).build().warmupFactor(), 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.create(new double[][] {{1.0, 2.0, 0.5}});
            NetworkOutput out = new NetworkOutput(z, manager.zeros(new Shape(1, 2), DataType.FLOAT64));
            dkd.setEpoch(4);
            LossTerms terms = dkd.evaluate(new ParameterStore(manager, false), out, out, manager.create(new long[] {0}),
                    true);
            assertEquals(0.25, terms.weight("tckd"), 1e-15);
            assertEquals(0.25 * 8, terms.weight("nckd"), 1e-15);
        }
    }

    @Test
    void nonTargetKlsIgnoreTheTargetLogit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray y = manager.create(new long[] {2});
            NDArray zs = row(manager, 0.3, -1.0, 2.0, 0.7);
            NDArray zt = row(manager, 1.0, 0.5, -3.0, 0.2);
            NDArray zsMoved = row(manager, 0.3, -1.0, -5.0, 0.7);
            NDArray ztMoved = row(manager, 1.0, 0.5, 9.0, 0.2);
            assertEquals(C2kd.nonTargetKl(zt, zs, y).getDouble(), C2kd.nonTargetKl(ztMoved, zsMoved, y).getDouble(),
                    1e-12);
            assertEquals(Dkd.nonTargetClassKl(zt, zs, y, 4).getDouble(),
                    Dkd.nonTargetClassKl(ztMoved, zsMoved, y, 4).getDouble(), 1e-12);
            assertTrue(C2kd.nonTargetKl(zt, zs, y).getDouble() > 0, "the non-target classes differ");
            assertEquals(0, C2kd.nonTargetKl(zs, zsMoved, y).getDouble(), 1e-12);
        }
    }

    @Test
    void kendallTauOfIdenticalAndReversedRanks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new double[][] {{0.3, -1.0, 2.0, 0.7}, {5, 4, 3, 1}, {1, 1, 1, 1}});
            NDArray b = manager.create(new double[][] {{3.0, -10.0, 20.0, 7.0}, {1, 2, 3, 4}, {1, 2, 3, 4}});
            double[] tau = C2kd.kendallTau(a, b).toDoubleArray();
            assertEquals(1, tau[0], 1e-15, "same ranking (a monotone transform)");
            assertEquals(-1, tau[1], 1e-15, "reversed ranking");
            assertEquals(0, tau[2], 0, "a constant row correlates with nothing");
            assertEquals(1, C2kd.kendallTau(a, a).getDouble(0), 1e-15);
        }
    }

    @Test
    void distIsInvariantWhereThePearsonCorrelationIs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray zs = manager.create(new double[][] {{1.0, 2.0, 0.5, -1.0}, {0.1, -1.0, 2.0, 0.3},
                {0.0, 0.4, -0.2, 1.5}});
            NDArray zt = manager.create(new double[][] {{3.0, 0.0, 1.0, 0.5}, {0.5, 0.5, -2.0, 4.0},
                {1.0, -1.0, 0.0, 2.0}});
            NDArray a = zs.softmax(1);
            NDArray b = zt.softmax(1);
            NDArray affine = a.mul(3.0).add(-0.25);
            // Exact but for the 1e-8 floor added to the product of norms (which scaling changes).
            assertArrayEquals(Dist.pearson(a, b).toDoubleArray(), Dist.pearson(affine, b).toDoubleArray(), 1e-7);
            assertEquals(1, Dist.pearson(a, a).getDouble(0), 1e-6);
            NDArray labels = manager.create(new long[] {0, 1, 2});
            ParameterStore store = new ParameterStore(manager, false);
            NDArray feature = manager.zeros(new Shape(3, 2), DataType.FLOAT64);
            LossTerms base = Dist.builder().optTemperature(2).build().evaluate(store, new NetworkOutput(zs, feature),
                    new NetworkOutput(zt, feature), labels, true);
            // A per-sample shift of the logits leaves the softmax, hence both relations, unchanged.
            NDArray shift = manager.create(new double[][] {{5.0}, {-2.0}, {0.5}});
            LossTerms shifted = Dist.builder().optTemperature(2).build().evaluate(store,
                    new NetworkOutput(zs.add(shift), feature), new NetworkOutput(zt.sub(shift), feature), labels, true);
            // Scaling logits and temperature by k keeps Y; the relation terms scale with tau^2 = k^2.
            LossTerms scaled = Dist.builder().optTemperature(6).build().evaluate(store,
                    new NetworkOutput(zs.mul(3.0), feature), new NetworkOutput(zt.mul(3.0), feature), labels, true);
            for (String term : List.of("inter", "intra")) {
                double value = base.get(term).getDouble();
                assertTrue(value > 0, term);
                assertEquals(value, shifted.get(term).getDouble(), 1e-12, term + " under a shift");
                assertEquals(9 * value, scaled.get(term).getDouble(), 1e-10, term + " under scaling");
            }
        }
    }
}
