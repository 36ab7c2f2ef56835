package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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

    /**
     * Runs the teacher on {@code input} in inference mode and returns its detached output, in {@code input}'s manager.
     * The forward pass runs in a manager of its own, closed before this returns, so that the teacher's intermediate
     * arrays are freed at once instead of living until the training step's manager closes (issue 17: they were a
     * large part of a step's peak memory at the paper's scale).
     */
    public NetworkOutput forward(NDArray input) {
        NDManager owner = input.getManager();
        try (NDManager scratch = owner.newSubManager()) {
            input.tempAttach(scratch);
            ParameterStore store = new ParameterStore(scratch, false);
            NetworkOutput output = NetworkOutput.of(network.forward(store, new NDList(input), false)).detached();
            output.logits().attach(owner);
            output.feature().attach(owner);
            output.stages().forEach(stage -> stage.attach(owner));
            return output;
        }
    }
}
