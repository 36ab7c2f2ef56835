package dev.cmkd.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * The two {@link FeaturePoint}s in every backbone, on the same weights (the same engine seed): the post-ReLU feature
 * is non-negative; it is exactly {@code ReLU} of the pre-ReLU feature where nothing pools after the activation
 * (segmentation map, {@link TextCnn}, {@link FeatureMlp}) and at least it where the map is averaged ({@link ResNet}:
 * {@code mean ReLU(S) >= ReLU(mean S)}); the logits do not depend on the point, so the classifier sees the post-ReLU
 * feature under both, with the ReLU applied once.
 */
class FeaturePointTest {

    /** Returns {@code NDList(logits, feature)} of the network {@code build} makes for {@code point}, seed 4. */
    private static float[][] outputs(Function<FeaturePoint, Block> build, FeaturePoint point, NDArray x) {
        Engine.getInstance().setRandomSeed(4);
        Block net = build.apply(point);
        net.initialize(x.getManager(), DataType.FLOAT32, x.getShape());
        NDList out = net.forward(new ParameterStore(x.getManager(), false), new NDList(x), true);
        return new float[][] {out.get(0).toFloatArray(), out.get(1).toFloatArray()};
    }

    private static void check(String name, Function<FeaturePoint, Block> build, NDArray x, boolean pooled) {
        float[][] post = outputs(build, FeaturePoint.POST_RELU, x);
        float[][] pre = outputs(build, FeaturePoint.PRE_RELU, x);
        assertArrayEquals(pre[0], post[0], name + ": the logits do not depend on the feature point");
        boolean negative = false;
        for (int i = 0; i < post[1].length; i++) {
            assertTrue(post[1][i] >= 0, name + ": the post-ReLU feature is non-negative");
            negative |= pre[1][i] < 0;
            float relu = Math.max(pre[1][i], 0);
            if (pooled) {
                assertTrue(post[1][i] >= relu - 1e-6f, name + ": mean ReLU(S) >= ReLU(mean S)");
            } else {
                assertTrue(post[1][i] == relu, name + ": post-ReLU = ReLU(pre-ReLU) at " + i);
            }
        }
        assertTrue(negative, name + ": the pre-ReLU feature has negative entries");
    }

    @Test
    void everyBackboneOffersBothPoints() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.arange(2f * 3 * 32 * 32).sin().reshape(2, 3, 32, 32);
            check("ResNet", point -> ResNet.builder().setNumClasses(4).optWidth(4).optBlocksPerStage(1, 1)
                    .optFeaturePoint(point).build(), image, true);
            check("SegmentationNet", point -> SegmentationNet.builder().setNumClasses(3).optWidth(4)
                    .optBlocksPerStage(1, 1).optSmallInput(true).optFeaturePoint(point).build(), image, false);
            NDArray ids = manager.arange(14f).mul(7).add(3).toType(DataType.INT32, false).mod(20).reshape(2, 7);
            check("TextCnn", point -> TextCnn.builder().setVocabularySize(20).setNumClasses(3).optEmbeddingDim(6)
                    .optFilters(4).optKernelSizes(2, 3).optFeatureDim(10).optDropout(0).optFeaturePoint(point)
                    .build(), ids, false);
            check("FeatureMlp", point -> new FeatureMlp(3, 8, 10, point), manager.arange(10f).sin().reshape(2, 5),
                    false);
        }
    }
}
