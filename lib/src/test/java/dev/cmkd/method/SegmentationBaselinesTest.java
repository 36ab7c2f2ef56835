package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

/**
 * Properties of the dense baselines: void pixels do not change the per-pixel losses, on 1x1 maps they are the
 * classification methods, an all-void batch gives 0, FitNet with the identity regressor is feature matching,
 * and the registry carries the classification names.
 */
class SegmentationBaselinesTest {

    private static final int B = 2;
    private static final int K = 4;
    private static final int H = 3;
    private static final int W = 5;

    private static DistillationMethod perPixel(String name) {
        return MethodRegistry.spec(name, FeatureLayout.MAP).create(6, K);
    }

    private static NDArray logits(NDManager manager, long h, long w) {
        return manager.randomNormal(new Shape(B, K, h, w)).mul(2).toType(DataType.FLOAT64, false);
    }

    private static NDArray labelsWithVoid(NDManager manager) {
        long[] labels = new long[B * H * W];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 4 == 1 ? -1 : i % K;
        }
        return manager.create(labels, new Shape(B, H, W));
    }

    private static Map<String, Double> terms(DistillationMethod method, NDArray student, NDArray teacher,
            NDArray labels) {
        NDManager manager = student.getManager();
        return method.evaluate(new ParameterStore(manager, false), new NetworkOutput(student, null),
                new NetworkOutput(teacher, null), labels, true).toDoubles();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kd", "dkd", "dist"})
    void voidPixelsDoNotChangeTheLoss(String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            NDArray student = logits(manager, H, W);
            NDArray teacher = logits(manager, H, W);
            NDArray labels = labelsWithVoid(manager);
            NDArray isVoid = labels.lt(0).expandDims(1).toType(DataType.FLOAT64, false);
            NDArray noise = logits(manager, H, W).mul(isVoid);
            DistillationMethod method = perPixel(name);
            method.setEpoch(3);
            Map<String, Double> original = terms(method, student, teacher, labels);
            Map<String, Double> changed = terms(method, student.add(noise), teacher.sub(noise), labels);
            original.forEach((term, value) -> assertEquals(value, changed.get(term), 1e-12, term));
            // and the same change on labelled pixels does change it
            NDArray elsewhere = logits(manager, H, W).mul(isVoid.neg().add(1));
            Map<String, Double> moved = terms(method, student.add(elsewhere), teacher, labels);
            assertNotEquals(original.get(LossTerms.TOTAL), moved.get(LossTerms.TOTAL), 1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kd", "dkd", "dist"})
    void onOnePixelMapsItIsTheClassificationMethod(String name) {
        DistillationMethod classification = switch (name) {
            case "kd" -> LogitKd.builder().build();
            case "dkd" -> Dkd.builder().build();
            default -> Dist.builder().build();
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(12);
            NDArray student = logits(manager, 1, 1);
            NDArray teacher = logits(manager, 1, 1);
            NDArray labels = manager.create(new long[] {2, 0}, new Shape(B, 1, 1));
            DistillationMethod dense = perPixel(name);
            dense.setEpoch(7);
            classification.setEpoch(7);
            Map<String, Double> expected = terms(classification, student.reshape(B, K), teacher.reshape(B, K),
                    labels.reshape(B));
            Map<String, Double> actual = terms(dense, student, teacher, labels);
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((term, value) -> assertEquals(value, actual.get(term), 1e-12, term));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kd", "dkd", "dist"})
    void anAllVoidBatchGivesZeroAndAZeroGradient(String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray student = logits(manager, H, W);
            student.setRequiresGradient(true);
            NDArray labels = manager.full(new Shape(B, H, W), -1L);
            LossTerms terms;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                terms = perPixel(name).evaluate(new ParameterStore(manager, false), new NetworkOutput(student, null),
                        new NetworkOutput(logits(manager, H, W), null), labels, true);
                collector.backward(terms.total());
            }
            terms.toDoubles().forEach((term, value) -> assertEquals(0.0, value, 0.0, term));
            assertEquals(0.0, student.getGradient().abs().max().getDouble(), 0.0);
        }
    }

    @Test
    void c2kdOnOnePixelMapsIsTheClassificationC2kd() {
        int channels = 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(13);
            C2kd dense = (C2kd) MethodRegistry.spec(C2kd.NAME, FeatureLayout.MAP).create(channels, K);
            dense.initialize(manager, DataType.FLOAT64, channels, K);
            C2kd classification = C2kd.builder().setFeatureDim(channels).setNumClasses(K).build();
            classification.initialize(manager, DataType.FLOAT64, channels, K);
            List<Parameter> from = dense.getParameters().values();
            List<Parameter> to = classification.getParameters().values();
            assertEquals(from.size(), to.size());
            for (int i = 0; i < from.size(); i++) { // a 1x1 convolution's weight [out, in, 1, 1] is a linear one's
                to.get(i).getArray().set(from.get(i).getArray().toByteBuffer());
            }
            int batch = 6;
            NDArray zs = manager.randomNormal(new Shape(batch, K, 1, 1)).mul(2).toType(DataType.FLOAT64, false);
            NDArray zt = manager.randomNormal(new Shape(batch, K, 1, 1)).mul(2).toType(DataType.FLOAT64, false);
            NDArray fs = manager.randomNormal(new Shape(batch, channels, 1, 1)).toType(DataType.FLOAT64, false);
            NDArray ft = manager.randomNormal(new Shape(batch, channels, 1, 1)).toType(DataType.FLOAT64, false);
            NDArray labels = manager.create(new long[] {0, 1, 2, 3, 1, 2}, new Shape(batch, 1, 1));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Double> expected = classification.evaluate(store, new NetworkOutput(zs.reshape(batch, K),
                    fs.reshape(batch, channels)), new NetworkOutput(zt.reshape(batch, K), ft.reshape(batch, channels)),
                    labels.reshape(batch), true).toDoubles();
            Map<String, Double> actual = dense.evaluate(store, new NetworkOutput(zs, fs), new NetworkOutput(zt, ft),
                    labels, true).toDoubles();
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((term, value) -> assertEquals(value, actual.get(term), 1e-10, term));
        }
    }

    @Test
    void c2kdIgnoresVoidPixels() {
        int channels = 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(14);
            DistillationMethod c2kd = MethodRegistry.spec(C2kd.NAME, FeatureLayout.MAP).create(channels, K);
            c2kd.initialize(manager, DataType.FLOAT64, channels, K);
            NDArray labels = labelsWithVoid(manager);
            NDArray isVoid = labels.lt(0).expandDims(1).toType(DataType.FLOAT64, false);
            NDArray zs = logits(manager, H, W);
            NDArray zt = logits(manager, H, W);
            NDArray fs = manager.randomNormal(new Shape(B, channels, H, W)).toType(DataType.FLOAT64, false);
            NDArray ft = manager.randomNormal(new Shape(B, channels, H, W)).toType(DataType.FLOAT64, false);
            ParameterStore store = new ParameterStore(manager, false);
            // inference mode: BatchNorm's running statistics, so a map change at void positions cannot leak
            // through the batch statistics either
            Map<String, Double> original = c2kd.evaluate(store, new NetworkOutput(zs, fs), new NetworkOutput(zt, ft),
                    labels, false).toDoubles();
            NDArray noise = logits(manager, H, W).mul(isVoid);
            NDArray mapNoise = manager.randomNormal(new Shape(B, channels, H, W)).toType(DataType.FLOAT64, false)
                    .mul(isVoid);
            Map<String, Double> changed = c2kd.evaluate(store, new NetworkOutput(zs.add(noise), fs.add(mapNoise)),
                    new NetworkOutput(zt.sub(noise), ft.sub(mapNoise)), labels, false).toDoubles();
            original.forEach((term, value) -> assertEquals(value, changed.get(term), 1e-12, term));
        }
    }

    @Test
    void dkdWarmsUpOverTwentyEpochs() {
        PerPixelMethod dense = (PerPixelMethod) perPixel("dkd");
        Dkd dkd = (Dkd) dense.classification();
        assertEquals(0.05, dkd.warmupFactor(), 1e-15);
        dense.setEpoch(4);
        assertEquals(0.25, dkd.warmupFactor(), 1e-15);
        dense.setEpoch(19);
        assertEquals(1.0, dkd.warmupFactor(), 1e-15);
    }

    @Test
    void fitNetWithTheIdentityRegressorIsFeatureMatching() {
        int channels = 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            FeatureFitNet fitNet = (FeatureFitNet) MethodRegistry.spec("fitnet", FeatureLayout.MAP).create(channels, K);
            fitNet.initialize(manager, DataType.FLOAT64, channels, K);
            fitNet.regressor().getParameters().get("weight").getArray()
                    .set(manager.eye(channels).toType(DataType.FLOAT64, false).toByteBuffer());
            fitNet.regressor().getParameters().get("bias").getArray()
                    .set(manager.zeros(new Shape(channels), DataType.FLOAT64).toByteBuffer());
            NDArray labels = labelsWithVoid(manager);
            NetworkOutput student = new NetworkOutput(logits(manager, H, W),
                    manager.randomNormal(new Shape(B, channels, 2, 3)).toType(DataType.FLOAT64, false));
            NetworkOutput teacher = new NetworkOutput(logits(manager, H, W),
                    manager.randomNormal(new Shape(B, channels, 2, 3)).toType(DataType.FLOAT64, false));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Double> hint = fitNet.evaluate(store, student, teacher, labels, true).toDoubles();
            Map<String, Double> mse = new FeatureMse(1, FeatureLayout.MAP).evaluate(store, student, teacher, labels, true)
                    .toDoubles();
            assertEquals(mse.get("task"), hint.get("task"), 1e-12);
            assertEquals(mse.get("feature"), hint.get("hint"), 1e-12);
            assertTrue(hint.get("hint") > 0);
        }
    }

    @Test
    void theBaselinesCarryTheClassificationNames() {
        for (String name : List.of(LogitKd.NAME, "fitnet", Dkd.NAME, Dist.NAME, C2kd.NAME)) {
            assertTrue(MethodRegistry.names(FeatureLayout.VECTOR).contains(name), name);
            assertTrue(MethodRegistry.names(FeatureLayout.MAP).contains(name), name);
            assertEquals(name, MethodRegistry.spec(name, FeatureLayout.MAP).create(8, K).getName());
        }
        assertTrue(MethodRegistry.spec(C2kd.NAME, FeatureLayout.MAP).create(8, K).trainsTeacher());
        assertThrows(IllegalArgumentException.class, () -> PerPixelMethod.of(C2kd.builder().setFeatureDim(4)
                .setNumClasses(K).build()));
        assertThrows(IllegalArgumentException.class, () -> PerPixelMethod.of(FeatureFitNet.builder()
                .setTeacherFeatureDim(4).build()));
    }

    @Test
    void wrongShapesAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray student = logits(manager, H, W);
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> terms(perPixel("kd"),
                    student, student, manager.zeros(new Shape(B, H + 1, W), DataType.INT64)));
            assertTrue(error.getMessage().contains("[B, H, W]"), error.getMessage());
        }
    }
}
