package dev.cmkd.tasks;

import ai.djl.nn.Block;
import dev.cmkd.data.crisis.CrisisMmdLoader;
import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.model.FeatureMlp;
import dev.cmkd.model.TextCnn;

/**
 * The two networks of the CrisisMMD benchmark. The image network is a {@link dev.cmkd.model.ResNet} on
 * 3-channel pictures; the text network is a {@link TextCnn} on token ids, or a {@link FeatureMlp} when the
 * text side is pretrained features. The text network's feature has the image network's dimension
 * {@code D = width * 2^(stages-1)}. Both networks take the distilled feature at the image backbone's {@link
 * NetworkConfig#featurePoint()}.
 *
 * @param image the image backbone (ResNet-18 in the paper) and the feature point of both networks
 * @param embeddingDim the TextCnn's embedding size (Kim 2014: 300)
 * @param kernelSizes the TextCnn's convolution widths (Kim 2014: 3, 4, 5)
 * @param filters the TextCnn's filters per width (Kim 2014: 100)
 * @param dropout the TextCnn's dropout (Kim 2014: 0.5)
 * @param hiddenDim the FeatureMlp's hidden width (our choice: 512)
 */
public record CrisisMmdNetworks(NetworkConfig image, int embeddingDim, int[] kernelSizes, int filters, float dropout,
        int hiddenDim) {

    /** ResNet-18 and Kim's CNN-rand settings. */
    public static CrisisMmdNetworks paper() {
        return new CrisisMmdNetworks(NetworkConfig.resNet18(), 300, new int[] {3, 4, 5}, 100, 0.5f, 512);
    }

    /** Returns the image network's feature dimension {@code D}. */
    public int featureDim() {
        return image.width() << (image.blocksPerStage().length - 1);
    }

    /**
     * Returns an uninitialised network of {@code modality} for {@code numClasses} classes; {@code
     * vocabularySize} is the token vocabulary's size, or 0 when the text input is pretrained features.
     */
    public Block build(String modality, int numClasses, int vocabularySize) {
        switch (modality) {
            case CrisisMmdLoader.IMAGE:
                return image.build(3, numClasses);
            case CrisisMmdLoader.TEXT:
                if (vocabularySize == 0) {
                    return new FeatureMlp(numClasses, hiddenDim, featureDim(), image.featurePoint());
                }
                return TextCnn.builder().setVocabularySize(vocabularySize).setNumClasses(numClasses)
                        .optEmbeddingDim(embeddingDim).optKernelSizes(kernelSizes).optFilters(filters)
                        .optDropout(dropout).optFeatureDim(featureDim()).optFeaturePoint(image.featurePoint()).build();
            default:
                throw new IllegalArgumentException("unknown modality '" + modality + "'; CrisisMMD has "
                        + CrisisMmdLoader.IMAGE + " and " + CrisisMmdLoader.TEXT);
        }
    }

    /** Returns the networks with the kernel sizes as numbers (a record prints an array as its hash). */
    @Override
    public String toString() {
        return "CrisisMmdNetworks[image=" + image + ", embeddingDim=" + embeddingDim + ", kernelSizes="
                + java.util.Arrays.toString(kernelSizes) + ", filters=" + filters + ", dropout=" + dropout + ", "
                + "hiddenDim=" + hiddenDim + "]";
    }
}
