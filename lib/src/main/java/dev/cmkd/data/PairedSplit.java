package dev.cmkd.data;

import static dev.cmkd.data.Checks.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * One split of a dataset whose samples pair two modalities with one label. The samples are either held in
 * memory as float32 arrays (sample-major; {@link #PairedSplit(String, List, List, List, int[], int)}) or
 * produced batch by batch by a {@link SampleSource} ({@link #streamed}), which reads files, decodes and
 * augments them on demand, for datasets that do not fit in memory (CREMA-D, AVE, VGGSound). Batches are
 * created in the caller's manager, on its device.
 */
public final class PairedSplit implements BatchSource {

    /** Produces the samples of a streamed split on demand. Implementations must be thread-safe. */
    public interface SampleSource {

        /**
         * Writes the samples {@code indices} of modality {@code modality} (0 or 1) into {@code into}, sample
         * after sample, {@code prod(sampleShape)} floats each. {@code indices} is the whole batch, in batch
         * order: a source with random views may seed them from it (see {@link #randomViews}).
         */
        void fill(int modality, int[] indices, float[] into);

        /**
         * Returns true if {@link #fill} draws random views (training augmentation), so that two calls for the
         * same sample may differ; consumers must then not cache anything computed from a sample. Default false.
         */
        default boolean randomViews() {
            return false;
        }
    }

    private final String name;
    private final List<String> modalities;
    private final SampleSource source;
    private final List<Shape> sampleShapes;
    private final int[] labels;
    private final int numClasses;
    private final boolean inMemory;

    /**
     * Creates a split.
     *
     * @param name the split's name, e.g. {@code "train"}
     * @param modalities the two modalities' names, e.g. {@code ["image", "audio"]}
     * @param values per modality, {@code size * prod(sampleShape)} floats, sample after sample
     * @param sampleShapes per modality, the shape of one sample, e.g. {@code (1, 28, 28)}
     * @param labels the label of each sample, in {@code [0, numClasses)}
     * @param numClasses the number of classes
     */
    public PairedSplit(String name, List<String> modalities, List<float[]> values, List<Shape> sampleShapes,
            int[] labels, int numClasses) {
        this(name, modalities, sampleShapes, labels, numClasses, inMemory(name, modalities, values, sampleShapes,
                labels), true);
    }

    private PairedSplit(String name, List<String> modalities, List<Shape> sampleShapes, int[] labels,
            int numClasses, SampleSource source, boolean inMemory) {
        checkArgument(modalities.size() == 2 && sampleShapes.size() == 2,
                "PairedSplit " + name + ": exactly two modalities are needed");
        for (int label : labels) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("PairedSplit " + name + ": label " + label + " outside [0, "
                        + numClasses + ")");
            }
        }
        this.name = name;
        this.modalities = List.copyOf(modalities);
        this.source = source;
        this.sampleShapes = List.copyOf(sampleShapes);
        this.labels = labels;
        this.numClasses = numClasses;
        this.inMemory = inMemory;
    }

    /** Creates a split whose samples {@code source} produces batch by batch; the rest as for the constructor. */
    public static PairedSplit streamed(String name, List<String> modalities, List<Shape> sampleShapes, int[] labels,
            int numClasses, SampleSource source) {
        return new PairedSplit(name, modalities, sampleShapes, labels, numClasses, source, false);
    }

    private static SampleSource inMemory(String name, List<String> modalities, List<float[]> values,
            List<Shape> sampleShapes, int[] labels) {
        checkArgument(values.size() == 2 && sampleShapes.size() == 2,
                "PairedSplit " + name + ": exactly two modalities are needed");
        for (int m = 0; m < 2; m++) {
            long expected = (long) labels.length * sampleShapes.get(m).size();
            checkArgument(values.get(m).length == expected,
                    "PairedSplit %s: modality %s has %d values, expected %d samples x %s = %d", name, modalities.get(m),
                    values.get(m).length, labels.length, sampleShapes.get(m), expected);
        }
        List<float[]> held = List.copyOf(values);
        long[] sizes = {sampleShapes.get(0).size(), sampleShapes.get(1).size()};
        return (modality, indices, into) -> {
            int sample = Math.toIntExact(sizes[modality]);
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(held.get(modality), indices[i] * sample, into, i * sample, sample);
            }
        };
    }

    /** True for a split made from arrays in memory (the constructor), false for a streamed one. */
    @Override
    public boolean inMemory() {
        return inMemory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Returns the two modalities' names. */
    public List<String> modalities() {
        return modalities;
    }

    /** Returns the index (0 or 1) of a modality, or throws naming the known ones. */
    public int modalityIndex(String modality) {
        int index = modalities.indexOf(modality);
        checkArgument(index >= 0, "no modality '" + modality + "' in split " + name + "; it has " + modalities);
        return index;
    }

    /** Returns the shape of one sample of modality {@code m} (0 or 1). */
    public Shape sampleShape(int m) {
        return sampleShapes.get(m);
    }

    @Override
    public boolean randomViews() {
        return source.randomViews();
    }

    /** Returns the label of sample {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** The samples are fixed arrays: every epoch sees the same values. */
    @Override
    public Batch batch(NDManager manager, int[] indices, int epoch) {
        return batch(manager, indices);
    }

    /** Returns the samples {@code indices} as a batch created in {@code manager}. */
    public Batch batch(NDManager manager, int[] indices) {
        NDArray[] inputs = new NDArray[2];
        for (int m = 0; m < 2; m++) {
            int sample = Math.toIntExact(sampleShapes.get(m).size());
            float[] gathered = new float[indices.length * sample];
            source.fill(m, indices, gathered);
            inputs[m] = manager.create(gathered, new Shape(indices.length).addAll(sampleShapes.get(m)));
        }
        long[] batchLabels = Arrays.stream(indices).mapToLong(i -> labels[i]).toArray();
        return new Batch(List.of(inputs), manager.create(batchLabels).toType(DataType.INT64, false));
    }
}
