package dev.cmkd.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.cmkd.frequency.Implementation;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.NetworkOutput;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Forward + backward time of the whole FD-CMKD objective (split, band losses, shared classifiers and
 * heads, task cross-entropy) on random features, for the FFT and the projection implementation.
 * Each iteration uses a fresh leaf and its own sub-manager (stack.md, section 6).
 */
public final class FeatureTermsBenchmark {

    /** Feature shapes {batch, dim} measured by default. */
    static final int[][] SHAPES = {{64, 512}, {256, 512}, {256, 2048}};

    private static final int CLASSES = 10;

    private FeatureTermsBenchmark() {}

    /** Runs the benchmark and returns one row per (shape, implementation). */
    static Table run(int warmUp, int runs) {
        Table table = Table.create("FD-CMKD terms, forward + backward (ms)",
                IntColumn.create("batch"), IntColumn.create("dim"), StringColumn.create("implementation"),
                DoubleColumn.create("median_ms"), DoubleColumn.create("p10_ms"), DoubleColumn.create("p90_ms"));
        for (int[] shape : SHAPES) {
            for (Implementation implementation : Implementation.values()) {
                double[] times = time(shape[0], shape[1], implementation, warmUp, runs);
                table.intColumn("batch").append(shape[0]);
                table.intColumn("dim").append(shape[1]);
                table.stringColumn("implementation").append(implementation.name());
                table.doubleColumn("median_ms").append(Timing.quantile(times, 0.5));
                table.doubleColumn("p10_ms").append(Timing.quantile(times, 0.1));
                table.doubleColumn("p90_ms").append(Timing.quantile(times, 0.9));
            }
        }
        return table;
    }

    /** Times the objective at {@code [batch, dim]}; returns milliseconds per run. */
    static double[] time(int batch, int dim, Implementation implementation, int warmUp, int runs) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            FdCmkd method = FdCmkd.builder().setFeatureDim(dim).setNumClasses(CLASSES)
                    .optImplementation(implementation).build();
            method.initialize(manager, DataType.FLOAT32, dim, CLASSES);
            NDArray studentFeature = manager.randomNormal(new Shape(batch, dim));
            NDArray teacherFeature = manager.randomNormal(new Shape(batch, dim));
            NDArray logits = manager.randomNormal(new Shape(batch, CLASSES));
            NDArray labels = manager.randomInteger(0, CLASSES, new Shape(batch), DataType.INT64);
            ParameterStore store = new ParameterStore(manager, false);
            return Timing.millis(warmUp, runs, () -> {
                try (NDManager step = manager.newSubManager()) {
                    NDArray feature = studentFeature.duplicate();
                    feature.attach(step);
                    feature.setRequiresGradient(true);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray total = method.evaluate(store, new NetworkOutput(logits, feature),
                                new NetworkOutput(logits, teacherFeature), labels, true).total();
                        collector.backward(total);
                    }
                    feature.getGradient().toFloatArray(); // wait for the result
                }
            });
        }
    }
}
