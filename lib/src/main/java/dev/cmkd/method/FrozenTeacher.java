package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A teacher network that cannot learn: its parameters are frozen on construction, it always runs in
 * inference mode (batch-norm uses and keeps its running statistics) and its outputs are cut from the
 * autograd graph. Keep its block out of the student's model, so that no optimizer sees it.
 */
public final class FrozenTeacher {

    private final Block network;

    /** Freezes {@code network} and wraps it. */
    public FrozenTeacher(Block network) {
        this.network = network;
        network.freezeParameters(true);
    }

    /** Runs the teacher on {@code input} in inference mode and returns its detached output. */
    public NetworkOutput forward(NDArray input) {
        ParameterStore store = new ParameterStore(input.getManager(), false);
        return NetworkOutput.of(network.forward(store, new NDList(input), false)).detached();
    }
}
