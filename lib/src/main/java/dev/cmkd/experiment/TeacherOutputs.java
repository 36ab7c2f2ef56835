package dev.cmkd.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.BatchSource;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.NetworkOutput;

import java.util.stream.IntStream;

/**
 * A frozen teacher's outputs for every sample of a split, computed once. A frozen teacher in inference mode is a
 * fixed function of its input, so on a split without random views ({@link BatchSource#randomViews}) the outputs are
 * the same at every epoch; computing them once halves a student's training time.
 */
public final class TeacherOutputs {

    private static final int BATCH = 256;

    private final float[][] logits;
    private final float[][] features;
    private final Shape logitShape;
    private final Shape featureShape;

    private TeacherOutputs(float[][] logits, float[][] features, Shape logitShape, Shape featureShape) {
        this.logits = logits;
        this.features = features;
        this.logitShape = logitShape;
        this.featureShape = featureShape;
    }

    /** Runs {@code teacher} on modality {@code modality} of every sample of {@code split}. */
    public static TeacherOutputs compute(FrozenTeacher teacher, BatchSource split, int modality, NDManager manager) {
        float[][] logits = new float[split.size()][];
        float[][] features = new float[split.size()][];
        Shape logitShape = null;
        Shape featureShape = null;
        for (int from = 0; from < split.size(); from += BATCH) {
            int[] indices = IntStream.range(from, Math.min(split.size(), from + BATCH)).toArray();
            try (NDManager step = manager.newSubManager()) {
                NetworkOutput out = teacher.forward(split.batch(step, indices, 0).input(modality));
                logitShape = out.logits().getShape().slice(1);
                featureShape = out.feature().getShape().slice(1);
                rows(out.logits(), logits, from);
                rows(out.feature(), features, from);
            }
        }
        return new TeacherOutputs(logits, features, logitShape, featureShape);
    }

    private static void rows(NDArray batch, float[][] into, int from) {
        float[] values = batch.toFloatArray();
        int n = Math.toIntExact(batch.getShape().get(0));
        int size = values.length / n;
        for (int i = 0; i < n; i++) {
            into[from + i] = java.util.Arrays.copyOfRange(values, i * size, (i + 1) * size);
        }
    }

    /** Returns the outputs of the samples {@code indices}, created in {@code manager}. */
    public NetworkOutput rows(NDManager manager, int[] indices) {
        return new NetworkOutput(gather(manager, logits, logitShape, indices), gather(manager, features, featureShape,
                indices));
    }

    private static NDArray gather(NDManager manager, float[][] rows, Shape shape, int[] indices) {
        int size = Math.toIntExact(shape.size());
        float[] values = new float[indices.length * size];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(rows[indices[i]], 0, values, i * size, size);
        }
        return manager.create(values, new Shape(indices.length).addAll(shape));
    }
}
