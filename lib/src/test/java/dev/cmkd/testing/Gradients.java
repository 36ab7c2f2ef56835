package dev.cmkd.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.function.Function;

/** Gradient helpers for tests: autograd through DJL and central finite differences. */
public final class Gradients {

    private Gradients() {}

    /** Returns d f / d x by autograd, on a fresh leaf copy of {@code x} (DJL accumulates on leaves). */
    public static double[] autograd(NDArray x, Function<NDArray, NDArray> f) {
        NDManager manager = x.getManager();
        try (NDManager step = manager.newSubManager()) {
            NDArray leaf = x.duplicate();
            leaf.attach(step);
            leaf.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(f.apply(leaf));
            }
            return doubles(leaf.getGradient());
        }
    }

    /** Returns d f / d x by central differences with step {@code h}; use float64 inputs. */
    public static double[] finiteDifferences(NDArray x, Function<NDArray, NDArray> f, double h) {
        double[] values = doubles(x);
        double[] gradient = new double[values.length];
        NDManager manager = x.getManager();
        for (int i = 0; i < values.length; i++) {
            try (NDManager step = manager.newSubManager()) {
                double original = values[i];
                values[i] = original + h;
                double plus = f.apply(step.create(values, x.getShape())).getDouble();
                values[i] = original - h;
                double minus = f.apply(step.create(values, x.getShape())).getDouble();
                values[i] = original;
                gradient[i] = (plus - minus) / (2 * h);
            }
        }
        return gradient;
    }

    /** Returns the values of {@code x} as doubles, whatever its data type. */
    public static double[] doubles(NDArray x) {
        return x.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
    }

    /** Returns the largest absolute difference of two equally long vectors. */
    public static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** Returns the largest absolute value of a vector. */
    public static double maxAbs(double[] a) {
        double max = 0;
        for (double v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
