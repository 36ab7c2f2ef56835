package dev.cmkd.experiment;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.data.Splits;
import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.RgbdModality;
import dev.cmkd.data.nyu.RgbdSplit;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.segmentation.SegmentationNet;
import dev.cmkd.train.Evaluator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RGB &lt;-&gt; depth semantic segmentation: the same {@link SegmentationNet} on both modalities (3 or 1 input
 * channels), trained on random crops (flipped at random; the same view of colour, depth and labels, drawn from the
 * run's seed), scored by mIoU and pixel accuracy on the full validation and test images, void pixels ignored. The
 * methods see the encoders' last feature maps ({@link FeatureLayout#MAP}).
 */
public final class SegmentationTask implements Task {

    /**
     * The network of every run.
     *
     * @param width base width of encoder and decoder (64: ResNet-18)
     * @param blocksPerStage basic blocks per encoder stage ({2, 2, 2, 2}: ResNet-18)
     * @param smallInput the 3x3 stride-1 stem, for small images
     */
    public record Backbone(int width, int[] blocksPerStage, boolean smallInput) {

        /** A ResNet-18 encoder with the ImageNet stem. */
        public static Backbone resNet18() {
            return new Backbone(64, new int[] {2, 2, 2, 2}, false);
        }

        /** Returns the network for {@code modality} and {@code classes} classes. */
        public SegmentationNet build(RgbdModality modality, int classes) {
            return SegmentationNet.builder().setNumClasses(classes).optInputChannels(modality.channels())
                    .optWidth(width).optBlocksPerStage(blocksPerStage).optSmallInput(smallInput).build();
        }
    }

    private final RgbdSplit train;
    private final RgbdSplit validation;
    private final RgbdSplit test;
    private final Backbone backbone;
    private final Augmentation augmentation;
    private final int evaluationBatch;

    /**
     * Creates the task.
     *
     * @param augmentation the training crop (multiples of the network's output stride) and flip
     * @param evaluationBatch full images per evaluation batch
     */
    public SegmentationTask(RgbdSplit train, RgbdSplit validation, RgbdSplit test, Backbone backbone,
            Augmentation augmentation, int evaluationBatch) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.backbone = backbone;
        this.augmentation = augmentation;
        this.evaluationBatch = evaluationBatch;
    }

    @Override
    public String name() {
        return "nyu-depth-v2";
    }

    @Override
    public String data() {
        return train.isSynthetic() ? "SYNTHETIC" : "nyu-depth-v2";
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
        return identity;
    }
}
