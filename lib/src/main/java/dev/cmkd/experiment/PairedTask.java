package dev.cmkd.experiment;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.Splits;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A classification task on {@link PairedSplit}s with the same ResNet backbone on both modalities (input channels from
 * the data): AV-MNIST-TTS, CREMA-D, AVE, VGGSound-50. Its splits are loaded once per seed (streamed datasets seed
 * their training views with it).
 */
public final class PairedTask implements Task {

    private final String name;
    private final String data;
    private final NetworkConfig network;
    private final LongFunction<Splits> loader;
    private final Map<String, Object> dataIdentity;
    private final Map<Long, Splits> loaded = new HashMap<>();

    /**
     * Creates the task.
     *
     * @param name the task's name
     * @param data the data's name in result rows
     * @param network the backbone of both modalities
     * @param loader loads the splits (each a {@link PairedSplit}) for a seed
     * @param dataIdentity what identifies the data in a run's identity ({@link dev.cmkd.data.DataIdentity}; empty
     *     for data made in memory by a test)
     */
    public PairedTask(String name, String data, NetworkConfig network, LongFunction<Splits> loader,
            Map<String, Object> dataIdentity) {
        this.name = name;
        this.data = data;
        this.network = network;
        this.loader = loader;
        this.dataIdentity = Map.copyOf(dataIdentity);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String data() {
        return data;
    }

    @Override
    public synchronized Splits splits(long seed) {
        return loaded.computeIfAbsent(seed, loader::apply);
    }

    /** Returns the training split of the first seed loaded (or of seed 0): modalities, classes, sample shapes. */
    private synchronized PairedSplit train() {
        return (PairedSplit) (loaded.isEmpty() ? splits(0) : loaded.values().iterator().next()).train();
    }

    @Override
    public List<String> modalities() {
        return train().modalities();
    }

    @Override
    public int numClasses() {
        return train().numClasses();
    }

    @Override
    public Block network(String modality) {
        return network.build(Math.toIntExact(train().sampleShape(modalityIndex(modality)).get(0)), numClasses());
    }

    @Override
    public Shape inputShape(String modality) {
        return new Shape(1).addAll(train().sampleShape(modalityIndex(modality)));
    }

    @Override
    public int featureDim() {
        return network.featureDim();
    }

    @Override
    public Map<String, Object> identity() {
        return dataIdentity.isEmpty() ? Map.of("network", network) : Map.of("network", network, "data", dataIdentity);
    }
}
