package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.cmkd.model.ResNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * {@link FitNet} on the stage maps of real ResNets of two modalities with maps of different sizes, its properties
 * (the hint vanishes when the teacher's map is the regressor's output; only the student and the regressor get
 * gradients; networks without stage maps are refused by name), and {@link FeatureMaps#resizeBilinear}'s (the
 * identity on equal sizes, corners kept, exact on maps affine in the position). The values against PyTorch are in
 * {@code BaselineGoldenTest}.
 */
class FitNetTest {

    private static final int B = 4;
    private static final int K = 3;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(5);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static ResNet resNet() {
        return ResNet.builder().setNumClasses(K).optInputChannels(1).optWidth(4).optBlocksPerStage(1, 1, 1, 1)
                .optSmallInput(true).build();
    }

    @Test
    void theRegisteredFitNetHintsLayer2OfAnotherModalitysNetwork() {
        ResNet student = resNet();
        ResNet teacherNet = resNet();
        Shape image = new Shape(B, 1, 12, 12);
        Shape audio = new Shape(B, 1, 10, 26);
        FitNet fitNet = (FitNet) MethodRegistry.spec(FitNet.NAME, FeatureLayout.VECTOR).create(32, K);
        DistillationObjective objective = new DistillationObjective(student, fitNet);
        objective.initialize(manager, DataType.FLOAT32, image);
        teacherNet.initialize(manager, DataType.FLOAT32, audio);
        assertEquals(new Shape(8, 8, 3, 3), fitNet.regressor().getParameters().get("01Conv2d_weight").getArray()
                .getShape(), "layer2 of width 4 has 8 channels, regressed 8 -> 8");
        assertTrue(fitNet.readsStageMaps());
        assertEquals("FitNet(hintStage=2, regressor=bilinear-resize+conv3x3+bn+relu, hintWeight=100.0)",
                fitNet.toString());

        NetworkOutput teacher = new FrozenTeacher(teacherNet).forward(manager.randomNormal(audio));
        assertEquals(new Shape(B, 8, 5, 13), teacher.stage("test", 2).getShape());
        NDArray input = manager.randomNormal(image);
        LossTerms terms;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            terms = objective.evaluate(new ParameterStore(manager, false), input, teacher,
                    manager.create(new long[] {0, 1, 2, 1}), true);
            collector.backward(terms.total());
        }
        Map<String, Double> values = terms.toDoubles();
        assertEquals(List.of("task", "hint"), List.copyOf(terms.names()));
        assertEquals(100.0, terms.weight("hint"));
        assertTrue(values.get("hint") > 0 && Double.isFinite(values.get("hint")), values.toString());
        assertTrue(fitNet.regressor().getParameters().get("01Conv2d_weight").getArray().getGradient().abs().sum()
                .getFloat() > 0, "the regressor learns");
        NDArray layer2 = student.getParameters().stream()
                .filter(p -> p.getKey().matches("\\d\\dlayer2_0_\\d\\dconv1_weight")).findFirst().orElseThrow()
                .getValue().getArray();
        assertTrue(layer2.getGradient().abs().sum().getFloat() > 0, "the hint reaches layer2");
    }

    @Test
    void theHintVanishesWhenTheTeachersMapIsTheRegressorsOutputAndOnlyTheStudentLearns() {
        FitNet fitNet = FitNet.builder().optHintStage(1).optHintWeight(3).build();
        Shape map = new Shape(B, 2, 3, 5);
        fitNet.initializeForStudent(manager, DataType.FLOAT64, new Shape(B, K), new Shape(B, 2), map);
        NDArray studentMap = manager.randomNormal(map).toType(DataType.FLOAT64, false);
        NDArray teacherMap = fitNet.regressor().forward(new ParameterStore(manager, false), new NDList(studentMap),
                true).singletonOrThrow();
        studentMap.setRequiresGradient(true);
        teacherMap.setRequiresGradient(true);
        NDArray logits = manager.randomNormal(new Shape(B, K)).toType(DataType.FLOAT64, false);
        LossTerms terms;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            terms = fitNet.evaluate(new ParameterStore(manager, false), new NetworkOutput(logits, logits,
                    List.of(studentMap)), new NetworkOutput(logits, logits, List.of(teacherMap)),
                    manager.create(new long[] {0, 1, 2, 0}), true);
            collector.backward(terms.get("hint"));
        }
        assertEquals(0.0, terms.get("hint").toType(DataType.FLOAT64, false).getDouble(), 1e-12);
        assertEquals(0.0, teacherMap.getGradient().abs().max().toType(DataType.FLOAT64, false).getDouble(), 0.0,
                "the teacher gets no gradient");
        assertTrue(studentMap.getGradient().abs().max().toType(DataType.FLOAT64, false).getDouble() == 0,
                "at the minimum the student's gradient vanishes too");
    }

    @Test
    void networksWithoutStageMapsAreRefusedByName() {
        FitNet fitNet = FitNet.builder().build();
        IllegalArgumentException noStages = assertThrows(IllegalArgumentException.class,
                () -> fitNet.initializeForStudent(manager, DataType.FLOAT32, new Shape(B, K), new Shape(B, 8)));
        assertTrue(noStages.getMessage().contains("stage 2") && noStages.getMessage().contains("fitnet-pooled"),
                noStages.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> fitNet.initialize(manager, DataType.FLOAT32, 8, K));
        NetworkOutput withoutStages = new NetworkOutput(manager.zeros(new Shape(B, K)), manager.zeros(new Shape(B, 8)));
        IllegalArgumentException teacher = assertThrows(IllegalArgumentException.class,
                () -> withoutStages.stage(FitNet.NAME, 2));
        assertTrue(teacher.getMessage().contains("gave 0 stage map(s)"), teacher.getMessage());
    }

    @Test
    void bilinearResizingKeepsCornersAndIsExactOnAffineMaps() {
        // f(y, x) = 1 + 2 y + 3 x on a 4 x 6 grid; aligned corners map the grid onto [0, 3] x [0, 5] at any size
        NDArray y = manager.arange(4f).reshape(1, 1, 4, 1).toType(DataType.FLOAT64, false);
        NDArray x = manager.arange(6f).reshape(1, 1, 1, 6).toType(DataType.FLOAT64, false);
        NDArray map = y.mul(2).add(x.mul(3)).add(1).repeat(1, 2);
        assertSame(map, FeatureMaps.resizeBilinear(map, 4, 6));
        for (long[] size : new long[][] {{7, 3}, {2, 11}, {1, 1}}) {
            NDArray resized = FeatureMaps.resizeBilinear(map, size[0], size[1]);
            assertEquals(new Shape(1, 2, size[0], size[1]), resized.getShape());
            NDArray ry = size[0] == 1 ? manager.zeros(new Shape(1), DataType.FLOAT64)
                    : manager.linspace(0f, 3f, (int) size[0]).toType(DataType.FLOAT64, false);
            NDArray rx = size[1] == 1 ? manager.zeros(new Shape(1), DataType.FLOAT64)
                    : manager.linspace(0f, 5f, (int) size[1]).toType(DataType.FLOAT64, false);
            NDArray expected = ry.reshape(1, 1, -1, 1).mul(2).add(rx.reshape(1, 1, 1, -1).mul(3)).add(1);
            assertTrue(resized.sub(expected).abs().max().getDouble() < 1e-5, resized + " vs " + expected);
        }
    }
}
