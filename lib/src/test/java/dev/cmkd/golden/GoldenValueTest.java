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
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.frequency.Band;
import dev.cmkd.frequency.Bands;
import dev.cmkd.frequency.DcMode;
import dev.cmkd.frequency.FrequencyDecoupling;
import dev.cmkd.frequency.FrequencySplit;
import dev.cmkd.frequency.Implementation;
import dev.cmkd.loss.BandLoss;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.MomentMatchingLoss;
import dev.cmkd.loss.Reduction;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.method.ScaleMode;
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
import java.util.function.BinaryOperator;
import java.util.stream.Stream;

/**
 * Golden-value tests of the library against an independent PyTorch implementation.
 *
 * <p>The fixture {@code golden/fdcmkd_golden.json} is written by {@code lib/src/test/python/make_golden.py}
 * (see the README next to it). Its inputs are float32-representable and its expected values are float64.
 * Every case runs twice, in float32 and in float64, and the frequency code paths run with both
 * {@link Implementation#FFT} and {@link Implementation#PROJECTION}. An array matches when
 * {@code |java - ref| <= atol + rtol |ref|} element-wise, with the per-dtype tolerances recorded in the
 * fixture's {@code meta.tolerances} (float32: rtol 1e-5, atol 1e-6; float64: rtol 1e-10, atol 1e-12).
 *
 * <p>Covered: every band of {@link FrequencyDecoupling} (1-D channel splits of sizes 9, 16 and 512, cutoffs
 * 0.25 / 0.5 / 0.75, all DC modes; 2-D spatial splits 4x6, 7x7 and 1x8); {@link LossFunctions},
 * {@link BandLoss} (all standardize / signed-log / reduction combinations, with the gradient w.r.t. the
 * student) and {@link MomentMatchingLoss} (value and gradient); every {@link FdCmkd} term, the weights, the
 * weighted total and the gradients of the total w.r.t. the student feature, the student logits and the
 * heads' weights and biases (the teacher feature must receive none).
 */
class GoldenValueTest {

    private static final String FIXTURE = "/golden/fdcmkd_golden.json";
    private static final DataType[] DTYPES = {DataType.FLOAT32, DataType.FLOAT64};

    private static JsonObject fixture;
    private static NDManager base;
    /** Worst agreement seen per dtype, for the summary printed after the run. */
    private static final Map<DataType, ErrorStats> STATS = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        fixture();
        base = NDManager.newBaseManager();
        for (DataType type : DTYPES) {
            STATS.put(type, new ErrorStats());
        }
    }

    @AfterAll
    static void summary() {
        if (base != null) {
            base.close();
        }
        StringBuilder text = new StringBuilder("GoldenValueTest agreement with the PyTorch float64 reference:\n");
        STATS.forEach((type, stats) -> text.append(String.format(Locale.ROOT,
                "  %-7s %5d arrays%n"
                        + "    max |diff|/(atol+rtol|ref|)  %.3e  at %s%n"
                        + "    max |diff|/max|ref|          %.3e  at %s%n"
                        + "    max |diff|                   %.3e  at %s%n",
                type, stats.arrays, stats.maxRatio, stats.maxRatioWhere, stats.maxScaled, stats.maxScaledWhere,
                stats.maxAbs, stats.maxAbsWhere)));
        System.out.print(text);
    }

    // ------------------------------------------------------------------------------------------------
    // Cases
    // ------------------------------------------------------------------------------------------------

    static Stream<Arguments> splitCases() {
        List<Arguments> list = new ArrayList<>();
        for (JsonElement element : fixture().getAsJsonArray("splitCases")) {
            JsonObject c = element.getAsJsonObject();
            for (DataType type : DTYPES) {
                for (Implementation impl : Implementation.values()) {
                    list.add(Arguments.of(label(c, type, impl), c, type, impl));
                }
            }
        }
        return list.stream();
    }

    static Stream<Arguments> lossCases() {
        List<Arguments> list = new ArrayList<>();
        for (JsonElement element : fixture().getAsJsonArray("lossCases")) {
            JsonObject c = element.getAsJsonObject();
            for (DataType type : DTYPES) {
                list.add(Arguments.of(label(c, type, null), c, type));
            }
        }
        return list.stream();
    }

    static Stream<Arguments> fdcmkdCases() {
        List<Arguments> list = new ArrayList<>();
        for (JsonElement element : fixture().getAsJsonArray("fdcmkdCases")) {
            JsonObject c = element.getAsJsonObject();
            for (DataType type : DTYPES) {
                for (Implementation impl : Implementation.values()) {
                    list.add(Arguments.of(label(c, type, impl), c, type, impl));
                }
            }
        }
        return list.stream();
    }

    private static String label(JsonObject c, DataType type, Implementation impl) {
        return c.get("name").getAsString() + " [" + type + (impl == null ? "" : ", " + impl) + "]";
    }

    // ------------------------------------------------------------------------------------------------
    // Frequency decoupling
    // ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("splitCases")
    void frequencyDecoupling(String name, JsonObject c, DataType type, Implementation impl) {
        Check check = new Check(name, type);
        try (NDManager m = base.newSubManager()) {
            FrequencySplit.Builder builder = FrequencySplit.builder()
                    .optCutoffRatio(c.get("cutoffRatio").getAsDouble())
                    .optDcMode(DcMode.valueOf(c.get("dcMode").getAsString()));
            boolean spatial = "spatial".equals(c.get("kind").getAsString());
            if (spatial) {
                builder.setSpatial(c.get("height").getAsInt(), c.get("width").getAsInt());
            } else {
                builder.setChannels(c.get("n").getAsInt());
            }
            FrequencySplit split = builder.build();
            if (spatial) {
                JsonObject counts = c.getAsJsonObject("naturalBinCounts");
                for (Band band : Band.values()) {
                    int expected = counts.get(band.name().toLowerCase(Locale.ROOT)).getAsInt();
                    int actual = 0;
                    for (int bin = 0; bin < split.size(); bin++) {
                        actual += split.naturalBand(bin) == band ? 1 : 0;
                    }
                    assertEquals(expected, actual, name + ": number of " + band + " bins");
                }
            } else {
                assertEquals(c.get("lowBinCount").getAsInt(), split.lowBinCount(), name + ": lowBinCount");
            }
            NDArray x = input(m, c.get("input").getAsString(), type);
            Bands bands = FrequencyDecoupling.initialized(split, impl, m, type).split(x);
            JsonObject expected = c.getAsJsonObject("bands");
            Band[] outputs = split.outputBands();
            assertEquals(expected.size(), outputs.length, name + ": number of bands");
            for (Band band : outputs) {
                String key = band.name().toLowerCase(Locale.ROOT);
                NDArray actual = bands.get(band);
                assertEquals(type, actual.getDataType(), name + ": data type of band " + key);
                check.array("band/" + key, actual, expected.getAsJsonObject(key));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Losses
    // ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("lossCases")
    void losses(String name, JsonObject c, DataType type) {
        Check check = new Check(name, type);
        try (NDManager m = base.newSubManager()) {
            if (c.has("crossEntropy")) {
                NDArray logits = input(m, c.get("logits").getAsString(), type);
                NDArray labels = labels(m, c.getAsJsonArray("labels"));
                check.scalar("crossEntropy", LossFunctions.crossEntropy(logits, labels),
                        c.get("crossEntropy").getAsDouble());
                return;
            }
            NDArray s = input(m, c.get("student").getAsString(), type);
            JsonObject arrays = c.getAsJsonObject("arrays");
            for (String key : arrays.keySet()) {
                NDArray actual;
                switch (key) {
                    case "centre":
                        actual = LossFunctions.centre(s);
                        break;
                    case "standardize":
                        actual = LossFunctions.standardize(s, LossFunctions.STANDARDIZE_EPSILON);
                        break;
                    case "signedLog":
                        actual = LossFunctions.signedLog(input(m, c.get("teacher").getAsString(), type));
                        break;
                    default:
                        throw new IllegalStateException(name + ": unknown array " + key);
                }
                check.array(key, actual, arrays.getAsJsonObject(key));
            }
            NDArray t = input(m, c.get("teacher").getAsString(), type);
            JsonObject values = c.getAsJsonObject("values");
            for (String key : values.keySet()) {
                Reduction reduction = switch (key) {
                    case "mseMean" -> Reduction.MEAN;
                    case "mseSum" -> Reduction.SUM;
                    default -> throw new IllegalStateException(name + ": unknown value " + key);
                };
                check.scalar(key, LossFunctions.meanSquaredError(s, t, reduction), values.get(key).getAsDouble());
            }

            for (JsonElement element : c.getAsJsonArray("bandLosses")) {
                JsonObject b = element.getAsJsonObject();
                boolean standardize = b.get("standardize").getAsBoolean();
                boolean signedLog = b.get("signedLog").getAsBoolean();
                Reduction reduction = Reduction.valueOf(b.get("reduction").getAsString());
                String tag = String.format(Locale.ROOT, "bandLoss(std=%s, log=%s, %s)", standardize, signedLog,
                        reduction);
                List<Pair<String, BandLoss>> losses = new ArrayList<>();
                losses.add(new Pair<>(tag, BandLoss.builder().optStandardize(standardize).optSignedLog(signedLog)
                        .optReduction(reduction).build()));
                if (standardize && reduction == Reduction.MEAN) {
                    losses.add(signedLog ? new Pair<>("BandLoss.highFrequency()", BandLoss.highFrequency())
                                         : new Pair<>("BandLoss.lowFrequency()", BandLoss.lowFrequency()));
                }
                for (Pair<String, BandLoss> loss : losses) {
                    checkWithGradient(check, m, loss.getKey(), s, t, loss.getValue()::evaluate,
                            b.get("value").getAsDouble(), b.getAsJsonObject("gradStudent"));
                }
            }
            if (c.get("momentMatching").isJsonNull()) {
                return;
            }
            JsonObject moments = c.getAsJsonObject("momentMatching");
            checkWithGradient(check, m, "momentMatching", s, t, new MomentMatchingLoss()::evaluate,
                    moments.get("value").getAsDouble(), moments.getAsJsonObject("gradStudent"));
        }
    }

    /** Checks a loss's value and its gradient w.r.t. a fresh student leaf; the teacher must get none. */
    private static void checkWithGradient(Check check, NDManager m, String what, NDArray s0, NDArray t0,
            BinaryOperator<NDArray> loss, double value, JsonObject gradStudent) {
        try (NDManager step = m.newSubManager()) {
            NDArray s = s0.duplicate();
            NDArray t = t0.duplicate();
            s.attach(step);
            t.attach(step);
            s.setRequiresGradient(true);
            t.setRequiresGradient(true);
            NDArray result;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                result = loss.apply(s, t);
                collector.backward(result);
            }
            check.scalar(what, result, value);
            check.array(what + "/grad student", s.getGradient(), gradStudent);
            check.zero(what + "/grad teacher", t.getGradient());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // FD-CMKD
    // ------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("fdcmkdCases")
    void fdCmkd(String name, JsonObject c, DataType type, Implementation impl) {
        Check check = new Check(name, type);
        int dim = c.get("featureDim").getAsInt();
        int classes = c.get("numClasses").getAsInt();
        JsonObject cfg = c.getAsJsonObject("config");
        try (NDManager m = base.newSubManager()) {
            FdCmkd method = FdCmkd.builder()
                    .setFeatureDim(dim)
                    .setNumClasses(classes)
                    .optCutoffRatio(cfg.get("cutoffRatio").getAsDouble())
                    .optDcMode(DcMode.valueOf(cfg.get("dcMode").getAsString()))
                    .optImplementation(impl)
                    .optFrequencySplit(cfg.get("frequencySplit").getAsBoolean())
                    .optScaleMode(ScaleMode.valueOf(cfg.get("scaleMode").getAsString()))
                    .optSignedLog(cfg.get("signedLog").getAsBoolean())
                    .optSharedClassifier(cfg.get("sharedClassifier").getAsBoolean())
                    .optReduction(Reduction.valueOf(cfg.get("reduction").getAsString()))
                    .optTaskWeight(cfg.get("taskWeight").getAsDouble())
                    .optBandHeadWeight(cfg.get("bandHeadWeight").getAsDouble())
                    .optLowWeight(cfg.get("lowWeight").getAsDouble())
                    .optHighWeight(cfg.get("highWeight").getAsDouble())
                    .optAlignWeight(cfg.get("alignWeight").getAsDouble())
                    .optScaleWeight(cfg.get("scaleWeight").getAsDouble())
                    .build();
            method.initialize(m, type, dim, classes);

            // Give the heads the fixture's weights.
            JsonObject heads = c.getAsJsonObject("heads");
            Map<String, Map<String, Parameter>> headParameters = new LinkedHashMap<>();
            TreeSet<String> children = new TreeSet<>();
            for (Pair<String, Block> child : method.getChildren()) {
                String childName = child.getKey().replaceFirst("^\\d+", "");
                children.add(childName);
                if ("decoupling".equals(childName)) {
                    continue;
                }
                assertTrue(heads.has(childName), name + ": unexpected child block " + child.getKey());
                Map<String, Parameter> byKind = new LinkedHashMap<>();
                for (Pair<String, Parameter> p : child.getValue().getParameters()) {
                    String kind = p.getKey().endsWith("weight") ? "weight" : p.getKey().endsWith("bias") ? "bias" : null;
                    assertNotNull(kind, name + ": unexpected parameter " + p.getKey() + " in " + childName);
                    NDArray array = p.getValue().getArray();
                    JsonObject source = heads.getAsJsonObject(childName);
                    Expected value = decode(fixture().getAsJsonObject("inputs").getAsJsonObject(
                            source.get(kind).getAsString()));
                    assertEquals(new Shape(value.shape), array.getShape(), name + ": shape of " + childName + "/"
                            + kind);
                    try (NDArray v = m.create(value.data, new Shape(value.shape)).toType(type, false)) {
                        array.set(v.toByteBuffer());
                    }
                    check.array("head " + childName + "/" + kind + " after set", array, value);
                    byKind.put(kind, p.getValue());
                }
                assertEquals(2, byKind.size(), name + ": " + childName + " needs a weight and a bias");
                headParameters.put(childName, byKind);
            }
            TreeSet<String> expectedChildren = new TreeSet<>(heads.keySet());
            if (cfg.get("frequencySplit").getAsBoolean()) {
                expectedChildren.add("decoupling");
            }
            assertEquals(expectedChildren, children, name + ": child blocks");

            JsonObject inputs = c.getAsJsonObject("inputs");
            NDArray fs = input(m, inputs.get("studentFeature").getAsString(), type);
            NDArray ft = input(m, inputs.get("teacherFeature").getAsString(), type);
            NDArray zs = input(m, inputs.get("studentLogits").getAsString(), type);
            NDArray zt = m.zeros(zs.getShape(), type);
            NDArray labels = labels(m, c.getAsJsonArray("labels"));
            fs.setRequiresGradient(true);
            ft.setRequiresGradient(true);
            zs.setRequiresGradient(true);

            LossTerms terms;
            NDArray total;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                terms = method.evaluate(new ParameterStore(m, false), new NetworkOutput(zs, fs),
                        new NetworkOutput(zt, ft), labels, true);
                total = terms.total();
                collector.backward(total);
            }

            JsonObject expectedTerms = c.getAsJsonObject("terms");
            JsonObject weights = c.getAsJsonObject("weights");
            TreeSet<String> expectedNames = new TreeSet<>(expectedTerms.keySet());
            expectedNames.remove(LossTerms.TOTAL);
            assertEquals(expectedNames, new TreeSet<>(terms.names()), name + ": term names");
            for (String term : terms.names()) {
                check.scalar("term " + term, terms.get(term), expectedTerms.get(term).getAsDouble());
                assertEquals(weights.get(term).getAsDouble(), terms.weight(term), 0.0, name + ": weight of " + term);
            }
            check.scalar("term total", total, expectedTerms.get(LossTerms.TOTAL).getAsDouble());

            check.array("grad student feature", fs.getGradient(), c.getAsJsonObject("gradFeature"));
            check.array("grad student logits", zs.getGradient(), c.getAsJsonObject("gradLogits"));
            check.zero("grad teacher feature", ft.getGradient());
            JsonObject gradHeads = c.getAsJsonObject("gradHeads");
            for (String head : gradHeads.keySet()) {
                for (String kind : new String[] {"weight", "bias"}) {
                    check.array("grad " + head + "/" + kind, headParameters.get(head).get(kind).getArray()
                            .getGradient(), gradHeads.getAsJsonObject(head).getAsJsonObject(kind));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------

    /** Returns the fixture, read once. */
    private static synchronized JsonObject fixture() {
        if (fixture == null) {
            fixture = readFixture();
        }
        return fixture;
    }

    private static JsonObject readFixture() {
        try (InputStream in = GoldenValueTest.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + FIXTURE
                        + "; run /usr/bin/python3 lib/src/test/python/make_golden.py");
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An array of the fixture, widened to double. */
    private record Expected(long[] shape, double[] data) {}

    private static Expected decode(JsonObject json) {
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
        assertEquals(new Shape(shape).size(), data.length, "fixture array size");
        return new Expected(shape, data);
    }

    /** A fixture input, created from its exact float32 values in {@code type}. */
    private static NDArray input(NDManager m, String key, DataType type) {
        JsonObject json = fixture().getAsJsonObject("inputs").getAsJsonObject(key);
        if (json == null) {
            throw new IllegalStateException("fixture has no input " + key);
        }
        Expected value = decode(json);
        return m.create(value.data, new Shape(value.shape)).toType(type, false);
    }

    private static NDArray labels(NDManager m, JsonArray json) {
        long[] labels = new long[json.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = json.get(i).getAsLong();
        }
        return m.create(labels);
    }

    /** Worst agreement of one dtype. */
    private static final class ErrorStats {
        int arrays;
        double maxAbs;
        String maxAbsWhere = "-";
        double maxRatio;
        String maxRatioWhere = "-";
        double maxScaled;
        String maxScaledWhere = "-";
    }

    /** Element-wise comparison against the float64 reference with the dtype's tolerance. */
    private static final class Check {
        private final String caseName;
        private final DataType type;
        private final double rtol;
        private final double atol;

        Check(String caseName, DataType type) {
            this.caseName = caseName;
            this.type = type;
            JsonObject tol = fixture().getAsJsonObject("meta").getAsJsonObject("tolerances")
                    .getAsJsonObject(type == DataType.FLOAT32 ? "float32" : "float64");
            this.rtol = tol.get("rtol").getAsDouble();
            this.atol = tol.get("atol").getAsDouble();
        }

        void scalar(String what, NDArray actual, double expected) {
            assertEquals(1, actual.getShape().size(), caseName + ": " + what + " must be a scalar");
            compare(what, actual, new Expected(new long[0], new double[] {expected}), false);
        }

        void array(String what, NDArray actual, JsonObject expected) {
            array(what, actual, decode(expected));
        }

        void array(String what, NDArray actual, Expected expected) {
            compare(what, actual, expected, true);
        }

        void zero(String what, NDArray actual) {
            double[] values = actual.toType(DataType.FLOAT64, false).toDoubleArray();
            double max = 0;
            for (double v : values) {
                max = Math.max(max, Math.abs(v));
            }
            if (!(max == 0)) {
                fail(String.format(Locale.ROOT, "%s: array '%s' must be all zero; max |value| = %.6e, tolerance 0",
                        caseName, what, max));
            }
        }

        private void compare(String what, NDArray actual, Expected expected, boolean checkShape) {
            assertNotNull(actual, caseName + ": array '" + what + "' is missing");
            assertEquals(type, actual.getDataType(), caseName + ": data type of '" + what + "'");
            if (checkShape) {
                assertEquals(new Shape(expected.shape), actual.getShape(), caseName + ": shape of '" + what + "'");
            }
            double[] got = actual.toType(DataType.FLOAT64, false).toDoubleArray();
            double[] ref = expected.data;
            assertEquals(ref.length, got.length, caseName + ": size of '" + what + "'");
            double maxAbs = 0;
            double maxRatio = 0;
            double maxRef = 0;
            int worst = 0;
            for (int i = 0; i < ref.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(ref[i]));
                double diff = Math.abs(got[i] - ref[i]);
                double ratio = diff / (atol + rtol * Math.abs(ref[i]));
                if (Double.isNaN(diff)) {
                    ratio = Double.POSITIVE_INFINITY;
                    diff = Double.POSITIVE_INFINITY;
                }
                maxAbs = Math.max(maxAbs, diff);
                if (ratio > maxRatio) {
                    maxRatio = ratio;
                    worst = i;
                }
            }
            record(what, maxAbs, maxRatio, maxRef == 0 ? maxAbs : maxAbs / maxRef);
            if (maxRatio > 1) {
                fail(String.format(Locale.ROOT,
                        "%s: array '%s' differs from the PyTorch reference: max |diff| = %.6e; tolerance"
                                + " |diff| <= atol + rtol*|ref| with atol = %.1e, rtol = %.1e; worst element %d:"
                                + " java = %.17g, reference = %.17g (%.3g x its tolerance)",
                        caseName, what, maxAbs, atol, rtol, worst, got[worst], ref[worst], maxRatio));
            }
        }

        private void record(String what, double maxAbs, double maxRatio, double scaled) {
            synchronized (STATS) {
                ErrorStats stats = STATS.get(type);
                stats.arrays++;
                if (scaled > stats.maxScaled) {
                    stats.maxScaled = scaled;
                    stats.maxScaledWhere = caseName + " / " + what;
                }
                if (maxAbs > stats.maxAbs) {
                    stats.maxAbs = maxAbs;
                    stats.maxAbsWhere = caseName + " / " + what;
                }
                if (maxRatio > stats.maxRatio) {
                    stats.maxRatio = maxRatio;
                    stats.maxRatioWhere = caseName + " / " + what;
                }
            }
        }
    }
}
