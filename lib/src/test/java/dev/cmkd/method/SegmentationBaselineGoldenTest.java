package dev.cmkd.method;

import static dev.cmkd.method.SegmentationGoldenTest.array;
import static dev.cmkd.method.SegmentationGoldenTest.assertClose;
import static dev.cmkd.method.SegmentationGoldenTest.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The segmentation baselines kd, dkd, dist ({@link PerPixelMethod}), fitnet ({@link FeatureFitNet} on maps) and c2kd
 * ({@link C2kd} on maps, proxies set from the fixture, the co-trained teacher's gradients checked too) against an
 * independent PyTorch implementation ({@code lib/src/test/python/make_segmentation_baselines_golden.py},
 * fixture {@code golden/segmentation_baselines_golden.json}): every term, its weight, the total and the
 * gradients w.r.t. the student's logits and map (and FitNet's regressor) in float64 within rtol 1e-10, atol
 * 1e-12. The fixture's labels have about 25% void pixels.
 */
class SegmentationBaselineGoldenTest {

    private static JsonObject fixture;

    @BeforeAll
    static void load() throws Exception {
        try (var in = new InputStreamReader(SegmentationBaselineGoldenTest.class.getResourceAsStream(
                "/golden/segmentation_baselines_golden.json"), StandardCharsets.UTF_8)) {
            fixture = JsonParser.parseReader(in).getAsJsonObject();
        }
    }

    private static DistillationMethod method(JsonObject c, int channels, int classes) {
        return switch (c.get("method").getAsString()) {
            case "kd" -> PerPixelMethod.of(LogitKd.builder().optTemperature(c.get("temperature").getAsDouble())
                    .optAlpha(c.get("alpha").getAsDouble()).build());
            case "dkd" -> PerPixelMethod.of(Dkd.builder().optTemperature(c.get("temperature").getAsDouble())
                    .optAlpha(c.get("alpha").getAsDouble()).optBeta(c.get("beta").getAsDouble()).build());
            case "dist" -> PerPixelMethod.of(Dist.builder().optTemperature(c.get("temperature").getAsDouble())
                    .optBeta(c.get("beta").getAsDouble()).optGamma(c.get("gamma").getAsDouble()).build());
            case "fitnet" -> FeatureFitNet.builder().optFeatureLayout(FeatureLayout.MAP).setTeacherFeatureDim(channels).build();
            case "c2kd" -> C2kd.builder().optFeatureLayout(FeatureLayout.MAP).setFeatureDim(channels).setNumClasses(classes)
                    .build();
            default -> throw new AssertionError(c.get("method"));
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void termsWeightsTotalAndGradients(int index) {
        JsonObject c = fixture.getAsJsonArray("cases").get(index).getAsJsonObject();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray studentLogits = array(manager, c.getAsJsonObject("studentLogits"));
            NDArray studentMap = array(manager, c.getAsJsonObject("studentMap"));
            int channels = Math.toIntExact(studentMap.getShape().get(1));
            int classes = Math.toIntExact(studentLogits.getShape().get(1));
            DistillationMethod method = method(c, channels, classes);
            method.initialize(manager, DataType.FLOAT64, channels, classes);
            NDArray weight = null;
            NDArray bias = null;
            if (method instanceof FeatureFitNet fitNet) {
                weight = fitNet.regressor().getParameters().get("weight").getArray();
                bias = fitNet.regressor().getParameters().get("bias").getArray();
                weight.set(array(manager, c.getAsJsonObject("regressorWeight")).toByteBuffer());
                bias.set(array(manager, c.getAsJsonObject("regressorBias")).toByteBuffer());
            }
            if (c.has("parameters")) {
                for (Map.Entry<String, JsonElement> p : c.getAsJsonObject("parameters").entrySet()) {
                    Parameter parameter = method.getParameters().get(p.getKey());
                    assertNotNull(parameter, p.getKey() + " among " + method.getParameters().keys());
                    parameter.getArray().set(array(manager, p.getValue().getAsJsonObject()).toByteBuffer());
                }
            }
            if (c.has("epoch")) {
                method.setEpoch(c.get("epoch").getAsInt());
            }
            NDArray teacherLogits = array(manager, c.getAsJsonObject("teacherLogits"));
            NDArray teacherMap = array(manager, c.getAsJsonObject("teacherMap"));
            studentLogits.setRequiresGradient(true);
            studentMap.setRequiresGradient(true);
            if (method.trainsTeacher()) {
                teacherLogits.setRequiresGradient(true);
                teacherMap.setRequiresGradient(true);
            }
            LossTerms terms;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                terms = method.evaluate(new ParameterStore(manager, false),
                        new NetworkOutput(studentLogits, studentMap), new NetworkOutput(teacherLogits, teacherMap),
                        labels(manager, c), true);
                collector.backward(terms.total());
            }
            Map<String, Double> values = terms.toDoubles();
            assertEquals(c.getAsJsonObject("terms").keySet(), terms.names());
            for (Map.Entry<String, JsonElement> term : c.getAsJsonObject("terms").entrySet()) {
                assertClose(term.getValue().getAsDouble(), values.get(term.getKey()), term.getKey());
                assertClose(c.getAsJsonObject("weights").get(term.getKey()).getAsDouble(),
                        terms.weight(term.getKey()), "weight of " + term.getKey());
            }
            assertClose(c.get("total").getAsDouble(), values.get(LossTerms.TOTAL), "total");
            JsonObject gradients = c.getAsJsonObject("gradients");
            assertClose(array(manager, gradients.getAsJsonObject("studentLogits")), studentLogits.getGradient(),
                    "d total / d z_s");
            assertClose(array(manager, gradients.getAsJsonObject("studentMap")), studentMap.getGradient(),
                    "d total / d f_s");
            if (method.trainsTeacher()) {
                assertClose(array(manager, gradients.getAsJsonObject("teacherLogits")), teacherLogits.getGradient(),
                        "d total / d z_t");
                assertClose(array(manager, gradients.getAsJsonObject("teacherMap")), teacherMap.getGradient(),
                        "d total / d f_t");
            }
            if (weight != null) {
                assertClose(array(manager, gradients.getAsJsonObject("regressorWeight")), weight.getGradient(),
                        "d total / d W");
                assertClose(array(manager, gradients.getAsJsonObject("regressorBias")), bias.getGradient(),
                        "d total / d b");
            }
        }
    }
}
