package dev.cmkd.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.List;
import java.util.function.Supplier;

/**
 * How a task scores its predictors on a split, batch by batch. The first metric selects models (the best
 * validation epoch); the others are reported beside it.
 *
 * <pre>
 *   accuracy()            accuracy = (1/n) sum_i [argmax z_i = y_i]                       classification
 *   segmentation(K)       miou = (1/|P|) sum_{c in P} TP_c / (TP_c + FP_c + FN_c),            per-pixel labels,
 *                         pixel_accuracy = sum_c TP_c / (labelled pixels)                  void (-1) ignored
 * </pre>
 *
 * with {@code P} the classes present in the labels or the predictions of the whole split ({@link ConfusionMatrix}).
 */
public interface Evaluator {

    /** Returns the metrics' names, the selecting one first (they name result columns: {@code test_<metric>}). */
    List<String> metrics();

    /** Returns an empty tally for one predictor on one split. */
    Tally tally();

    /** Counts of one predictor on one split. */
    interface Tally {
        /** Adds a batch: logits {@code [n, C]} or {@code [n, K, H, W]}, labels {@code [n]} or {@code [n, H, W]}. */
        void add(NDArray logits, NDArray labels);

        /** Returns each metric's value, in {@link #metrics()} order. */
        double[] values();
    }

    /** Returns the classification accuracy. */
    static Evaluator accuracy() {
        return of(List.of("accuracy"), () -> new Tally() {
            private double hits;
            private long samples;

            @Override
            public void add(NDArray logits, NDArray labels) {
                hits += logits.argMax(1).toType(DataType.INT64, false).eq(labels).toType(DataType.FLOAT64, false).sum()
                        .getDouble();
                samples += labels.size();
            }

            @Override
            public double[] values() {
                return new double[] {hits / samples};
            }
        });
    }

    /** Returns the mean IoU and the pixel accuracy over {@code numClasses} classes, void pixels ignored. */
    static Evaluator segmentation(int numClasses) {
        return of(List.of("miou", "pixel_accuracy"), () -> new ConfusionMatrix(numClasses));
    }

    /** Returns the evaluator of {@code metrics} whose tallies {@code tallies} makes. */
    private static Evaluator of(List<String> metrics, Supplier<Tally> tallies) {
        return new Evaluator() {
            @Override
            public List<String> metrics() {
                return metrics;
            }

            @Override
            public Tally tally() {
                return tallies.get();
            }
        };
    }
}
