package dev.cmkd.experiment.crisis;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.data.Splits;
import dev.cmkd.data.loading.CrisisMmdLoader;
import dev.cmkd.data.loading.CrisisMmdSplit;
import dev.cmkd.experiment.Task;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.train.Evaluator;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CrisisMMD's humanitarian task (8 classes) on its prepared layout: pictures through a ResNet, tweets through Kim's
 * TextCNN on token ids (or an MLP on pretrained text features), both giving features of the same dimension ({@link
 * CrisisMmdNetworks}). The training pictures are randomly cropped and flipped with the run's seed, so the splits are
 * loaded per seed; the vocabulary of each load is written beside the runs ({@code vocabulary-seed<seed>.tsv}).
 */
public final class CrisisMmdTask implements Task {

    private final CrisisMmdBenchmark.Settings settings;
    private final Map<Long, CrisisMmdLoader.Dataset> loaded = new HashMap<>();

    /** Creates the task of {@code settings} (data root, networks, loader sizes). */
    public CrisisMmdTask(CrisisMmdBenchmark.Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "crisismmd";
    }

    @Override
    public String data() {
        return "crisismmd";
    }

    @Override
    public List<String> modalities() {
        return List.of(CrisisMmdLoader.IMAGE, CrisisMmdLoader.TEXT);
    }

    @Override
    public int numClasses() {
        return CrisisMmdLoader.CLASSES.size();
    }

    private synchronized CrisisMmdLoader.Dataset dataset(long seed) {
        return loaded.computeIfAbsent(seed, s -> {
            CrisisMmdLoader loader = settings.loader(s);
            CrisisMmdLoader.Dataset data = loader.load(settings.dataRoot());
            System.out.printf("CrisisMMD: %d train, %d validation, %d test pairs; %s%n", data.train().size(),
                    data.validation().size(), data.test().size(), loader);
            if (data.vocabulary() != null) {
                data.vocabulary().write(settings.outputDir().resolve("vocabulary-seed" + s + ".tsv"));
            }
            return data;
        });
    }

    private synchronized CrisisMmdLoader.Dataset anyDataset() {
        return loaded.isEmpty() ? dataset(0) : loaded.values().iterator().next();
    }

    @Override
    public Splits splits(long seed) {
        CrisisMmdLoader.Dataset data = dataset(seed);
        return new Splits(data.train(), data.validation(), data.test());
    }

    @Override
    public Block network(String modality) {
        CrisisMmdLoader.Dataset data = anyDataset();
        return settings.networks().build(modality, numClasses(), data.vocabulary() == null ? 0
                : data.vocabulary().size());
    }

    @Override
    public Shape inputShape(String modality) {
        CrisisMmdSplit train = anyDataset().train();
        return new Shape(1).addAll(train.sampleShape(modalityIndex(modality)));
    }

    @Override
    public int featureDim() {
        return settings.networks().featureDim();
    }

    @Override
    public FeatureLayout layout() {
        return FeatureLayout.VECTOR;
    }

    @Override
    public Evaluator evaluator() {
        return Evaluator.accuracy();
    }

    /** The networks and what identifies the data: the prepared root and the loader's settings. */
    @Override
    public Map<String, Object> identity() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("root", settings.dataRoot().toAbsolutePath().normalize().toString());
        data.put("imageSize", settings.imageSize());
        data.put("maxRows", settings.maxRows());
        data.put("textFeatures", String.valueOf(settings.textFeatures()));
        return Map.of("networks", settings.networks(), "data", data);
    }

    /** Returns the prepared root. */
    public Path dataRoot() {
        return settings.dataRoot();
    }
}
