package dev.cmkd.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A {@code K x K} confusion matrix over labelled pixels ({@code count[truth][prediction]}), accumulated batch
 * by batch, and the two standard segmentation scores (void pixels are ignored throughout):
 *
 * <pre>
 *   IoU_c          = TP_c / (TP_c + FP_c + FN_c)
 *   mIoU           = mean of IoU_c over the classes with TP_c + FP_c + FN_c > 0
 *   pixel accuracy = sum_c TP_c / (labelled pixels)
 * </pre>
 *
 * A class that appears neither in the ground truth nor in the predictions has no IoU and is left out of the
 * mean (NaN in {@link #iou}), as the usual NYU-Depth V2 evaluation code does by taking a nan-mean.
 */
public final class ConfusionMatrix implements Evaluator.Tally {

    private final int numClasses;
    private final long[][] counts;

    /** Creates an empty matrix for {@code numClasses} classes. */
    public ConfusionMatrix(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("ConfusionMatrix: need at least 2 classes, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.counts = new long[numClasses][numClasses];
    }

    /** Adds the predicted classes (argmax over axis 1 of {@code logits [B, K, H, W]}) against {@code labels}. */
    @Override
    public void add(NDArray logits, NDArray labels) {
        long[] predicted = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
        add(predicted, labels.toType(DataType.INT64, false).toLongArray());
    }

    /** Adds predictions against labels, element by element; labels below 0 (void) are skipped. */
    public void add(long[] predicted, long[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("ConfusionMatrix: " + predicted.length + " predictions for "
                    + labels.length + " labels");
        }
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] >= 0) {
                counts[(int) labels[p]][(int) predicted[p]]++;
            }
        }
    }

    /** Returns the number of labelled pixels of class {@code truth} predicted as {@code prediction}. */
    public long count(int truth, int prediction) {
        return counts[truth][prediction];
    }

    /** Returns the IoU of class {@code c}, or NaN when the class is absent from truth and predictions. */
    public double iou(int c) {
        long truePositive = counts[c][c];
        long union = -truePositive;
        for (int k = 0; k < numClasses; k++) {
            union += counts[c][k] + counts[k][c];
        }
        return union == 0 ? Double.NaN : (double) truePositive / union;
    }

    /** Returns the mean IoU over the classes present in truth or predictions (NaN if there is none). */
    public double meanIou() {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < numClasses; c++) {
            double iou = iou(c);
            if (!Double.isNaN(iou)) {
                sum += iou;
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /** Returns the fraction of labelled pixels predicted correctly (NaN if there is none). */
    public double pixelAccuracy() {
        long correct = IntStream.range(0, numClasses).mapToLong(c -> counts[c][c]).sum();
        long total = Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Returns the mean IoU and the pixel accuracy ({@link Evaluator#segmentation}). */
    @Override
    public double[] values() {
        return new double[] {meanIou(), pixelAccuracy()};
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ConfusionMatrix(K=%d, mIoU %.4f, pixel accuracy %.4f)", numClasses,
                meanIou(), pixelAccuracy());
    }
}
