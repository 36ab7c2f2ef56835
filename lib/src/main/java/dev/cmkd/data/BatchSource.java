package dev.cmkd.data;

import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * Samples that a training loop reads in batches: an in-memory {@link PairedSplit}, or a split whose samples are
 * decoded and augmented on demand (pictures read from disk with a random crop, RGB-D images cropped and flipped).
 *
 * <p>A source with random augmentation must make sample {@code i} of epoch {@code e} depend only on its own
 * seed, {@code i} and {@code e} ({@link #sampleSeed}), so that a resumed run repeats an uninterrupted one and
 * batches can be built in any order or in parallel.
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
    Batch batch(NDManager manager, int[] indices, int epoch);

    /**
     * Announces that the batches {@code indices} of {@code epoch} will be read next, in this order (a hint: a
     * prefetching source, {@link PrefetchingSource}, starts building them; a request that differs is still served).
     * Default: nothing.
     */
    default void willRead(int epoch, List<int[]> indices) {}

    /**
     * Returns true if a batch is only copied from memory (no file is read, nothing decoded), so that building it
     * ahead on another thread gains nothing. Default false.
     */
    default boolean inMemory() {
        return false;
    }

    /**
     * Returns true if batches draw random views of the samples (training augmentation), so that two epochs may
     * see a sample differently and nothing computed from a sample may be cached. Default false.
     */
    default boolean randomViews() {
        return false;
    }

    /**
     * Returns the seed of the random view of {@code sample} at {@code epoch} for a source seeded with {@code seed}:
     * a SplitMix64 finaliser of the three, so that it depends on nothing else (batch order, threads, resume).
     */
    static long sampleSeed(long seed, int epoch, int sample) {
        return mix64(seed * 0x9E3779B97F4A7C15L + (epoch + 1L) * 0xC2B2AE3D27D4EB4FL
                + (sample + 1L) * 0xD6E8FEB86659FD93L);
    }

    /** Returns SplitMix64's finaliser of {@code z}, the mixing step of every seed derived from several keys. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
