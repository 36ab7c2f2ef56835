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

import java.util.ArrayList;
import java.util.List;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Forward + backward time of the whole FD-CMKD objective (split, band losses, shared classifiers and
 * heads, task cross-entropy) on random features, for the FFT and the projection implementation, and the
 * path {@link Implementation#AUTO} picks for each shape ({@code auto}) with whether it was the faster one
 * measured by the median wall times ({@code auto_faster}). The medians of the process's CPU time per run ({@code
 * *_cpu_ms}; the JVM reads it in 10 ms ticks on Linux) are shown too: other work on the machine inflates them much less than wall time
 * (it delays the engine's threads but does not add to their work), so on a loaded machine they are the steadier
 * comparison; with two intra-op threads they favour the FFT a little, since the matrix product spreads better over
 * the threads. The two paths of a shape run alternately, run by run, so that drift in
 * the machine's load hits both alike. Each iteration uses a fresh leaf and its own sub-manager (stack.md,
 * section 6).
 *
 * <p>{@link #grid} is the crossover measurement behind {@link Implementation#FFT_FROM}: the same over
 * {@link #GRID_DIMS} x {@link #GRID_BATCHES} ({@code lib/bin/kit benchmark features --featureGrid=true}).
 */
public final class FeatureTermsBenchmark {

    /** Feature shapes {batch, dim} measured by default. */
    static final int[][] SHAPES = {{64, 512}, {256, 512}, {64, 1024}, {256, 2048}};
    /** Feature dimensions of the crossover grid ({@code kit benchmark features --featureGrid=true}). */
    static final int[] GRID_DIMS = {64, 128, 256, 512, 1024, 2048, 4096};
    /** Batch sizes of the crossover grid. */
    static final int[] GRID_BATCHES = {16, 64, 256};

    private static final int CLASSES = 10;

    private FeatureTermsBenchmark() {}

    /** Runs the benchmark on {@link #SHAPES} and returns one row per shape. */
    static Table run(int warmUp, int runs) {
        return measure("FD-CMKD terms, forward + backward (ms): FFT vs projection, and AUTO's choice", SHAPES,
                warmUp, runs);
    }

    /** Measures the crossover grid, {@link #GRID_DIMS} x {@link #GRID_BATCHES}; one row per shape. */
    static Table grid(int warmUp, int runs) {
        List<int[]> shapes = new ArrayList<>();
        for (int batch : GRID_BATCHES) {
            for (int dim : GRID_DIMS) {
                shapes.add(new int[] {batch, dim});
            }
        }
        return measure("FD-CMKD terms, forward + backward (ms), crossover grid", shapes.toArray(new int[0][]),
                warmUp, runs);
    }

    private static Table measure(String title, int[][] shapes, int warmUp, int runs) {
        Table table = Table.create(title, IntColumn.create("batch"), IntColumn.create("dim"),
                DoubleColumn.create("fft_ms"), DoubleColumn.create("projection_ms"), DoubleColumn.create("fft_cpu_ms"),
                DoubleColumn.create("projection_cpu_ms"), StringColumn.create("faster"), StringColumn.create("auto"),
                StringColumn.create("auto_faster"));
        for (int[] shape : shapes) {
            double[][] times = timeBoth(shape[0], shape[1], warmUp, runs);
            double fft = Timing.quantile(times[0], 0.5);
            double projection = Timing.quantile(times[1], 0.5);
            double fftCpu = Timing.quantile(times[2], 0.5);
            double projectionCpu = Timing.quantile(times[3], 0.5);
            Implementation faster = fft < projection ? Implementation.FFT : Implementation.PROJECTION;
            Implementation auto = Implementation.forSize(shape[1]);
            table.intColumn("batch").append(shape[0]);
            table.intColumn("dim").append(shape[1]);
            table.doubleColumn("fft_ms").append(fft);
            table.doubleColumn("projection_ms").append(projection);
            table.doubleColumn("fft_cpu_ms").append(fftCpu);
            table.doubleColumn("projection_cpu_ms").append(projectionCpu);
            table.stringColumn("faster").append(faster.name());
            table.stringColumn("auto").append(auto.name());
            table.stringColumn("auto_faster").append(auto == faster ? "yes" : "no");
        }
        return table;
    }

    /**
     * Milliseconds per run at {@code [batch, dim]}, the paths run alternately: wall time {@code [0]} FFT, {@code [1]}
     * projection; the process's CPU time {@code [2]} FFT, {@code [3]} projection.
     */
    static double[][] timeBoth(int batch, int dim, int warmUp, int runs) {
        try (Fixture fft = new Fixture(batch, dim, Implementation.FFT);
                Fixture projection = new Fixture(batch, dim, Implementation.PROJECTION)) {
            double[][] times = new double[4][runs];
            for (int i = -warmUp; i < runs; i++) {
                for (int k = 0; k < 2; k++) {
                    int kind = Math.floorMod(i + k, 2);
                    long cpu = Timing.processCpuNanos();
                    double[] one = Timing.millis(0, 1, kind == 0 ? fft::once : projection::once);
                    cpu = Timing.processCpuNanos() - cpu;
                    if (i >= 0) {
                        times[kind][i] = one[0];
                        times[2 + kind][i] = cpu / 1e6;
                    }
                }
            }
            return times;
        }
    }

    /** Times the objective at {@code [batch, dim]}; returns milliseconds per run. */
    static double[] time(int batch, int dim, Implementation implementation, int warmUp, int runs) {
        try (Fixture fixture = new Fixture(batch, dim, implementation)) {
            return Timing.millis(warmUp, runs, fixture::once);
        }
    }

    /** The objective with random features at one shape, in its own manager. */
    private static final class Fixture implements AutoCloseable {

        private final NDManager manager = NDManager.newBaseManager();
        private final FdCmkd method;
        private final NDArray studentFeature;
        private final NDArray teacherFeature;
        private final NDArray logits;
        private final NDArray labels;
        private final ParameterStore store;

        Fixture(int batch, int dim, Implementation implementation) {
            Engine.getInstance().setRandomSeed(0);
            method = FdCmkd.builder().setFeatureDim(dim).setNumClasses(CLASSES).optImplementation(implementation)
                    .build();
            method.initialize(manager, DataType.FLOAT32, dim, CLASSES);
            studentFeature = manager.randomNormal(new Shape(batch, dim));
            teacherFeature = manager.randomNormal(new Shape(batch, dim));
            logits = manager.randomNormal(new Shape(batch, CLASSES));
            labels = manager.randomInteger(0, CLASSES, new Shape(batch), DataType.INT64);
            store = new ParameterStore(manager, false);
        }

        /** One forward + backward pass. */
        void once() {
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
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
