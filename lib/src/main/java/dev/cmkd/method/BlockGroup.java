package dev.cmkd.method;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Blocks trained together: their parameters are optimised, saved and loaded as one (for example both
 * students of FD-CMKD's joint bidirectional training). The group has no forward pass of its own; its
 * members are initialised before they are grouped.
 */
public final class BlockGroup extends AbstractBlock {

    /** Groups {@code members}, named by their position. */
    public BlockGroup(Block... members) {
        for (int i = 0; i < members.length; i++) {
            addChildBlock("member" + i, members[i]);
        }
        inputShapes = new Shape[0]; // the group takes no input; DJL saves this with the parameters
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("a BlockGroup only groups parameters; run its members");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("a BlockGroup has no outputs");
    }
}
