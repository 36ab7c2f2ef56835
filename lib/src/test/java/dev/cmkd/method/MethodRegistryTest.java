package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every registered (layout, name) builds its method, which runs one {@code evaluate} on a tiny synthetic batch of
 * that layout with finite terms; the registry lists each layout's names in order and names them on a miss.
 */
class MethodRegistryTest {

    private static final int B = 3;
    private static final int D = 8;
    private static final int K = 4;

    static Stream<Arguments> everyMethod() {
        return Arrays.stream(FeatureLayout.values())
                .flatMap(layout -> MethodRegistry.names(layout).stream().map(name -> Arguments.of(layout, name)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyMethod")
    void everyMethodEvaluatesATinyBatch(FeatureLayout layout, String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(21);
            DistillationMethod method = MethodRegistry.spec(name, layout).create(D, K);
            assertEquals(name, method.getName());
            NetworkOutput student = output(manager, layout);
            NetworkOutput teacher = output(manager, layout);
            List<Shape> shapes = new ArrayList<>(List.of(student.logits().getShape(), student.feature().getShape()));
            student.stages().forEach(stage -> shapes.add(stage.getShape()));
            method.initializeForStudent(manager, DataType.FLOAT32, shapes.toArray(Shape[]::new));
            method.setEpoch(0);
            NDArray labels = layout == FeatureLayout.VECTOR ? manager.create(new long[] {0, 3, 1})
                    : manager.randomInteger(-1, K, new Shape(B, 8, 8), DataType.INT64);
            Map<String, Double> terms = method.evaluate(new ParameterStore(manager, false), student, teacher, labels,
                    true).toDoubles();
            assertTrue(terms.containsKey("task") && terms.size() > 1, terms.toString());
            terms.forEach((term, value) -> assertTrue(Double.isFinite(value), layout + " " + name + " " + terms));
        }
    }

    private static NetworkOutput output(NDManager manager, FeatureLayout layout) {
        return layout == FeatureLayout.VECTOR
                ? new NetworkOutput(manager.randomNormal(new Shape(B, K)), manager.randomNormal(new Shape(B, D)),
                        List.of(manager.randomNormal(new Shape(B, D / 2, 8, 8)), manager.randomNormal(new Shape(B,
                                D, 4, 4))))
                : new NetworkOutput(manager.randomNormal(new Shape(B, K, 8, 8)),
                        manager.randomNormal(new Shape(B, D, 4, 4)));
    }

    @Test
    void eachLayoutListsItsMethodsInRegistrationOrder() {
        assertEquals(List.of("none", "kd", "feature-mse", "fitnet", "fitnet-pooled", "dkd", "dist", "c2kd",
                "c2kd-pooled", "fd-cmkd"),
                MethodRegistry.names(FeatureLayout.VECTOR));
        assertEquals(List.of("none", "feature-mse", "fd-cmkd", "fd-cmkd-channel", "kd", "fitnet", "dkd", "dist",
                "c2kd"), MethodRegistry.names(FeatureLayout.MAP));
        assertEquals(List.of("c2kd", "fd-cmkd"), MethodRegistry.specs(List.of("c2kd", "fd-cmkd"),
                FeatureLayout.MAP).stream().map(MethodSpec::name).toList());
    }

    @ParameterizedTest
    @EnumSource(FeatureLayout.class)
    void anUnknownNameListsTheLayoutsNames(FeatureLayout layout) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.spec("mst-distill", layout));
        assertEquals("unknown method 'mst-distill' for " + layout + " features; known: " + MethodRegistry.names(layout),
                e.getMessage());
    }

    @Test
    void theChannelSplitIsDefinedForMapsOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.specs(List.of("fd-cmkd", FdCmkd.CHANNEL_NAME), FeatureLayout.VECTOR));
        assertTrue(e.getMessage().contains("VECTOR") && e.getMessage().contains("fd-cmkd]"), e.getMessage());
        assertFalse(e.getMessage().contains("known: [none, feature-mse"), "VECTOR's names, not MAP's");
    }
}
