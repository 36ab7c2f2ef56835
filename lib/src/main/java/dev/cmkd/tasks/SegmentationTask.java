package dev.cmkd.tasks;

import dev.cmkd.experiment.Task;
import dev.cmkd.experiment.TaskType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Profile;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.DataIdentity;
import dev.cmkd.data.Splits;
import dev.cmkd.data.DatasetException;
import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.NyuDepthV2;
import dev.cmkd.data.nyu.RgbdModality;
import dev.cmkd.data.nyu.RgbdSplit;
import dev.cmkd.data.nyu.SyntheticRgbd;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.model.FeaturePoint;
import dev.cmkd.model.SegmentationNet;
import dev.cmkd.train.Evaluator;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RGB &lt;-&gt; depth semantic segmentation on NYU-Depth V2 (40 classes, or the 13 merged from them with {@code
 * classes=13}; void ignored; standard 795 / 654 split with a scene-disjoint validation carve): the same {@link
 * SegmentationNet} on both modalities (3 or 1 input channels), trained on random crops (flipped at random; the same
 * view of colour, depth and labels, drawn from the run's seed), scored by mIoU and pixel accuracy on the full
 * validation and test images. The methods see the encoders' last feature maps ({@link FeatureLayout#MAP}).
 *
 * <p><b>The full configuration</b> (paper-ish; the paper's segmentation settings are not published, method.md
 * sections 2.9 and 8): ResNet-18 encoder (width 64, blocks 2-2-2-2, ImageNet stem) with the U-Net-lite decoder,
 * from scratch, on RGB and depth alike; SGD momentum 0.9, learning rate 0.01 with the poly decay to 1e-4 and no
 * weight decay, 100 epochs for teachers and students, seeds 0, 1, 2. Our choices: batch 8, random crop 384 x 512
 * and horizontal flip, evaluation on the full 480 x 640 images 4 at a time, per-image min-max depth, training on
 * {@code train} (795 official training images less the 25 validation scenes; {@code official-train} trains on all
 * 795 as the authors would, and the validation images are then seen in training). The ci profile runs on SYNTHETIC
 * RGB-D data (48 x 64) with a tiny network; {@code fixture=true} uses the synthetic generator at any profile.
 */
public final class SegmentationTask implements Task {

    /** The prepared NYU layout. */
    public static final Option<Path> DATA = Option.path("data", "the prepared NYU-Depth V2 layout",
            Path.of("data/nyu-depth-v2/prepared"), Path.of("data/nyu-depth-v2/prepared"));
    /** Run on SYNTHETIC RGB-D data. */
    public static final Option<Boolean> FIXTURE = Option.flag("fixture", "run on SYNTHETIC RGB-D data written under"
            + " the output folder (NYU's size and counts for full, 48 x 64 for ci)", false, true);
    /** The training crop. */
    public static final Option<int[]> CROP = Option.size("crop", "the random training crop (multiples of 32)",
            new int[] {384, 512}, new int[] {32, 48});
    /** Downsampling at load time. */
    public static final Option<Integer> DOWNSAMPLE = Option.integer("downsample", 1, "integer downsampling of the"
            + " images at load time", 1, 1);
    /** Images kept per split. */
    public static final Option<Integer> MAX_IMAGES = Option.integer("maxImages", 1, "images kept per split",
            Integer.MAX_VALUE, Integer.MAX_VALUE);
    /** The training split. */
    public static final Option<String> TRAIN_SPLIT = Option.choice("trainSplit", List.of("train", "official-train"),
            "train (clean) or official-train (all 795, the validation images included)", "train", "train");
    /** NYU's 40 classes or the 13 merged from them. */
    public static final Option<String> CLASSES = Option.choice("classes", List.of("40", "13"), "40: the classes as"
            + " prepared (NYU's 40 of Gupta et al.); 13: merged from the 40 into the 13-class set of the NYU"
            + " literature (bed, books, ceiling, chair, floor, furniture, objects, picture, sofa, table, tv, wall,"
            + " window)", "40", "40");
    /** The network's base width. */
    public static final Option<Integer> WIDTH = Option.integer("width", 1, "the encoder's base width (64:"
            + " ResNet-18)", 64, 8);

    private static final int COST_BATCH = 8;

    /** The benchmark as the registry knows it. */
    public static final TaskType TYPE = new TaskType("nyu-depth-v2", "NYU-Depth V2, 40-class segmentation (795 / 654"
            + " images), RGB <-> depth", "data-scripts/nyu-depth-v2/build.sh (2.8 GB download; writes"
            + " data/nyu-depth-v2/prepared)", Path.of("results/real/nyu-depth-v2"), List.of("rgb", "depth"),
            FeatureLayout.MAP, false, new int[] {100, 1}, new int[] {8, 8}, 3, 1, List.of(DATA, FIXTURE, CROP,
                    DOWNSAMPLE, MAX_IMAGES, TRAIN_SPLIT, CLASSES, WIDTH), SegmentationTask::create,
            SegmentationTask::costRun);

    /**
     * The network of every run.
     *
     * @param width base width of encoder and decoder (64: ResNet-18)
     * @param blocksPerStage basic blocks per encoder stage ({2, 2, 2, 2}: ResNet-18)
     * @param smallInput the 3x3 stride-1 stem, for small images
     * @param featurePoint the distilled map: the encoder's last map after its ReLU (as the released code's ResNet)
     *     or before it
     */
    public record Backbone(int width, int[] blocksPerStage, boolean smallInput, FeaturePoint featurePoint) {

        /** A ResNet-18 encoder with the ImageNet stem and the post-ReLU map. */
        public static Backbone resNet18() {
            return new Backbone(64, new int[] {2, 2, 2, 2}, false, FeaturePoint.POST_RELU);
        }

        /** Returns the network for {@code modality} and {@code classes} classes. */
        public SegmentationNet build(RgbdModality modality, int classes) {
            return SegmentationNet.builder().setNumClasses(classes).optInputChannels(modality.channels())
                    .optWidth(width).optBlocksPerStage(blocksPerStage).optSmallInput(smallInput)
                    .optFeaturePoint(featurePoint).build();
        }
    
        /** Returns the backbone with its stage sizes as numbers (a record prints an array as its hash). */
        @Override
        public String toString() {
            return "Backbone[width=" + width + ", blocksPerStage=" + java.util.Arrays.toString(blocksPerStage)
                    + ", smallInput=" + smallInput + ", featurePoint=" + featurePoint + "]";
        }
}

    /** Returns the network of {@code settings}: ResNet-18 U-Net-lite at the given width, or a tiny one for ci. */
    public static Backbone backbone(Settings settings) {
        FeaturePoint featurePoint = settings.get(TaskRegistry.FEATURE_POINT);
        return settings.profile() == Profile.CI ? new Backbone(settings.get(WIDTH), new int[] {1, 1, 1}, true,
                featurePoint) : new Backbone(settings.get(WIDTH), Backbone.resNet18().blocksPerStage(), false,
                featurePoint);
    }

    private static Task create(Settings settings, Path output) {
        boolean ci = settings.profile() == Profile.CI;
        Path prepared = settings.get(DATA);
        if (settings.get(FIXTURE)) {
            prepared = synthetic(output.resolve("synthetic-rgbd"), ci ? new int[] {48, 64} : new int[] {480, 640},
                    ci ? new int[] {32, 8, 8} : new int[] {795, 80, 654});
        } else if (!NyuDepthV2.isPrepared(prepared)) {
            throw new DatasetException("no prepared NYU-Depth V2 at " + prepared + " (" + NyuDepthV2.PREPARED
                    + "); fix: run data-scripts/nyu-depth-v2/build.sh (2.8 GB download), point -Dfdcmkd.data at a"
                    + " prepared copy, or run on SYNTHETIC data with -Dfdcmkd.fixture=true");
        }
        int classes = Integer.parseInt(settings.get(CLASSES));
        NyuDepthV2 loader = NyuDepthV2.builder().optDownsample(settings.get(DOWNSAMPLE))
                .optMaxImages(settings.get(MAX_IMAGES)).optClasses(classes).build();
        RgbdSplit train = loader.load(prepared, settings.get(TRAIN_SPLIT));
        RgbdSplit validation = loader.load(prepared, "val");
        RgbdSplit test = loader.load(prepared, "test");
        System.out.printf(Locale.ROOT, "%s%n%s%n%s%n", train, validation, test);
        int[] crop = settings.get(CROP);
        Map<String, Object> loading = new LinkedHashMap<>();
        loading.put("downsample", settings.get(DOWNSAMPLE));
        loading.put("maxImages", settings.get(MAX_IMAGES));
        loading.put("trainSplit", settings.get(TRAIN_SPLIT));
        if (classes != 40) { // runs of the 40 classes keep their identity from before the option
            loading.put("classes", classes);
        }
        return new SegmentationTask(train, validation, test, backbone(settings), new Augmentation(crop[0], crop[1],
                true), ci ? 8 : 4, DataIdentity.of(prepared, loading));
    }

    private static Path synthetic(Path prepared, int[] size, int[] counts) {
        if (!NyuDepthV2.isPrepared(prepared)) {
            SyntheticRgbd.builder().optSize(size[0], size[1]).build().write(prepared, counts[0], counts[1], counts[2]);
        }
        System.out.println("SYNTHETIC RGB-D data (not NYU-Depth V2): " + prepared);
        return prepared;
    }

    /**
     * One depth-teacher epoch and one FD-CMKD RGB-student epoch on SYNTHETIC RGB-D data of NYU's size (480 x 640; 16
     * training, 4 validation and 4 test images) with the full network at {@code width}, the {@code crop}, evaluation
     * on whole images 4 at a time, batch 8.
     */
    private static TaskType.CostRun costRun(Settings settings, Path workDir) {
        Path prepared = synthetic(workDir, new int[] {480, 640}, new int[] {16, 4, 4});
        NyuDepthV2 loader = NyuDepthV2.builder().optDownsample(settings.get(DOWNSAMPLE)).build();
        Backbone backbone = new Backbone(settings.get(WIDTH), Backbone.resNet18().blocksPerStage(), false,
                settings.get(TaskRegistry.FEATURE_POINT));
        int[] crop = settings.get(CROP);
        Task task = new SegmentationTask(loader.load(prepared, "train"), loader.load(prepared, "val"),
                loader.load(prepared, "test"), backbone, new Augmentation(crop[0], crop[1], true), 4,
                DataIdentity.of(prepared, Map.of("downsample", settings.get(DOWNSAMPLE))));
        String setup = String.format(Locale.ROOT, "ResNet width %d, blocks %s, U-Net-lite decoder; crop %d x %d,"
                + " downsample %d, batch %d; evaluation on whole images, 4 per batch", backbone.width(),
                Arrays.toString(backbone.blocksPerStage()), crop[0], crop[1], settings.get(DOWNSAMPLE), COST_BATCH);
        return new TaskType.CostRun(task, "rgb", COST_BATCH, setup, 795 - 80);
    }

    private final RgbdSplit train;
    private final RgbdSplit validation;
    private final RgbdSplit test;
    private final Backbone backbone;
    private final Augmentation augmentation;
    private final int evaluationBatch;
    private final Map<String, Object> dataIdentity;

    /**
     * Creates the task.
     *
     * @param augmentation the training crop (multiples of the network's output stride) and flip
     * @param evaluationBatch full images per evaluation batch
     * @param dataIdentity what identifies the data in a run's identity ({@link DataIdentity}; empty for splits made
     *     in memory by a test)
     */
    public SegmentationTask(RgbdSplit train, RgbdSplit validation, RgbdSplit test, Backbone backbone,
            Augmentation augmentation, int evaluationBatch, Map<String, Object> dataIdentity) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.backbone = backbone;
        this.augmentation = augmentation;
        this.evaluationBatch = evaluationBatch;
        this.dataIdentity = Map.copyOf(dataIdentity);
    }

    @Override
    public String name() {
        return "nyu-depth-v2";
    }

    @Override
    public String data() {
        return train.isSynthetic() ? Task.SYNTHETIC : "nyu-depth-v2";
    }

    @Override
    public List<String> modalities() {
        return Arrays.stream(RgbdModality.values()).map(RgbdModality::label).toList();
    }

    @Override
    public int numClasses() {
        return train.numClasses();
    }

    @Override
    public Splits splits(long seed) {
        return new Splits(train.augmented(augmentation, seed), validation, test);
    }

    @Override
    public Block network(String modality) {
        return backbone.build(RgbdModality.parse(modality), numClasses());
    }

    @Override
    public Shape inputShape(String modality) {
        return new Shape(1, RgbdModality.parse(modality).channels(), augmentation.cropHeight(),
                augmentation.cropWidth());
    }

    @Override
    public int featureDim() {
        return backbone.width() << (backbone.blocksPerStage().length - 1);
    }

    @Override
    public FeatureLayout layout() {
        return FeatureLayout.MAP;
    }

    @Override
    public Evaluator evaluator() {
        return Evaluator.segmentation(numClasses());
    }

    @Override
    public int evaluationBatch(int trainingBatch) {
        return evaluationBatch;
    }

    @Override
    public Map<String, Object> identity() {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("backbone", backbone);
        identity.put("augmentation", augmentation);
        identity.put("data", Map.of("train", train.toString(), "val", validation.toString(), "test", test.toString()));
        if (!dataIdentity.isEmpty()) {
            identity.put("dataset", dataIdentity);
        }
        return identity;
    }
}
