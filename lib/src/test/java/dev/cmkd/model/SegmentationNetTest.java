package dev.cmkd.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cmkd.method.FeatureMaps;

import org.junit.jupiter.api.Test;

/** Shapes, nearest upsampling and the input contract of the segmentation network. */
class SegmentationNetTest {

    @Test
    void upsampleRepeatsEachPixel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            float[] expected = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
            assertArrayEquals(expected, FeatureMaps.upsample(x, 2).toFloatArray());
        }
    }

    @Test
    void outputsLogitsAtInputSizeAndTheLastPreActivationMap() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (boolean small : new boolean[] {true, false}) {
                SegmentationNet net = SegmentationNet.builder().setNumClasses(5).optInputChannels(1).optWidth(4)
                        .optBlocksPerStage(1, 1, 1).optSmallInput(small).optFeaturePoint(FeaturePoint.PRE_RELU).build();
                int stride = small ? 4 : 16;
                assertEquals(stride, net.getOutputStride());
                Shape input = new Shape(2, 1, 2 * stride, 3 * stride);
                net.initialize(manager, DataType.FLOAT32, input);
                NDList out = net.forward(new ParameterStore(manager, false),
                        new NDList(manager.randomNormal(input)), false);
                assertEquals(new Shape(2, 5, 2 * stride, 3 * stride), out.get(0).getShape());
                assertEquals(new Shape(2, 16, 2, 3), out.get(1).getShape());
                assertEquals(out.get(0).getShape(), net.getOutputShapes(new Shape[] {input})[0]);
                assertEquals(out.get(1).getShape(), net.getOutputShapes(new Shape[] {input})[1]);
                assertTrue(out.get(1).lt(0).any().getBoolean(), "the distilled map is taken before the ReLU");
            }
        }
    }

    @Test
    void rejectsSizesThatAreNotMultiplesOfTheOutputStride() {
        SegmentationNet net = SegmentationNet.builder().setNumClasses(3).optWidth(4).optBlocksPerStage(1, 1)
                .optSmallInput(true).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.getOutputShapes(new Shape[] {new Shape(1, 3, 6, 5)}));
        assertTrue(e.getMessage().contains("output stride 2"), e.getMessage());
    }
}
