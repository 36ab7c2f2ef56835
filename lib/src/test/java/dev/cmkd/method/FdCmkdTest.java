package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.cmkd.frequency.Band;
import dev.cmkd.frequency.DcMode;
import dev.cmkd.frequency.Implementation;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.Reduction;
import dev.cmkd.testing.Gradients;
import dev.cmkd.testing.TinyNet;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FdCmkdTest {

    private static final int DIM = 32;
    private static final int CLASSES = 5;
    private static final int BATCH = 6;

    private NDManager manager;
    private NDArray labels;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(3);
        labels = manager.create(new long[] {0, 1, 2, 3, 4, 0});
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private FdCmkd initialized(FdCmkd.Builder builder) {
        FdCmkd method = builder.setFeatureDim(DIM).setNumClasses(CLASSES).build();
        method.initialize(manager, DataType.FLOAT32, DIM, CLASSES);
        return method;
    }

    private NetworkOutput randomOutput() {
        return new NetworkOutput(manager.randomNormal(new Shape(BATCH, CLASSES)),
                manager.randomNormal(new Shape(BATCH, DIM)).add(0.5));
    }

    private LossTerms evaluate(FdCmkd method, NetworkOutput student, NetworkOutput teacher) {
        return method.evaluate(new ParameterStore(manager, false), student, teacher, labels, true);
    }

    @Test
    void defaultObjectiveHasTheReleasedCodesTerms() {
        LossTerms terms = evaluate(initialized(FdCmkd.builder()), randomOutput(), randomOutput());
        assertEquals(List.of("task", "psiLow", "low", "phiLow", "psiHigh", "high", "phiHigh"),
                List.copyOf(terms.names()));
        double expected = 0;
        for (String name : terms.names()) {
            assertEquals(1.0, terms.weight(name), name);
            expected += terms.get(name).getFloat();
        }
        assertEquals(expected, terms.total().getFloat(), 1e-5);
        Map<String, Double> logged = terms.toDoubles();
        assertEquals(expected, logged.get(LossTerms.TOTAL), 1e-5);
    }

    @Test
    void theBandClassifiersHandedOutAreTheOnesTheObjectiveUses() {
        FdCmkd method = initialized(FdCmkd.builder());
        NetworkOutput s = randomOutput();
        NetworkOutput t = randomOutput();
        ParameterStore store = new ParameterStore(manager, false);
        var sBands = method.split(s.feature());
        var tBands = method.split(t.feature());
        LossTerms terms = method.evaluate(store, s, t, labels, false);
        for (Band band : new Band[] {Band.LOW, Band.HIGH}) {
            String suffix = band == Band.LOW ? "Low" : "High";
            NDArray sBand = band == Band.LOW ? sBands.low() : sBands.high();
            NDArray tBand = band == Band.LOW ? tBands.low() : tBands.high();
            Block psi = method.getBandClassifier(band, false);
            Block phi = method.getBandClassifier(band, true);
            NDArray psiLogits = psi.forward(store, new NDList(sBand), false).singletonOrThrow();
            assertEquals(0, method.auxiliaryLogits(store, s, false).get("psi" + suffix).sub(psiLogits).abs().max()
                    .getFloat(), 1e-6);
            assertEquals(terms.get("psi" + suffix).getFloat(), LossFunctions.crossEntropy(psiLogits, labels)
                    .getFloat(), 1e-6);
            double phiTerm = LossFunctions.crossEntropy(phi.forward(store, new NDList(sBand), false)
                    .singletonOrThrow(), labels).getFloat() + LossFunctions.crossEntropy(phi.forward(store,
                    new NDList(tBand), false).singletonOrThrow(), labels).getFloat();
            assertEquals(terms.get("phi" + suffix).getFloat(), phiTerm, 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> method.getBandClassifier(Band.DC, true));
        FdCmkd noAlign = initialized(FdCmkd.builder().optSharedClassifier(false));
        assertThrows(IllegalArgumentException.class, () -> noAlign.getBandClassifier(Band.LOW, true));
        noAlign.getBandClassifier(Band.HIGH, false);
    }

    @Test
    void ablationSwitchesGiveThePapersRows() {
        NetworkOutput s = randomOutput();
        NetworkOutput t = randomOutput();
        assertEquals(List.of("task", "psi", "feature", "phi"),
                List.copyOf(evaluate(initialized(FdCmkd.builder().optFrequencySplit(false)), s, t).names()));
        assertEquals(List.of("task", "psiLow", "low", "psiHigh", "high"),
                List.copyOf(evaluate(initialized(FdCmkd.builder().optSharedClassifier(false)), s, t).names()));
        assertEquals(List.of("task", "low", "high", "scale"), List.copyOf(evaluate(initialized(FdCmkd.builder()
                .optSharedClassifier(false).optBandHeadWeight(0).optScaleWeight(0.5)), s, t).names()));

        // "Log" off: the high band is matched by plain MSE of the standardized bands.
        FdCmkd withLog = initialized(FdCmkd.builder());
        FdCmkd withoutLog = initialized(FdCmkd.builder().optSignedLog(false));
        var sHigh = withLog.getDecoupling().split(s.feature()).high();
        var tHigh = withLog.getDecoupling().split(t.feature()).high();
        double plain = LossFunctions.meanSquaredError(LossFunctions.standardize(sHigh, 1e-8),
                LossFunctions.standardize(tHigh, 1e-8), dev.cmkd.loss.Reduction.MEAN).getFloat();
        assertEquals(plain, evaluate(withoutLog, s, t).get("high").getFloat(), 1e-7);
        assertTrue(Math.abs(plain - evaluate(withLog, s, t).get("high").getFloat()) > 1e-9, "log changes the term");

        // "Scale" off: the raw bands are matched; standardizing before the split is a third reading.
        double raw = LossFunctions.meanSquaredError(sHigh, tHigh, dev.cmkd.loss.Reduction.MEAN).getFloat();
        FdCmkd noScale = initialized(FdCmkd.builder().optScaleMode(ScaleMode.NONE).optSignedLog(false));
        assertEquals(raw, evaluate(noScale, s, t).get("high").getFloat(), 1e-6 * Math.max(1, raw));
        FdCmkd before = initialized(FdCmkd.builder().optScaleMode(ScaleMode.BEFORE_SPLIT).optSignedLog(false));
        var sBefore = withLog.getDecoupling().split(LossFunctions.standardize(s.feature(), 1e-8)).high();
        var tBefore = withLog.getDecoupling().split(LossFunctions.standardize(t.feature(), 1e-8)).high();
        assertEquals(LossFunctions.meanSquaredError(sBefore, tBefore, dev.cmkd.loss.Reduction.MEAN).getFloat(),
                evaluate(before, s, t).get("high").getFloat(), 1e-7);
    }

    @Test
    void weightsScaleTheirTermsInTheTotal() {
        NetworkOutput s = randomOutput();
        NetworkOutput t = randomOutput();
        FdCmkd method = initialized(FdCmkd.builder().optTaskWeight(2).optLowWeight(3).optHighWeight(0.5)
                .optAlignWeight(0.25).optBandHeadWeight(0.1).optScaleWeight(4));
        LossTerms terms = evaluate(method, s, t);
        double expected = 0;
        for (String name : terms.names()) {
            expected += terms.weight(name) * terms.get(name).getFloat();
        }
        assertEquals(4.0, terms.weight("scale"));
        assertEquals(expected, terms.total().getFloat(), 1e-5 * Math.abs(expected));
    }

    @Test
    void fftAndProjectionGiveTheSameObjective() {
        NetworkOutput s = randomOutput();
        NetworkOutput t = randomOutput();
        manager.getEngine().setRandomSeed(5);
        FdCmkd fft = initialized(FdCmkd.builder().optDcMode(DcMode.IN_LOW).optImplementation(Implementation.FFT));
        manager.getEngine().setRandomSeed(5);
        FdCmkd projection = initialized(FdCmkd.builder().optDcMode(DcMode.IN_LOW)
                .optImplementation(Implementation.PROJECTION));
        Map<String, Double> a = evaluate(fft, s, t).toDoubles();
        Map<String, Double> b = evaluate(projection, s, t).toDoubles();
        for (String name : a.keySet()) {
            assertEquals(a.get(name), b.get(name), 1e-5 * Math.max(1, Math.abs(a.get(name))), name);
        }
    }

    @Test
    void theFrozenTeacherGetsNoGradientAndKeepsItsStatistics() {
        TinyNet student = new TinyNet(DIM, CLASSES);
        TinyNet teacherNet = new TinyNet(DIM, CLASSES);
        student.initialize(manager, DataType.FLOAT32, new Shape(BATCH, 12));
        teacherNet.initialize(manager, DataType.FLOAT32, new Shape(BATCH, 12));
        FrozenTeacher teacher = new FrozenTeacher(teacherNet);
        FdCmkd method = initialized(FdCmkd.builder());
        Map<String, double[]> teacherBefore = snapshot(teacherNet);
        NDArray studentInput = manager.randomNormal(new Shape(BATCH, 12));
        NDArray teacherInput = manager.randomNormal(new Shape(BATCH, 12));
        ParameterStore store = new ParameterStore(manager, false);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NetworkOutput s = NetworkOutput.of(student.forward(store, new NDList(studentInput), true));
            NetworkOutput t = teacher.forward(teacherInput);
            collector.backward(method.evaluate(store, s, t, labels, true).total());
        }
        for (Pair<String, Parameter> p : teacherNet.getParameters()) {
            Parameter parameter = p.getValue();
            assertFalse(parameter.requiresGradient(), "teacher parameter " + p.getKey() + " is frozen");
            assertTrue(!parameter.getArray().hasGradient()
                    || Gradients.maxAbs(Gradients.doubles(parameter.getArray().getGradient())) == 0,
                    "teacher parameter " + p.getKey() + " received a gradient");
        }
        // Inference mode: batch-norm running statistics are used, not updated.
        assertEquals(teacherBefore.keySet(), snapshot(teacherNet).keySet());
        snapshot(teacherNet).forEach((name, values) ->
                assertEquals(0, Gradients.maxAbsDiff(teacherBefore.get(name), values), "teacher " + name + " changed"));
        for (Pair<String, Parameter> p : student.getParameters()) {
            if (p.getValue().requiresGradient()) {
                assertTrue(Gradients.maxAbs(Gradients.doubles(p.getValue().getArray().getGradient())) > 0,
                        "student parameter " + p.getKey() + " received no gradient");
            }
        }
    }

    private static Map<String, double[]> snapshot(Block block) {
        Map<String, double[]> values = new java.util.TreeMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            values.put(p.getKey(), Gradients.doubles(p.getValue().getArray()));
        }
        return values;
    }

    @Test
    void theSharedClassifierLearnsFromBothModalities() {
        FdCmkd method = initialized(FdCmkd.builder());
        NetworkOutput s = randomOutput();
        NetworkOutput t = randomOutput();
        Block phiLow = child(method, "phiLow");
        NDArray weight = phiLow.getParameters().valueAt(0).getArray();
        assertEquals(new Shape(CLASSES, DIM), weight.getShape());
        // DJL accumulates gradients on a parameter across steps: read each branch as a difference.
        double[] both = headGradient(weight, () -> evaluate(method, s, t).get("phiLow"));
        var decoupling = method.getDecoupling();
        double[] afterStudent = headGradient(weight, () -> LossFunctions.crossEntropy(
                phiLow.forward(new ParameterStore(manager, false), new NDList(decoupling.split(s.feature()).low()),
                        true).singletonOrThrow(), labels));
        double[] afterTeacher = headGradient(weight, () -> LossFunctions.crossEntropy(
                phiLow.forward(new ParameterStore(manager, false), new NDList(decoupling.split(t.feature()).low()),
                        true).singletonOrThrow(), labels));
        double[] fromStudent = new double[both.length];
        double[] fromTeacher = new double[both.length];
        for (int i = 0; i < both.length; i++) {
            fromStudent[i] = afterStudent[i] - both[i];
            fromTeacher[i] = afterTeacher[i] - afterStudent[i];
        }
        assertTrue(Gradients.maxAbs(fromTeacher) > 1e-4, "the teacher's band trains Phi");
        assertTrue(Gradients.maxAbs(fromStudent) > 1e-4, "the student's band trains Phi");
        double[] sum = new double[both.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = fromStudent[i] + fromTeacher[i];
        }
        assertTrue(Gradients.maxAbsDiff(both, sum) < 1e-6, "Phi's gradient is the sum of both branches");
    }

    /** DJL prefixes child names with their position ("03phiLow"). */
    private static Block child(Block parent, String name) {
        for (Pair<String, Block> child : parent.getChildren()) {
            if (child.getKey().endsWith(name)) {
                return child.getValue();
            }
        }
        throw new IllegalArgumentException("no child " + name + " in " + parent.getChildren().keys());
    }

    private static double[] headGradient(NDArray weight, java.util.function.Supplier<NDArray> loss) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(loss.get());
        }
        return Gradients.doubles(weight.getGradient());
    }

    @Test
    void everyTermStaysOnTheFeaturesDevice() {
        LossTerms terms = evaluate(initialized(FdCmkd.builder().optScaleWeight(1)), randomOutput(), randomOutput());
        for (String name : terms.names()) {
            assertEquals(manager.getDevice(), terms.get(name).getDevice(), name);
        }
        assertEquals(manager.getDevice(), terms.total().getDevice());
    }

    @Test
    void builderErrorsNameTheParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FdCmkd.builder().setNumClasses(3).build())
                .getMessage().contains("setFeatureDim(0)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FdCmkd.builder().setFeatureDim(8).build())
                .getMessage().contains("setNumClasses(0)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FdCmkd.builder().setFeatureDim(8)
                .setNumClasses(3).optDcMode(DcMode.SEPARATE).build()).getMessage().contains("SEPARATE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FdCmkd.builder().setFeatureDim(8)
                .setNumClasses(3).optLowWeight(-1).build()).getMessage().contains("-1"));
        FdCmkd method = FdCmkd.builder().setFeatureDim(8).setNumClasses(3).build();
        method.initialize(manager, DataType.FLOAT32, 8, 3);
        IllegalArgumentException wrongShape = assertThrows(IllegalArgumentException.class, () -> method.evaluate(
                new ParameterStore(manager, false), new NetworkOutput(manager.zeros(new Shape(2, 3)),
                        manager.zeros(new Shape(2, 16))), new NetworkOutput(manager.zeros(new Shape(2, 3)),
                        manager.zeros(new Shape(2, 16))), manager.zeros(new Shape(2), DataType.INT64), true));
        assertTrue(wrongShape.getMessage().contains("[batch, 8]"), wrongShape.getMessage());
    }

    /**
     * {@code toString} is recorded as {@code methodConfig} in every run's config.json, and a run directory with
     * another one is refused: these are the strings of the classification FdCmkd before the dense variant was
     * folded into it.
     */
    @Test
    void toStringIsTheRecordedMethodConfig() {
        assertEquals("FdCmkd(D=512, C=6, split=FrequencySplit(channels 512, cutoff 0.5000, DC EXCLUDED),"
                + " implementation=PROJECTION, scale=PER_BAND, log=true, align=true, reduction=MEAN, weights: task=1.0"
                + " bandHeads=1.0 low=1.0 high=1.0 align=1.0 scale=0.0)",
                FdCmkd.builder().setFeatureDim(512).setNumClasses(6).build().toString());
        assertEquals("FdCmkd(D=64, C=10, split=FrequencySplit(channels 64, cutoff 0.2500, DC IN_LOW),"
                + " implementation=FFT, scale=BEFORE_SPLIT, log=false, align=true, reduction=SUM, weights: task=0.5"
                + " bandHeads=0.0 low=2.0 high=0.25 align=0.0 scale=1.5)",
                FdCmkd.builder().setFeatureDim(64).setNumClasses(10).optCutoffRatio(0.25).optDcMode(DcMode.IN_LOW)
                        .optImplementation(Implementation.FFT).optScaleMode(ScaleMode.BEFORE_SPLIT)
                        .optSignedLog(false).optReduction(Reduction.SUM).optTaskWeight(0.5).optBandHeadWeight(0)
                        .optLowWeight(2).optHighWeight(0.25).optAlignWeight(0).optScaleWeight(1.5).build()
                        .toString());
        assertEquals("FdCmkd(D=16, C=3, split=off, implementation=PROJECTION, scale=NONE, log=true, align=false,"
                + " reduction=MEAN, weights: task=1.0 bandHeads=1.0 low=1.0 high=1.0 align=3.0 scale=0.0)",
                FdCmkd.builder().setFeatureDim(16).setNumClasses(3).optFrequencySplit(false)
                        .optScaleMode(ScaleMode.NONE).optSharedClassifier(false).optAlignWeight(3).build().toString());
        assertEquals(FdCmkd.builder().setFeatureDim(512).setNumClasses(6).build().toString(),
                FdCmkd.builder().optFeatureLayout(FeatureLayout.VECTOR).setFeatureDim(512).setNumClasses(6).build()
                        .toString(), "VECTOR is the default");
    }

    /** The children, in order, of saved checkpoints: DJL's parameter files depend on them. */
    @Test
    void childBlocksKeepTheirNamesAndOrder() {
        assertEquals(List.of("01decoupling", "02psiLow", "03psiHigh", "04phiLow", "05phiHigh"),
                FdCmkd.builder().setFeatureDim(8).setNumClasses(3).build().getChildren().keys());
        assertEquals(List.of("01psi", "02phi"), FdCmkd.builder().setFeatureDim(8).setNumClasses(3)
                .optFrequencySplit(false).build().getChildren().keys());
        assertEquals(List.of("01psiLow", "02psiHigh", "03phiLow", "04phiHigh"), FdCmkd.builder()
                .optFeatureLayout(FeatureLayout.MAP).setFeatureDim(8).setNumClasses(3).build().getChildren().keys());
    }
}
