package dev.cmkd.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import dev.cmkd.method.C2kd;
import dev.cmkd.method.DistillationMethod;
import dev.cmkd.method.Dist;
import dev.cmkd.method.Dkd;
import dev.cmkd.method.FeatureFitNet;
import dev.cmkd.method.FeatureMse;
import dev.cmkd.method.FitNet;
import dev.cmkd.method.LogitKd;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The baselines ({@link LogitKd}, {@link FeatureMse}, {@link FitNet} on maps of equal and of different sizes,
 * {@link FeatureFitNet}, {@link Dkd}, {@link Dist}, {@link C2kd} with its proxies on the feature and on the
 * penultimate stage's map) against an independent PyTorch implementation: the fixture {@code golden/baselines_golden.json} is written by
 * {@code lib/src/test/python/make_baselines_golden.py}. Every case runs in float32 and float64 and checks each
 * term, its weight, the weighted total and the gradients of the total w.r.t. the student's logits and feature
 * and the method's parameters; the teacher (and a student output a method does not use) receives no gradient,
 * except C2KD's co-trained teacher, whose gradients are checked too. Kendall's tau-b is checked against {@code scipy.stats.kendalltau}. Tolerances
 * {@code |java - ref| <= atol + rtol |ref|} from the fixture (float32: 1e-5 / 1e-6; float64: 1e-10 / 1e-12).
 */
class BaselineGoldenTest {

    private static final String FIXTURE = "/golden/baselines_golden.json";
    private static final DataType[] DTYPES = {DataType.FLOAT32, DataType.FLOAT64};
    private static final List<String> LEAVES = List.of("studentLogits", "studentFeature", "teacherLogits",
            "teacherFeature");
    /**
     * The networks' stage maps, {@code studentStage1, teacherStage1, ...}: FitNet's cases have one (its hint, {@code
     * hintStage = 1}), C2KD's stage-proxy cases two (the penultimate, which the proxies read, and the last).
     */
    private static final String STUDENT_STAGE = "studentStage";
    private static final String TEACHER_STAGE = "teacherStage";

    private static JsonObject fixture;
    private static NDManager base;
    private static final Map<DataType, double[]> WORST = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        fixture();
        base = NDManager.newBaseManager();
        for (DataType type : DTYPES) {
            WORST.put(type, new double[1]);
        }
    }

    @AfterAll
    static void summary() {
        if (base != null) {
            base.close();
        }
        WORST.forEach((type, worst) -> System.out.printf(Locale.ROOT,
                "BaselineGoldenTest %s: worst |diff|/(atol+rtol|ref|) = %.3e%n", type, worst[0]));
    }

    static Stream<Arguments> methodCases() {
        List<Arguments> list = new ArrayList<>();
        for (JsonElement element : fixture().getAsJsonArray("methodCases")) {
            JsonObject c = element.getAsJsonObject();
            for (DataType type : DTYPES) {
                list.add(Arguments.of(c.get("name").getAsString() + " [" + type + "]", c, type));
            }
        }
        return list.stream();
    }

    static Stream<Arguments> kendallCases() {
        List<Arguments> list = new ArrayList<>();
        for (JsonElement element : fixture().getAsJsonArray("kendallCases")) {
            JsonObject c = element.getAsJsonObject();
            for (DataType type : DTYPES) {
                list.add(Arguments.of(c.get("name").getAsString() + " [" + type + "]", c, type));
            }
        }
        return list.stream();
    }

    private static DistillationMethod method(JsonObject c) {
        JsonObject cfg = c.getAsJsonObject("config");
        String method = c.get("method").getAsString();
        switch (method) {
            case LogitKd.NAME:
                return LogitKd.builder().optTemperature(cfg.get("temperature").getAsDouble())
                        .optAlpha(cfg.get("alpha").getAsDouble()).build();
            case FeatureMse.NAME:
                return new FeatureMse(cfg.get("weight").getAsDouble());
            case FeatureFitNet.POOLED_NAME:
                return FeatureFitNet.builder().setTeacherFeatureDim(c.get("featureDim").getAsInt())
                        .optHintWeight(cfg.get("hintWeight").getAsDouble()).build();
            case FitNet.NAME:
                return FitNet.builder().optHintStage(cfg.get("hintStage").getAsInt())
                        .optHintWeight(cfg.get("hintWeight").getAsDouble()).build();
            case Dkd.NAME:
                Dkd dkd = Dkd.builder().optAlpha(cfg.get("alpha").getAsDouble()).optBeta(cfg.get("beta").getAsDouble())
                        .optTemperature(cfg.get("temperature").getAsDouble())
                        .optWarmupEpochs(cfg.get("warmupEpochs").getAsInt()).build();
                dkd.setEpoch(cfg.get("epoch").getAsInt());
                return dkd;
            case Dist.NAME:
                return Dist.builder().optBeta(cfg.get("beta").getAsDouble()).optGamma(cfg.get("gamma").getAsDouble())
                        .optTemperature(cfg.get("temperature").getAsDouble()).build();
            case C2kd.NAME:
                // with stage proxies the fixture's featureDim is the penultimate stage's channels, D / 2
                boolean stageProxies = cfg.has("stageProxies") && cfg.get("stageProxies").getAsBoolean();
                return C2kd.builder().setFeatureDim(c.get("featureDim").getAsInt() * (stageProxies ? 2 : 1))
                        .setNumClasses(c.get("classes").getAsInt()).optKappa(cfg.get("kappa").getAsDouble())
                        .optStageProxies(stageProxies).build();
            default:
                throw new IllegalStateException("fixture names an unknown method " + method);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methodCases")
    void methodTermsAndGradients(String name, JsonObject c, DataType type) {
        try (NDManager m = base.newSubManager()) {
            DistillationMethod method = method(c);
            JsonObject inputs = c.getAsJsonObject("inputs");
            List<String> leafNames = new ArrayList<>(LEAVES);
            int stages = 0;
            while (inputs.has(STUDENT_STAGE + (stages + 1))) {
                stages++;
                leafNames.addAll(List.of(STUDENT_STAGE + stages, TEACHER_STAGE + stages));
            }
            Map<String, NDArray> leaves = new LinkedHashMap<>();
            for (String leaf : leafNames) {
                NDArray array = input(m, inputs.get(leaf).getAsString(), type);
                array.setRequiresGradient(true);
                leaves.put(leaf, array);
            }
            List<Shape> shapes = new ArrayList<>(List.of(leaves.get("studentLogits").getShape(),
                    leaves.get("studentFeature").getShape()));
            List<NDArray> studentStages = new ArrayList<>();
            List<NDArray> teacherStages = new ArrayList<>();
            for (int stage = 1; stage <= stages; stage++) {
                shapes.add(leaves.get(STUDENT_STAGE + stage).getShape());
                studentStages.add(leaves.get(STUDENT_STAGE + stage));
                teacherStages.add(leaves.get(TEACHER_STAGE + stage));
            }
            method.initializeForStudent(m, type, shapes.toArray(Shape[]::new));
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : method.getParameters()) {
                if (p.getKey().endsWith("runningMean") || p.getKey().endsWith("runningVar")) {
                    continue; // training-mode batch norm uses the batch's statistics
                }
                assertTrue(inputs.has(p.getKey()), name + ": the fixture has no value for parameter " + p.getKey());
                NDArray array = p.getValue().getArray();
                try (NDArray value = input(m, inputs.get(p.getKey()).getAsString(), type)) {
                    assertEquals(value.getShape(), array.getShape(), name + ": shape of " + p.getKey());
                    array.set(value.toByteBuffer());
                }
                trainable.put(p.getKey(), array);
            }
            NDArray labels = labels(m, c.getAsJsonArray("labels"));

            LossTerms terms;
            NDArray total;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                terms = method.evaluate(new ParameterStore(m, false),
                        new NetworkOutput(leaves.get("studentLogits"), leaves.get("studentFeature"), studentStages),
                        new NetworkOutput(leaves.get("teacherLogits"), leaves.get("teacherFeature"), teacherStages),
                        labels, true);
                total = terms.total();
                collector.backward(total);
            }

            JsonObject expected = c.getAsJsonObject("terms");
            TreeSet<String> names = new TreeSet<>(expected.keySet());
            names.remove(LossTerms.TOTAL);
            assertEquals(names, new TreeSet<>(terms.names()), name + ": term names");
            for (String term : terms.names()) {
                compare(name, type, "term " + term, terms.get(term), scalar(expected.get(term).getAsDouble()));
                assertEquals(c.getAsJsonObject("weights").get(term).getAsDouble(), terms.weight(term), 1e-15,
                        name + ": weight of " + term);
            }
            compare(name, type, "total", total, scalar(expected.get(LossTerms.TOTAL).getAsDouble()));

            JsonObject grads = c.getAsJsonObject("grads");
            for (Map.Entry<String, NDArray> leaf : leaves.entrySet()) {
                if (grads.has(leaf.getKey())) {
                    compare(name, type, "grad " + leaf.getKey(), leaf.getValue().getGradient(),
                            decode(grads.getAsJsonObject(leaf.getKey())));
                } else { // the frozen teacher, or a student output the method does not use
                    double max = leaf.getValue().getGradient().abs().max().toType(DataType.FLOAT64, false).getDouble();
                    assertEquals(0.0, max, 0.0, name + ": " + leaf.getKey() + " must get no gradient");
                }
            }
            for (Map.Entry<String, NDArray> p : trainable.entrySet()) {
                compare(name, type, "grad " + p.getKey(), p.getValue().getGradient(),
                        decode(grads.getAsJsonObject(p.getKey())));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kendallCases")
    void kendallTauIsScipys(String name, JsonObject c, DataType type) {
        try (NDManager m = base.newSubManager()) {
            NDArray tau = C2kd.kendallTau(input(m, c.get("a").getAsString(), type), input(m, c.get("b").getAsString(),
                    type));
            compare(name, type, "tau", tau, decode(c.getAsJsonObject("tau")));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------

    private static synchronized JsonObject fixture() {
        if (fixture == null) {
            try (InputStream in = BaselineGoldenTest.class.getResourceAsStream(FIXTURE)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + FIXTURE
                            + "; run /usr/bin/python3 lib/src/test/python/make_baselines_golden.py");
                }
                fixture = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fixture;
    }

    private record Expected(long[] shape, double[] data) {}

    private static Expected scalar(double value) {
        return new Expected(new long[0], new double[] {value});
    }

    private static Expected decode(JsonObject json) {
        assertNotNull(json, "fixture array missing");
        JsonArray dims = json.getAsJsonArray("shape");
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).getAsLong();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(json.get("b64").getAsString()))
                .order(ByteOrder.LITTLE_ENDIAN);
        boolean single = "float32".equals(json.get("dtype").getAsString());
        double[] data = new double[bytes.remaining() / (single ? 4 : 8)];
        for (int i = 0; i < data.length; i++) {
            data[i] = single ? bytes.getFloat() : bytes.getDouble();
        }
        return new Expected(shape, data);
    }

    private static NDArray input(NDManager m, String key, DataType type) {
        Expected value = decode(fixture().getAsJsonObject("inputs").getAsJsonObject(key));
        return m.create(value.data, new Shape(value.shape)).toType(type, false);
    }

    private static NDArray labels(NDManager m, JsonArray json) {
        long[] labels = new long[json.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = json.get(i).getAsLong();
        }
        return m.create(labels);
    }

    private static void compare(String name, DataType type, String what, NDArray actual, Expected expected) {
        assertNotNull(actual, name + ": '" + what + "' is missing");
        assertEquals(type, actual.getDataType(), name + ": data type of '" + what + "'");
        if (expected.shape.length > 0) {
            assertEquals(new Shape(expected.shape), actual.getShape(), name + ": shape of '" + what + "'");
        }
        JsonObject tol = fixture().getAsJsonObject("meta").getAsJsonObject("tolerances")
                .getAsJsonObject(type == DataType.FLOAT32 ? "float32" : "float64");
        double rtol = tol.get("rtol").getAsDouble();
        double atol = tol.get("atol").getAsDouble();
        double[] got = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        assertEquals(expected.data.length, got.length, name + ": size of '" + what + "'");
        for (int i = 0; i < got.length; i++) {
            double ratio = Math.abs(got[i] - expected.data[i]) / (atol + rtol * Math.abs(expected.data[i]));
            if (!(ratio <= 1)) {
                fail(String.format(Locale.ROOT, "%s: '%s' element %d: java %.17g, PyTorch %.17g (%.3g x tolerance"
                        + " atol %.1e + rtol %.1e |ref|)", name, what, i, got[i], expected.data[i], ratio, atol, rtol));
            }
            synchronized (WORST) {
                double[] worst = WORST.get(type);
                worst[0] = Math.max(worst[0], ratio);
            }
        }
    }
}
