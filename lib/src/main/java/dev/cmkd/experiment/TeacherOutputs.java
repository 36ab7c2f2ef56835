package dev.cmkd.experiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.NetworkOutput;

import java.util.stream.IntStream;

/**
 * A frozen teacher's outputs for every sample of a split, computed once. A frozen teacher in inference
 * mode is a fixed function of its input, so on a split without random views ({@link
 * PairedSplit#randomViews}) the outputs are the same at every epoch; computing them once halves a student's
 * training time.
 */
public final class TeacherOutputs {

    private static final int BATCH = 256;

    private final float[] logits;
    private final float[] features;
    private final int classes;
    private final int dim;

    private TeacherOutputs(float[] logits, float[] features, int classes, int dim) {
        this.logits = logits;
        this.features = features;
        this.classes = classes;
        this.dim = dim;
    }

    /** Runs {@code teacher} on modality {@code modality} of every sample of {@code split}. */
    public static TeacherOutputs compute(FrozenTeacher teacher, PairedSplit split, int modality, NDManager manager) {
        float[][] logitRows = new float[split.size()][];
        float[][] featureRows = new float[split.size()][];
        int classes = 0;
        int dim = 0;
        for (int from = 0; from < split.size(); from += BATCH) {
            int[] indices = IntStream.range(from, Math.min(split.size(), from + BATCH)).toArray();
            try (NDManager step = manager.newSubManager()) {
                NetworkOutput out = teacher.forward(split.batch(step, indices).input(modality));
                classes = Math.toIntExact(out.logits().getShape().get(1));
                dim = Math.toIntExact(out.feature().getShape().get(1));
                float[] l = out.logits().toFloatArray();
                float[] f = out.feature().toFloatArray();
                for (int i = 0; i < indices.length; i++) {
                    logitRows[from + i] = java.util.Arrays.copyOfRange(l, i * classes, (i + 1) * classes);
                    featureRows[from + i] = java.util.Arrays.copyOfRange(f, i * dim, (i + 1) * dim);
                }
            }
        }
        float[] logits = new float[split.size() * classes];
        float[] features = new float[split.size() * dim];
        for (int i = 0; i < split.size(); i++) {
            System.arraycopy(logitRows[i], 0, logits, i * classes, classes);
            System.arraycopy(featureRows[i], 0, features, i * dim, dim);
        }
        return new TeacherOutputs(logits, features, classes, dim);
    }

    /** Returns the outputs of the samples {@code indices}, created in {@code manager}. */
    public NetworkOutput rows(NDManager manager, int[] indices) {
        float[] l = new float[indices.length * classes];
        float[] f = new float[indices.length * dim];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(logits, indices[i] * classes, l, i * classes, classes);
            System.arraycopy(features, indices[i] * dim, f, i * dim, dim);
        }
        return new NetworkOutput(manager.create(l, new Shape(indices.length, classes)),
                manager.create(f, new Shape(indices.length, dim)));
    }
}
