package dev.cmkd.tasks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.Splits;
import dev.cmkd.data.synthetic.ModalityFocusData;
import dev.cmkd.experiment.Task;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.model.FeatureMlp;
import dev.cmkd.model.FeaturePoint;
import dev.cmkd.model.LinearClassifier;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The controlled synthetic task after the modality focusing hypothesis (Xue et al., ICLR 2023; {@link
 * ModalityFocusData}): modalities {@code a} and {@code b} made in memory from the seed, a fraction γ of their
 * decisive features shared. There is no folder: the data identity of a run is the generator's settings. Each seed
 * draws its own hyperplane and samples, so seeds vary the data as well as the initialisation.
 *
 * <p>The network ({@code network}) is either the paper's linear classifier ({@link LinearClassifier}; its feature
 * is its logits, for logit methods only) or an MLP ({@link FeatureMlp}: {@code f = W_2 ReLU(W_1 x)}, {@code z = W
 * ReLU(f)}) whose penultimate feature of {@code featureDim} channels, {@code ReLU(f)} or {@code f} as {@code
 * featurePoint} says, is what FD-CMKD splits into frequency bands and the feature methods match. Defaults ({@code
 * full}): the paper's data (γ = 1, 10 decisive features per modality, 15 and 40 noise dimensions, 200 training and
 * 1000 test samples, 2 classes) with 200 validation samples, an MLP of 64 hidden units and a 32-d feature, batch 20,
 * 20 epochs (200 SGD steps with the kit's optimiser; the authors take 1000 full-batch steps of SGD at 0.1). {@code
 * ci}: 64/64/128 samples, 8 hidden units, an 8-d feature, batch 16, 1 epoch.
 */
public final class ModalityFocusTask implements Task {

    /** γ. */
    public static final Option<Double> GAMMA = Option.number("gamma", "shared decisive features over all decisive"
            + " features of the two modalities, k/(2m-k); must give a whole k", 1.0, 1.0);
    /** m. */
    public static final Option<Integer> DECISIVE = Option.integer("decisive", 1, "decisive features per modality"
            + " (m)", 10, 10);
    /** Noise dimensions of a. */
    public static final Option<Integer> NOISE_A = Option.integer("noiseA", 0, "noise dimensions of modality a", 15,
            15);
    /** Noise dimensions of b. */
    public static final Option<Integer> NOISE_B = Option.integer("noiseB", 0, "noise dimensions of modality b", 40,
            40);
    /** Training samples. */
    public static final Option<Integer> TRAIN = Option.integer("train", 1, "training samples per seed", 200, 64);
    /** Validation samples. */
    public static final Option<Integer> VALIDATION = Option.integer("validation", 1, "validation samples per seed"
            + " (model selection)", 200, 64);
    /** Test samples. */
    public static final Option<Integer> TEST = Option.integer("test", 1, "test samples per seed", 1000, 128);
    /** Classes. */
    public static final Option<Integer> CLASSES = Option.integer("classes", 2, "classes (2: the paper's random"
            + " hyperplane; more: argmax of random hyperplanes)", 2, 2);
    /** The network. */
    public static final Option<String> NETWORK = Option.choice("network", List.of("mlp", "linear"), "mlp: an MLP"
            + " whose penultimate feature the feature methods distil; linear: the paper's linear classifier (logit"
            + " methods only)", "mlp", "mlp");
    /** Hidden units of the MLP. */
    public static final Option<Integer> HIDDEN = Option.integer("hidden", 1, "hidden units of the MLP", 64, 8);
    /** The MLP's feature dimension. */
    public static final Option<Integer> FEATURE_DIM = Option.integer("featureDim", 2, "the MLP's penultimate"
            + " feature dimension D (the one FD-CMKD splits)", 32, 8);

    /** The task as the registry knows it. */
    public static final TaskType TYPE = new TaskType("mfh-synthetic", "synthetic, a fraction gamma of the decisive"
            + " features shared (the modality focusing hypothesis, Xue et al. 2023)", "made in memory from the seed;"
            + " nothing to download", Path.of("results/mfh-synthetic"), ModalityFocusData.MODALITIES,
            FeatureLayout.VECTOR, false, new int[] {20, 1}, new int[] {20, 16}, 10, 1,
            List.of(GAMMA, DECISIVE, NOISE_A, NOISE_B,
                    TRAIN, VALIDATION, TEST, CLASSES, NETWORK, HIDDEN, FEATURE_DIM), ModalityFocusTask::create, null);

    /**
     * The network of both modalities.
     *
     * @param kind {@code mlp} or {@code linear}
     * @param hidden the MLP's hidden units (0 for linear)
     * @param featureDim the MLP's feature dimension (0 for linear, whose feature is its logits)
     * @param featurePoint the MLP's distilled feature, after its last ReLU or before it (linear: unused)
     */
    public record Network(String kind, int hidden, int featureDim, FeaturePoint featurePoint) {

        /** Returns a new network for {@code classes} classes. */
        public Block build(int classes) {
            return kind.equals("linear") ? new LinearClassifier(classes)
                    : new FeatureMlp(classes, hidden, featureDim, featurePoint);
        }
    }

    private final ModalityFocusData data;
    private final Network network;
    private final Map<Long, Splits> loaded = new HashMap<>();

    /** Creates the task on {@code data} with {@code network} on both modalities. */
    public ModalityFocusTask(ModalityFocusData data, Network network) {
        this.data = data;
        this.network = network;
    }

    /** Returns the task of {@code settings}. */
    public static Task create(Settings settings, Path output) {
        return create(settings, settings.get(GAMMA), settings.get(NETWORK));
    }

    /** Returns the task of {@code settings} with γ {@code gamma} and network {@code kind} instead of theirs. */
    public static ModalityFocusTask create(Settings settings, double gamma, String kind) {
        ModalityFocusData data = ModalityFocusData.builder().optGamma(gamma).optDecisive(settings.get(DECISIVE))
                .optNoiseDims(settings.get(NOISE_A), settings.get(NOISE_B)).optSamples(settings.get(TRAIN),
                        settings.get(VALIDATION), settings.get(TEST)).optClasses(settings.get(CLASSES)).build();
        FeaturePoint featurePoint = settings.get(TaskRegistry.FEATURE_POINT);
        Network network = kind.equals("linear") ? new Network(kind, 0, 0, featurePoint)
                : new Network(kind, settings.get(HIDDEN), settings.get(FEATURE_DIM), featurePoint);
        return new ModalityFocusTask(data, network);
    }

    /** Returns the generator. */
    public ModalityFocusData generator() {
        return data;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    @Override
    public String data() {
        return Task.SYNTHETIC + "-MFH";
    }

    @Override
    public List<String> modalities() {
        return ModalityFocusData.MODALITIES;
    }

    @Override
    public int numClasses() {
        return data.classes();
    }

    @Override
    public synchronized Splits splits(long seed) {
        return loaded.computeIfAbsent(seed, data::splits);
    }

    @Override
    public Block network(String modality) {
        return network.build(numClasses());
    }

    @Override
    public Shape inputShape(String modality) {
        return new Shape(1, data.dimension(modalityIndex(modality)));
    }

    @Override
    public int featureDim() {
        return network.kind().equals("linear") ? numClasses() : network.featureDim();
    }

    /** Evaluates 1000 samples at a time (the networks are tiny; smaller batches only cost time). */
    @Override
    public int evaluationBatch(int trainingBatch) {
        return Math.max(trainingBatch, 1000);
    }

    /** The network and the generator's settings (there is no data folder). */
    @Override
    public Map<String, Object> identity() {
        return Map.of("network", network, "data", data.identity());
    }
}
