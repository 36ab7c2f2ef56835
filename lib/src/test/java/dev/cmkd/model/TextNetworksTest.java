package dev.cmkd.model;

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
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.train.SgdMomentum;
import org.junit.jupiter.api.Test;

/** TextCnn and FeatureMlp: the ResNet output contract, the pre-activation feature, and learning. */
class TextNetworksTest {

    @Test
    void textCnnGivesLogitsAndAPreActivationFeatureAndLearnsItsEmbedding() {
        TextCnn net = TextCnn.builder().setVocabularySize(20).setNumClasses(3).optEmbeddingDim(6).optFilters(4)
                .optKernelSizes(2, 3).optFeatureDim(10).optFeaturePoint(FeaturePoint.PRE_RELU).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 7));
            assertEquals(new Shape(20, 6), net.getParameters().get("embedding").getArray().getShape());
            NDArray ids = manager.create(new float[] {2, 5, 9, 1, 0, 0, 0, 3, 3, 4, 19, 7, 8, 0}, new Shape(2, 7));
            NetworkOutput out = NetworkOutput.of(net.forward(new ParameterStore(manager, false), new NDList(ids), false));
            assertEquals(new Shape(2, 3), out.logits().getShape());
            assertEquals(new Shape(2, 10), out.feature().getShape());
            assertTrue(out.feature().lt(0).any().getBoolean(), "the feature is taken before the activation");
            assertLearns(net, manager, ids);
        }
        assertThrows(IllegalArgumentException.class, () -> TextCnn.builder().setNumClasses(2).build());
    }

    @Test
    void featureMlpFollowsTheSameContract() {
        FeatureMlp net = new FeatureMlp(3, 8, 10, FeaturePoint.PRE_RELU);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 5));
            NDArray x = manager.randomNormal(new Shape(2, 5));
            NetworkOutput out = NetworkOutput.of(net.forward(new ParameterStore(manager, false), new NDList(x), false));
            assertEquals(new Shape(2, 10), out.feature().getShape());
            assertEquals(new Shape(2, 3), out.logits().getShape());
            assertLearns(net, manager, x);
        }
    }

    private static void assertLearns(Block net, NDManager manager, NDArray input) {
        NDArray labels = manager.create(new long[] {0, 2});
        SgdMomentum optimizer = new SgdMomentum(net.getParameters(), 0.9);
        ParameterStore store = new ParameterStore(manager, false);
        float[] before = net.getParameters().get(0).getValue().getArray().toFloatArray();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 15; step++) {
            double loss = optimizer.minimize(0.05, () -> new LossTerms().add("task", 1, LossFunctions.crossEntropy(
                    NetworkOutput.of(net.forward(store, new NDList(input), true)).logits(), labels)))
                    .get(LossTerms.TOTAL);
            first = step == 0 ? loss : first;
            last = loss;
        }
        assertFalse(java.util.Arrays.equals(before, net.getParameters().get(0).getValue().getArray().toFloatArray()),
                "the first parameter (the embedding, or the first layer) is updated");
        assertTrue(last < first, "loss " + first + " -> " + last);
    }
}
