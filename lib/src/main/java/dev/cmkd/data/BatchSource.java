package dev.cmkd.data;

import ai.djl.ndarray.NDManager;

/**
 * Paired samples that a training loop reads in batches: an in-memory {@link PairedSplit}, or a split whose
 * samples are decoded and augmented on demand (images read from disk with a random crop, say).
 *
 * <p>A source with random augmentation must make sample {@code i} of epoch {@code e} depend only on its
 * own seed, {@code i} and {@code e}, so that a resumed run repeats an uninterrupted one and batches can be
 * built in any order or in parallel.
 */
public interface BatchSource {

    /** Returns the split's name, e.g. {@code "train"}. */
    String name();

    /** Returns the number of samples. */
    int size();

    /**
     * Returns the samples {@code indices} as a batch created in {@code manager} (on its device), as seen at
     * epoch {@code epoch} (0-based; sources without augmentation ignore it).
     */
    PairedSplit.Batch batch(NDManager manager, int[] indices, int epoch);
}
