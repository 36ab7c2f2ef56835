package dev.cmkd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both {@link FeaturePoint}s of {@link ResNet} against an independent PyTorch ResNet on the same weights: the fixture
 * {@code golden/resnet_features_golden.json} is written by {@code lib/src/test/python/make_resnet_features_golden.py},
 * which also asserts that the released code's {@code pre_out} is the post-ReLU output. Each case (an ImageNet stem
 * with three stages, a small-input stem with two) runs in inference and training mode, in float32 and float64; the
 * logits are the same under both points and the feature is the pooled map after ({@code POST_RELU}) or before ({@code
 * PRE_RELU}) the last ReLU. Tolerances {@code |java - ref| <= atol + rtol |ref|} from the fixture (float32: 1e-4 /
 * 1e-5; float64: 1e-10 / 1e-12).
 */
class ResNetGoldenTest {

    private static final String FIXTURE = "/golden/resnet_features_golden.json";

    private static JsonObject fixture;

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (JsonElement element : fixture().getAsJsonArray("cases")) {
            JsonObject c = element.getAsJsonObject();
            for (String mode : List.of("inference", "training")) {
                for (FeaturePoint point : FeaturePoint.values()) {
                    for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
                        list.add(Arguments.of(c.get("name").getAsString() + ", " + mode + ", " + point + " [" + type
                                + "]", c, mode, point, type));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void featureAndLogitsArePyTorchs(String name, JsonObject c, String mode, FeaturePoint point, DataType type) {
        int[] blocks = new int[c.getAsJsonArray("blocksPerStage").size()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = c.getAsJsonArray("blocksPerStage").get(i).getAsInt();
        }
        ResNet net = ResNet.builder().setNumClasses(c.get("classes").getAsInt())
                .optInputChannels(c.get("inputChannels").getAsInt()).optWidth(c.get("width").getAsInt())
                .optBlocksPerStage(blocks).optSmallInput(c.get("smallInput").getAsBoolean()).optFeaturePoint(point)
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = array(manager, c.getAsJsonObject("input"), type);
            net.initialize(manager, type, x.getShape());
            JsonObject parameters = c.getAsJsonObject("parameters");
            for (Pair<String, Parameter> p : net.getParameters()) {
                String key = p.getKey().replaceAll("(^|_)\\d\\d(?=[a-z])", "$1"); // DJL's child-index prefixes
                assertTrue(parameters.has(key), name + ": the fixture has no value for " + key);
                NDArray array = p.getValue().getArray();
                try (NDArray value = array(manager, parameters.getAsJsonObject(key), type)) {
                    assertEquals(value.getShape(), array.getShape(), name + ": shape of " + key);
                    array.set(value.toByteBuffer());
                }
            }
            assertEquals(parameters.size(), net.getParameters().size(), name + ": parameters");
            NDList out = net.forward(new ParameterStore(manager, false), new NDList(x), mode.equals("training"));
            JsonObject expected = c.getAsJsonObject("modes").getAsJsonObject(mode);
            String feature = point == FeaturePoint.POST_RELU ? "postRelu" : "preRelu";
            compare(name, type, "logits", out.get(0), expected.getAsJsonObject("logits"));
            compare(name, type, feature, out.get(1), expected.getAsJsonObject(feature));
        }
    }

    private static void compare(String name, DataType type, String what, NDArray actual, JsonObject expected) {
        JsonObject tolerance = fixture().getAsJsonObject("meta").getAsJsonObject("tolerances")
                .getAsJsonObject(type == DataType.FLOAT32 ? "float32" : "float64");
        double rtol = tolerance.get("rtol").getAsDouble();
        double atol = tolerance.get("atol").getAsDouble();
        double[] want = doubles(expected);
        double[] got = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        assertEquals(want.length, got.length, name + ": size of " + what);
        for (int i = 0; i < want.length; i++) {
            double allowed = atol + rtol * Math.abs(want[i]);
            assertTrue(Math.abs(got[i] - want[i]) <= allowed, String.format("%s: %s[%d] = %s, PyTorch %s (allowed"
                    + " %.1e)", name, what, i, got[i], want[i], allowed));
        }
    }

    private static NDArray array(NDManager manager, JsonObject json, DataType type) {
        long[] shape = new long[json.getAsJsonArray("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = json.getAsJsonArray("shape").get(i).getAsLong();
        }
        return manager.create(doubles(json), new Shape(shape)).toType(type, false);
    }

    private static double[] doubles(JsonObject json) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(json.get("b64").getAsString()))
                .order(ByteOrder.LITTLE_ENDIAN);
        boolean single = "float32".equals(json.get("dtype").getAsString());
        double[] values = new double[bytes.remaining() / (single ? 4 : 8)];
        for (int i = 0; i < values.length; i++) {
            values[i] = single ? bytes.getFloat() : bytes.getDouble();
        }
        return values;
    }

    private static synchronized JsonObject fixture() {
        if (fixture == null) {
            try (InputStream in = ResNetGoldenTest.class.getResourceAsStream(FIXTURE)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + FIXTURE
                            + "; run /usr/bin/python3 lib/src/test/python/make_resnet_features_golden.py");
                }
                fixture = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fixture;
    }
}
