package dev.cmkd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** mIoU and pixel accuracy on examples worked out by hand. */
class ConfusionMatrixTest {

    /**
     * Three classes, ten pixels, two of them void (-1):
     *
     * <pre>
     *   truth      0 0 0 1 1 2 2 -1 -1 1
     *   predicted  0 0 1 1 2 2 0  2  0 1
     * </pre>
     *
     * Labelled pixels: 8. Class 0: TP 2, FP 1 (pixel 6), FN 1 (pixel 2): IoU 2/4. Class 1: TP 2 (pixels 3, 9),
     * FP 1 (pixel 2), FN 1 (pixel 4): IoU 2/4. Class 2: TP 1 (pixel 5), FP 1 (pixel 4), FN 1 (pixel 6): IoU
     * 1/3. mIoU = (1/2 + 1/2 + 1/3) / 3 = 4/9; pixel accuracy = 5/8. The void pixels' predictions (2, 0)
     * change nothing.
     */
    @Test
    void handComputedExample() {
        ConfusionMatrix matrix = new ConfusionMatrix(3);
        matrix.add(new long[] {0, 0, 1, 1, 2, 2, 0, 2, 0, 1}, new long[] {0, 0, 0, 1, 1, 2, 2, -1, -1, 1});
        assertEquals(0.5, matrix.iou(0), 1e-15);
        assertEquals(0.5, matrix.iou(1), 1e-15);
        assertEquals(1.0 / 3, matrix.iou(2), 1e-15);
        assertEquals(4.0 / 9, matrix.meanIou(), 1e-15);
        assertEquals(5.0 / 8, matrix.pixelAccuracy(), 1e-15);
    }

    /** A class absent from truth and predictions is left out of the mean; one only predicted scores 0. */
    @Test
    void absentClassesAreLeftOutPredictedOnesCount() {
        ConfusionMatrix matrix = new ConfusionMatrix(4);
        matrix.add(new long[] {0, 0, 1, 2}, new long[] {0, 0, 1, 1});
        // class 0: 2/2; class 1: TP 1, FN 1 -> 1/2; class 2: FP 1 -> 0; class 3: absent
        assertTrue(Double.isNaN(matrix.iou(3)));
        assertEquals((1.0 + 0.5 + 0.0) / 3, matrix.meanIou(), 1e-15);
        assertEquals(0.75, matrix.pixelAccuracy(), 1e-15);
    }

    /** The NDArray path takes the argmax over the class axis and skips void labels. */
    @Test
    void logitsAreReducedByArgmax() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // [1, 2, 1, 3]: pixel 0 -> class 1, pixel 1 -> class 0, pixel 2 -> class 1
            NDArray logits = manager.create(new float[] {0, 5, 0, 1, 0, 2}, new Shape(1, 2, 1, 3));
            NDArray labels = manager.create(new long[] {1, 1, -1}, new Shape(1, 1, 3));
            ConfusionMatrix matrix = new ConfusionMatrix(2);
            matrix.add(logits, labels);
            assertEquals(1, matrix.count(1, 1));
            assertEquals(1, matrix.count(1, 0));
            assertEquals(0.5, matrix.pixelAccuracy(), 1e-15);
            assertThrows(IllegalArgumentException.class, () -> matrix.add(new long[] {0}, new long[] {0, 1}));
        }
    }
}
