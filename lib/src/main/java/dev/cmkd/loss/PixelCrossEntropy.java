package dev.cmkd.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * Per-pixel cross-entropy with void pixels ignored, the segmentation task loss:
 *
 * <pre>
 *   CE(z, y) = -(1 / |V|) sum_{p in V} log softmax(z_p)[y_p],   V = { p : y_p != void }
 * </pre>
 *
 * for logits {@code z [B, K, H, W]} and labels {@code y [B, H, W]} (int64, {@link
 * dev.cmkd.data.nyu.RgbdSplit#VOID} = -1 for void); 0 when every pixel is void. This is PyTorch's {@code
 * cross_entropy(z, y, ignore_index=-1)} (mean over the labelled pixels), golden-tested against it.
 */
public final class PixelCrossEntropy {

    private PixelCrossEntropy() {}

    /** Returns the mean cross-entropy over the labelled pixels, a scalar on the logits' device. */
    public static NDArray evaluate(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 4 || labels.getShape().dimension() != 3
                || logits.getShape().get(0) != labels.getShape().get(0)
                || logits.getShape().get(2) != labels.getShape().get(1)
                || logits.getShape().get(3) != labels.getShape().get(2)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "PixelCrossEntropy: logits %s and labels %s are not [B, K, H, W] and [B, H, W]",
                    logits.getShape(), labels.getShape()));
        }
        if (logits.getShape().get(1) < 2) {
            throw new IllegalArgumentException("PixelCrossEntropy: need at least 2 classes, got " + logits.getShape());
        }
        NDArray valid = labels.gte(0);
        NDArray safe = labels.mul(valid.toType(DataType.INT64, false)).toType(DataType.INT64, false);
        NDArray picked = logits.logSoftmax(1).gather(safe.expandDims(1), 1).squeeze(1);
        NDArray weights = valid.toType(logits.getDataType(), false);
        NDArray count = weights.sum().maximum(LossFunctions.constant(weights, 1));
        return picked.mul(weights).sum().div(count).neg();
    }
}
