package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.loss.PixelCrossEntropy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The pixel cross-entropy and FD-CMKD on dense maps against an independent PyTorch implementation ({@code
 * lib/src/test/python/make_segmentation_golden.py}, fixture {@code golden/segmentation_golden.json}): values
 * and gradients in float64 within rtol 1e-10, atol 1e-12.
 */
class SegmentationGoldenTest {

    private static final double RTOL = 1e-10;
    private static final double ATOL = 1e-12;
    private static JsonObject fixture;

    @BeforeAll
    static void load() throws Exception {
        try (var in = new InputStreamReader(SegmentationGoldenTest.class.getResourceAsStream(
                "/golden/segmentation_golden.json"), StandardCharsets.UTF_8)) {
            fixture = JsonParser.parseReader(in).getAsJsonObject();
        }
    }

    static NDArray array(NDManager manager, JsonObject encoded) {
        JsonArray dims = encoded.getAsJsonArray("shape");
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).getAsLong();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.get("b64").getAsString()))
                .order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[Math.toIntExact(new Shape(shape).size())];
        boolean single = encoded.get("dtype").getAsString().equals("float32");
        for (int i = 0; i < values.length; i++) {
            values[i] = single ? bytes.getFloat() : bytes.getDouble();
        }
        return manager.create(values, new Shape(shape));
    }

    static NDArray labels(NDManager manager, JsonObject c) {
        JsonArray values = c.getAsJsonArray("labels");
        long[] flat = new long[values.size()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = values.get(i).getAsLong();
        }
        JsonArray dims = c.getAsJsonArray("labelShape");
        return manager.create(flat, new Shape(dims.get(0).getAsLong(), dims.get(1).getAsLong(), dims.get(2).getAsLong()));
    }

    static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual);
    }

    static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertClose(e[i], a[i], what + "[" + i + "]");
        }
    }

    @Test
    void pixelCrossEntropyIgnoresVoid() {
        JsonObject c = fixture.getAsJsonObject("pixelCrossEntropy");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = array(manager, c.getAsJsonObject("logits"));
            logits.setRequiresGradient(true);
            NDArray value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                value = PixelCrossEntropy.evaluate(logits, labels(manager, c));
                collector.backward(value);
            }
            assertClose(c.get("value").getAsDouble(), value.getDouble(), "value");
            assertClose(array(manager, c.getAsJsonObject("gradient")), logits.getGradient(), "gradient");
        }
    }

    @Test
    void allVoidGivesZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.randomNormal(new Shape(1, 3, 2, 2));
            NDArray labels = manager.full(new Shape(1, 2, 2), -1L);
            assertEquals(0.0, PixelCrossEntropy.evaluate(logits, labels).getFloat(), 0.0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void denseFdCmkdTermsTotalAndGradient(int index) {
        JsonObject c = fixture.getAsJsonArray("dense").get(index).getAsJsonObject();
        try (NDManager manager = NDManager.newBaseManager()) {
            FdCmkd method = FdCmkd.builder().optFeatureLayout(FeatureLayout.MAP)
                    .setFeatureDim(c.get("featureChannels").getAsInt()).setNumClasses(c.get("classes").getAsInt())
                    .optDecoupling(c.get("variant").getAsString().equals("spatial") ? MapDecoupling.SPATIAL
                            : MapDecoupling.CHANNEL)
                    .build();
            method.initialize(manager, DataType.FLOAT64, c.get("featureChannels").getAsInt(),
                    c.get("classes").getAsInt());
            int set = 0;
            for (Pair<String, Parameter> p : method.getParameters()) {
                String head = java.util.stream.Stream.of("psiLow", "psiHigh", "phiLow", "phiHigh")
                        .filter(p.getKey()::contains).findFirst().orElseThrow(() -> new AssertionError(p.getKey()));
                String kind = p.getKey().endsWith("weight") ? "weight" : "bias";
                NDArray value = array(manager, c.getAsJsonObject("heads").getAsJsonObject(head).getAsJsonObject(kind));
                p.getValue().getArray().set(value.toByteBuffer());
                set++;
            }
            assertEquals(8, set, "four heads, weight and bias each");
            NDArray student = array(manager, c.getAsJsonObject("student"));
            NDArray teacher = array(manager, c.getAsJsonObject("teacher"));
            NDArray logits = array(manager, c.getAsJsonObject("logits"));
            student.setRequiresGradient(true);
            LossTerms terms;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                terms = method.evaluate(new ParameterStore(manager, false), new NetworkOutput(logits, student),
                        new NetworkOutput(logits, teacher), labels(manager, c), true);
                collector.backward(terms.total());
            }
            Map<String, Double> values = terms.toDoubles();
            for (Map.Entry<String, JsonElement> term : c.getAsJsonObject("terms").entrySet()) {
                assertClose(term.getValue().getAsDouble(), values.get(term.getKey()), term.getKey());
            }
            assertClose(c.get("total").getAsDouble(), values.get(LossTerms.TOTAL), "total");
            assertClose(array(manager, c.getAsJsonObject("studentGradient")), student.getGradient(), "d total / d f_s");
        }
    }
}
