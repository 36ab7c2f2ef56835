package dev.cmkd.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.cmkd.method.LossTerms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SGD with momentum in PyTorch's form, with a state that can be saved and restored (DJL's optimizers keep
 * theirs private, so a resumed run would lose its momentum):
 *
 * <pre>
 *   v = mu v + g,   w = w - lr v,   then g = 0
 * </pre>
 *
 * Only parameters that require a gradient are updated (batch-norm statistics and frozen blocks are not).
 * Updates run outside any gradient collector, in place, on each parameter's own device.
 */
public final class SgdMomentum {

    private final List<Pair<String, Parameter>> parameters = new ArrayList<>();
    private final List<NDArray> velocities = new ArrayList<>();
    /**
     * Per parameter, the momentum and the learning rate as 0-d float64 arrays beside the velocity: what {@code
     * muli(Number)} and {@code mul(Number)} would create (and free) on every call, made once (issue 17: two array
     * creations per parameter and step were a visible share of a small network's step). Same values, same types.
     */
    private final List<NDArray> momentumScalars = new ArrayList<>();
    private final List<NDArray> rateScalars = new ArrayList<>();
    private double rate = Double.NaN;
    private final double momentum;

    /** Creates the optimizer for the trainable parameters among {@code all}; velocities start at zero. */
    public SgdMomentum(PairList<String, Parameter> all, double momentum) {
        this.momentum = momentum;
        for (Pair<String, Parameter> pair : all) {
            Parameter parameter = pair.getValue();
            if (parameter.requiresGradient()) {
                parameters.add(pair);
                NDArray velocity = parameter.getArray().zerosLike();
                velocities.add(velocity);
                momentumScalars.add(scalar(velocity, momentum));
                rateScalars.add(null);
            }
        }
    }

    /** Returns the number of parameter arrays updated. */
    public int size() {
        return parameters.size();
    }

    /**
     * One optimisation step: evaluates {@code loss} under a gradient collector, back-propagates its total,
     * applies the update and returns every term's value and the total, by name.
     */
    public Map<String, Double> minimize(double lr, Supplier<LossTerms> loss) {
        Map<String, Double> values;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            LossTerms terms = loss.get();
            collector.backward(terms.total());
            values = terms.toDoubles();
        }
        step(lr);
        return values;
    }

    /** Applies one update with learning rate {@code lr} to the gradients present and clears them. */
    public void step(double lr) {
        if (Double.compare(lr, rate) != 0) {
            for (int i = 0; i < rateScalars.size(); i++) {
                if (rateScalars.get(i) != null) {
                    rateScalars.get(i).close();
                }
                rateScalars.set(i, scalar(velocities.get(i), lr));
            }
            rate = lr;
        }
        for (int i = 0; i < parameters.size(); i++) {
            NDArray weight = parameters.get(i).getValue().getArray();
            NDArray velocity = velocities.get(i);
            try (NDArray gradient = weight.getGradient()) {
                velocity.muli(momentumScalars.get(i)).addi(gradient);
                try (NDArray delta = velocity.mul(rateScalars.get(i))) {
                    weight.subi(delta);
                }
                gradient.subi(gradient);
            }
        }
    }

    /** Returns {@code value} as a 0-d float64 array in {@code like}'s manager, in memory that libtorch owns. */
    private static NDArray scalar(NDArray like, double value) {
        try (NDArray borrowed = like.getManager().create(value)) {
            return borrowed.duplicate();
        }
    }

    /** Writes the velocities (in parameter order, each as its shape and float32 values). */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(velocities.size());
        for (int i = 0; i < velocities.size(); i++) {
            out.writeUTF(parameters.get(i).getKey());
            float[] values = velocities.get(i).toFloatArray();
            out.writeInt(values.length);
            for (float value : values) {
                out.writeFloat(value);
            }
        }
    }

    /** Reads velocities written by {@link #save} for the same parameters. */
    public void load(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count != velocities.size()) {
            throw new IOException("checkpoint has " + count + " optimizer states, the model has " + velocities.size()
                    + " trainable parameters: it belongs to another configuration; delete the run directory");
        }
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            if (!name.equals(parameters.get(i).getKey())) {
                throw new IOException("checkpoint optimizer state " + i + " is for '" + name + "', the model has '"
                        + parameters.get(i).getKey() + "': delete the run directory");
            }
            float[] values = new float[in.readInt()];
            for (int j = 0; j < values.length; j++) {
                values[j] = in.readFloat();
            }
            NDArray velocity = velocities.get(i);
            if (velocity.size() != values.length) {
                throw new IOException("checkpoint optimizer state '" + name + "' has " + values.length
                        + " values, the parameter " + velocity.size() + ": delete the run directory");
            }
            velocity.set(FloatBuffer.wrap(values));
        }
    }
}
