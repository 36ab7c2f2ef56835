package dev.cmkd.data;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * One batch of a {@link BatchSource}: an input per modality and the labels.
 *
 * @param inputs per modality, in the task's modality order: {@code [n, ...sampleShape]} float32
 * @param labels {@code [n]} int64 classes, or {@code [n, H, W]} for segmentation (-1 where a pixel is void)
 */
public record Batch(List<NDArray> inputs, NDArray labels) {

    /** Returns modality {@code m}'s input. */
    public NDArray input(int m) {
        return inputs.get(m);
    }
}
