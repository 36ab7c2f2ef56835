package dev.cmkd.tasks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Profile;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.Splits;
import dev.cmkd.data.crisis.CrisisMmdFixture;
import dev.cmkd.data.crisis.CrisisMmdLoader;
import dev.cmkd.data.crisis.CrisisMmdSplit;
import dev.cmkd.data.DataIdentity;
import dev.cmkd.data.DatasetException;
import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.experiment.Task;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.method.FeatureLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CrisisMMD's humanitarian task (8 classes) on its prepared layout: pictures through a ResNet, tweets through Kim's
 * TextCNN on token ids (or an MLP on pretrained text features), both giving features of the same dimension ({@link
 * CrisisMmdNetworks}). The training pictures are randomly cropped and flipped with the run's seed, so the splits are
 * loaded per seed; the vocabulary of each load is written beside the runs ({@code vocabulary-seed<seed>.tsv}).
 *
 * <p><b>Defaults</b> ({@code full}): the paper's optimisation (method.md section 2.9: SGD, momentum 0.9, lr 0.01
 * with the poly decay, batch 64, 100 epochs for teachers and students), ResNet-18 on 224 px pictures, Kim's
 * TextCNN, seeds 0, 1, 2 (C2KD's three seeds). FD-CMKD's CrisisMMD settings are not public: these are the CREMA-D
 * ones carried over (our choice). {@code ci}: 1 seed, 1 epoch, 32 px pictures, a ResNet of width 8 with two stages,
 * a small TextCNN, 48 rows per split, batch 16.
 */
public final class CrisisMmdTask implements Task {

    /** The prepared dataset. */
    public static final Option<Path> DATA = Option.path("data", "the prepared dataset",
            Path.of("data/crisismmd/prepared"), Path.of("data/crisismmd/prepared"));
    /** Run on a synthetic stand-in. */
    public static final Option<Boolean> FIXTURE = Option.flag("fixture", "run on a synthetic stand-in of the"
            + " prepared layout written under the output folder (no data needed)", false, false);
    /** The picture side. */
    public static final Option<Integer> IMAGE_SIZE = Option.integer("imageSize", 1, "the picture side in pixels",
            224, 32);
    /** The image network's base width. */
    public static final Option<Integer> WIDTH = Option.integer("width", 1, "the ResNet's base width (64: ResNet-18)",
            64, 8);
    /** Rows kept per split. */
    public static final Option<Integer> MAX_ROWS = Option.integer("maxRows", 1, "rows kept per split",
            Integer.MAX_VALUE, 48);
    /** Pretrained text features instead of the TextCNN on tokens. */
    public static final Option<Path> TEXT_FEATURES = Option.path("textFeatures", "a folder of train/val/test.npy"
            + " text features to use instead of the TextCNN on tokens", null, null);

    /** The humanitarian task's training split ("all" labels), for cost estimates. */
    private static final int TRAIN_PAIRS = 13_608;
    private static final int COST_BATCH = 8;

    /** The benchmark as the registry knows it. */
    public static final TaskType TYPE = new TaskType("crisismmd", "CrisisMMD v2.0, humanitarian task (8 classes),"
            + " picture <-> tweet text", CrisisMmdLoader.FIX, Path.of("results/real/crisismmd"),
            List.of(CrisisMmdLoader.IMAGE, CrisisMmdLoader.TEXT), FeatureLayout.VECTOR, false, new int[] {100, 1},
            new int[] {64, 16}, 3, 1, List.of(DATA, FIXTURE, IMAGE_SIZE, WIDTH, MAX_ROWS, TEXT_FEATURES),
            CrisisMmdTask::create, CrisisMmdTask::costRun);

    private final Path root;
    private final Path output;
    private final CrisisMmdNetworks networks;
    private final int imageSize;
    private final int maxRows;
    private final Path textFeatures;
    private final Map<Long, CrisisMmdLoader.Dataset> loaded = new HashMap<>();

    /**
     * Creates the task.
     *
     * @param root the prepared dataset
     * @param output where the vocabularies are written
     * @param networks the two networks
     * @param imageSize the picture side
     * @param maxRows rows kept per split
     * @param textFeatures a folder of pretrained text features, or null for the TextCNN on tokens
     */
    public CrisisMmdTask(Path root, Path output, CrisisMmdNetworks networks, int imageSize, int maxRows,
            Path textFeatures) {
        this.root = root;
        this.output = output;
        this.networks = networks;
        this.imageSize = imageSize;
        this.maxRows = maxRows;
        this.textFeatures = textFeatures;
    }

    /** Returns the networks of {@code settings}: the paper's, or the small ones of ci, at the given width. */
    public static CrisisMmdNetworks networks(Settings settings) {
        if (settings.profile() == Profile.CI) {
            return new CrisisMmdNetworks(new NetworkConfig(settings.get(WIDTH), new int[] {1, 1}, false,
                    settings.get(TaskRegistry.FEATURE_POINT)), 16, new int[] {2, 3}, 8, 0.5f, 16);
        }
        CrisisMmdNetworks paper = CrisisMmdNetworks.paper();
        return new CrisisMmdNetworks(new NetworkConfig(settings.get(WIDTH), paper.image().blocksPerStage(), false,
                settings.get(TaskRegistry.FEATURE_POINT)), paper.embeddingDim(), paper.kernelSizes(), paper.filters(),
                paper.dropout(), paper.hiddenDim());
    }

    private static Task create(Settings settings, Path output) {
        Path root = settings.get(DATA);
        if (settings.get(FIXTURE)) {
            root = output.resolve("fixture");
            if (!Files.exists(root)) {
                CrisisMmdFixture.writePrepared(root, Math.max(2, settings.get(TaskRegistry.BATCH_SIZE)
                        / CrisisMmdLoader.CLASSES.size()));
            }
        } else if (!Files.isRegularFile(root.resolve("train.csv"))) {
            throw new DatasetException("no prepared CrisisMMD at " + root.toAbsolutePath() + " (train.csv); fix: "
                    + CrisisMmdLoader.FIX + ", or set -Dfdcmkd.data, or run on a synthetic stand-in with"
                    + " -Dfdcmkd.fixture=true");
        }
        return new CrisisMmdTask(root, output, networks(settings), settings.get(IMAGE_SIZE), settings.get(MAX_ROWS),
                settings.get(TEXT_FEATURES));
    }

    /**
     * One text-teacher epoch and one FD-CMKD image-student epoch on 2 synthetic pairs per class (16 training pairs)
     * with the paper's networks (ResNet-18 on 224 px pictures unless {@code width} or {@code imageSize} say
     * otherwise; Kim's TextCNN), batch 8.
     */
    private static TaskType.CostRun costRun(Settings settings, Path workDir) {
        CrisisMmdFixture.writePrepared(workDir, 2);
        CrisisMmdNetworks paper = CrisisMmdNetworks.paper();
        CrisisMmdNetworks networks = new CrisisMmdNetworks(new NetworkConfig(settings.get(WIDTH),
                paper.image().blocksPerStage(), false, settings.get(TaskRegistry.FEATURE_POINT)), paper.embeddingDim(),
                paper.kernelSizes(), paper.filters(), paper.dropout(), paper.hiddenDim());
        int imageSize = settings.get(IMAGE_SIZE);
        String setup = String.format(Locale.ROOT, "ResNet width %d, blocks %s on %d px pictures; TextCNN (embedding"
                + " %d, kernels %s, %d filters); batch %d", networks.image().width(), Arrays.toString(
                        networks.image().blocksPerStage()), imageSize, networks.embeddingDim(), Arrays.toString(
                                networks.kernelSizes()), networks.filters(), COST_BATCH);
        return new TaskType.CostRun(new CrisisMmdTask(workDir, workDir, networks, imageSize, Integer.MAX_VALUE, null),
                CrisisMmdLoader.IMAGE, COST_BATCH, setup, TRAIN_PAIRS);
    }

    @Override
    public String name() {
        return "crisismmd";
    }

    @Override
    public String data() {
        return CrisisMmdFixture.isSynthetic(root) ? Task.SYNTHETIC : "crisismmd";
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
            CrisisMmdLoader.Builder builder = CrisisMmdLoader.builder().optImageSize(imageSize).optMaxRows(maxRows)
                    .optAugmentationSeed(s);
            if (textFeatures != null) {
                builder.optTextFeatures(textFeatures);
            }
            CrisisMmdLoader loader = builder.build();
            CrisisMmdLoader.Dataset data = loader.load(root);
            System.out.printf("CrisisMMD: %d train, %d validation, %d test pairs; %s%n", data.train().size(),
                    data.validation().size(), data.test().size(), loader);
            if (data.vocabulary() != null) {
                data.vocabulary().write(output.resolve("vocabulary-seed" + s + ".tsv"));
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
        return networks.build(modality, numClasses(), data.vocabulary() == null ? 0
                : data.vocabulary().size());
    }

    @Override
    public Shape inputShape(String modality) {
        CrisisMmdSplit train = anyDataset().train();
        return new Shape(1).addAll(train.sampleShape(modalityIndex(modality)));
    }

    @Override
    public int featureDim() {
        return networks.featureDim();
    }

    /** The networks and what identifies the data: the prepared folder, its digest and the loader's settings. */
    @Override
    public Map<String, Object> identity() {
        Map<String, Object> loading = new LinkedHashMap<>();
        loading.put("imageSize", imageSize);
        loading.put("maxRows", maxRows);
        loading.put("textFeatures", String.valueOf(textFeatures));
        return Map.of("networks", networks, "data", DataIdentity.of(root, loading));
    }
}
