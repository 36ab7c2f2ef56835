package dev.cmkd.experiment;

import dev.cmkd.model.FeaturePoint;
import dev.cmkd.model.ResNet;

/**
 * The backbone of every network of an experiment: ResNet with a base width and blocks per stage.
 *
 * @param width base width (64 in the paper)
 * @param blocksPerStage residual blocks per stage ({2, 2, 2, 2} is ResNet-18, the paper's)
 * @param smallInput the 3x3 stride-1 stem without max-pool, for inputs of about 32 x 32
 * @param featurePoint the distilled feature after the last block's ReLU (the released code) or before it
 */
public record NetworkConfig(int width, int[] blocksPerStage, boolean smallInput, FeaturePoint featurePoint) {

    /** ResNet-18 as in the released code: ImageNet stem, the post-ReLU feature. */
    public static NetworkConfig resNet18() {
        return new NetworkConfig(64, new int[] {2, 2, 2, 2}, false, FeaturePoint.POST_RELU);
    }

    /** Returns the dimension {@code D = width * 2^(stages-1)} of the distilled feature. */
    public int featureDim() {
        return width << (blocksPerStage.length - 1);
    }

    /** Returns a network for inputs of {@code channels} channels and {@code classes} classes. */
    public ResNet build(int channels, int classes) {
        return ResNet.builder().setNumClasses(classes).optInputChannels(channels).optWidth(width)
                .optBlocksPerStage(blocksPerStage).optSmallInput(smallInput).optFeaturePoint(featurePoint).build();
    }

    /** Returns the configuration with its stage sizes as numbers (a record prints an array as its hash). */
    @Override
    public String toString() {
        return "NetworkConfig[width=" + width + ", blocksPerStage=" + java.util.Arrays.toString(blocksPerStage)
                + ", smallInput=" + smallInput + ", featurePoint=" + featurePoint + "]";
    }
}
