package dev.cmkd.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * C2KD's proxies on the penultimate stage's map (the registered {@code c2kd}, as C2KD's code: layer3) are the
 * proxies of {@code c2kd-pooled} applied to that map averaged over its positions; the last stage's map is not read,
 * and networks without stage maps are refused. The values against PyTorch are in {@code BaselineGoldenTest}.
 */
class C2kdStageProxiesTest {

    private static final int B = 6;
    private static final int D = 8;
    private static final int K = 4;

    @Test
    void stageProxiesArePooledProxiesOnThePenultimateMap() {
        try (NDManager manager = NDManager.newBaseManager()) {
            C2kd stage = (C2kd) MethodRegistry.spec(C2kd.NAME, FeatureLayout.VECTOR).create(D, K);
            assertEquals("C2kd(featureDim=8, numClasses=4, kappa=0.0, proxies=penultimate-stage-map)",
                    stage.toString());
            assertTrue(stage.readsStageMaps() && stage.trainsTeacher());
            C2kd pooled = C2kd.builder().setFeatureDim(D / 2).setNumClasses(K).build();
            Engine.getInstance().setRandomSeed(3);
            stage.initializeForStudent(manager, DataType.FLOAT32, new Shape(B, K), new Shape(B, D),
                    new Shape(B, D / 2, 3, 4), new Shape(B, D, 2, 2));
            Engine.getInstance().setRandomSeed(3);
            pooled.initialize(manager, DataType.FLOAT32, D / 2, K);

            NDArray labels = manager.create(new long[] {0, 1, 2, 3, 0, 1});
            NetworkOutput[] sides = new NetworkOutput[2];
            NetworkOutput[] pooledSides = new NetworkOutput[2];
            for (int i = 0; i < 2; i++) {
                NDArray logits = manager.randomNormal(new Shape(B, K));
                NDArray penultimate = manager.randomNormal(new Shape(B, D / 2, 3, 4)).abs();
                sides[i] = new NetworkOutput(logits, manager.randomNormal(new Shape(B, D)), List.of(penultimate,
                        manager.randomNormal(new Shape(B, D, 2, 2))));
                pooledSides[i] = new NetworkOutput(logits, penultimate.mean(new int[] {3}).mean(new int[] {2}));
            }
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Double> expected = pooled.evaluate(store, pooledSides[0], pooledSides[1], labels, true)
                    .toDoubles();
            Map<String, Double> actual = stage.evaluate(store, sides[0], sides[1], labels, true).toDoubles();
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((term, value) -> assertEquals(value, actual.get(term), 1e-5, term));

            NetworkOutput noStages = new NetworkOutput(sides[0].logits(), sides[0].feature());
            assertThrows(IllegalArgumentException.class, () -> stage.evaluate(store, noStages, sides[1], labels,
                    true));
            assertThrows(IllegalArgumentException.class, () -> C2kd.builder().setFeatureDim(7).setNumClasses(K)
                    .optStageProxies(true).build());
        }
    }
}
