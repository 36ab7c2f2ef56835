package dev.cmkd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.cmkd.method.FeatureMaps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A small encoder-decoder for semantic segmentation: a ResNet encoder (the kit's {@link ResNet.BasicBlock}s)
 * and a U-Net-lite decoder with additive skip connections. One network per modality: 3 input channels for
 * RGB, 1 for depth.
 *
 * <pre>
 *   stem       ReLU(BN(conv7x7/2(x))), maxpool3x3/2     (stride 4; default, as ResNet-18)
 *              ReLU(BN(conv3x3/1(x)))                    (stride 1; optSmallInput(true))
 *   encoder    S stages of basic blocks, w * 2^(s-1) channels, stride 2 at the first block of stages 2..S;
 *              e_s = ReLU(S_s), S_s the residual sum of the last block of stage s
 *   decoder    y_S = L_S(e_S);   y_s = ReLU(BN(conv3x3(up2(y_{s+1}) + L_s(e_s))))  for s = S-1 .. 1
 *              L_s = conv1x1 to w channels (no bias); up2 = nearest-neighbour upsampling by 2
 *   logits     up_stem(conv1x1(y_1) + b)                 [B, K, H, W], nearest upsampling by the stem's stride
 *   feature    e_S = ReLU(S_S), the encoder's last map (POST_RELU, default)   [B, D, H / (stem 2^(S-1)), ...]
 *              S_S, the last block's residual sum before its ReLU (PRE_RELU)
 * </pre>
 *
 * The output is {@code NDList(logits, feature)}, read by {@link dev.cmkd.method.NetworkOutput#of}: the dense
 * feature map that {@link dev.cmkd.method.FdCmkd} ({@link dev.cmkd.method.FeatureLayout#MAP}) distils is the
 * encoder's last map at the {@link FeaturePoint} chosen with {@code optFeaturePoint}: after the ReLU, as FD-CMKD's
 * released code distils ResNet-18's last output (its {@code pre_out} aliases the in-place ReLU's output), or before
 * it, as the code's names intend (method.md, section 2.2); here no pooling follows, so the first is exactly the
 * ReLU of the second. Heights and widths must be multiples of {@code stem * 2^(S-1)} (32 for ResNet-18; NYU's 480
 * x 640 is).
 *
 * <p>Initialisation as {@link ResNet}: convolutions Kaiming-normal (fan-out), BatchNorm 1 / 0, biases 0.
 * The block creates no array itself, so it runs on whatever device its parameters and inputs are.
 *
 * <p>Our choice: the paper's segmentation network is not published (method.md, section 2.9 and 8).
 */
public final class SegmentationNet extends AbstractBlock {

    private final int numClasses;
    private final int inputChannels;
    private final int width;
    private final int[] blocksPerStage;
    private final boolean smallInput;
    private final FeaturePoint featurePoint;
    private final ResidualEncoder encoder;
    private final List<Conv2d> laterals = new ArrayList<>();
    private final List<Conv2d> fuseConvs = new ArrayList<>();
    private final List<BatchNorm> fuseBns = new ArrayList<>();
    private final Conv2d classifier;

    private SegmentationNet(Builder b) {
        this.numClasses = b.numClasses;
        this.inputChannels = b.inputChannels;
        this.width = b.width;
        this.blocksPerStage = b.blocksPerStage.clone();
        this.smallInput = b.smallInput;
        this.featurePoint = b.featurePoint;
        encoder = new ResidualEncoder(this::addChildBlock, width, smallInput);
        for (int stage = 0; stage < blocksPerStage.length; stage++) {
            encoder.addStage(blocksPerStage[stage]);
            laterals.add(addChildBlock("lateral" + (stage + 1), Layers.conv(width, 1, 1, 0, false)));
        }
        for (int stage = blocksPerStage.length - 1; stage > 0; stage--) {
            fuseConvs.add(addChildBlock("fuse" + stage + "_conv", Layers.conv(width, 3, 1, 1, false)));
            fuseBns.add(addChildBlock("fuse" + stage + "_bn", BatchNorm.builder().build()));
        }
        classifier = addChildBlock("classifier", Layers.conv(numClasses, 1, 1, 0, true));
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the channels {@code D} of the distilled feature map: {@code width * 2^(S-1)}. */
    private int featureChannels() {
        return width << (blocksPerStage.length - 1);
    }

    /** Returns the factor by which the feature map is smaller than the input: {@code stem * 2^(S-1)}. */
    public int getOutputStride() {
        return encoder.stemStride() << (blocksPerStage.length - 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.head();
        checkInput(x.getShape());
        ResidualEncoder.Output encoded = encoder.forward(store, x, training);
        List<NDArray> skips = encoded.stages();
        int last = skips.size() - 1;
        NDArray y = laterals.get(last).forward(store, new NDList(skips.get(last)), training).head();
        for (int s = last - 1, f = 0; s >= 0; s--, f++) {
            NDArray lateral = laterals.get(s).forward(store, new NDList(skips.get(s)), training).head();
            y = FeatureMaps.upsample(y, 2).add(lateral);
            y = fuseConvs.get(f).forward(store, new NDList(y), training).head();
            y = Activation.relu(fuseBns.get(f).forward(store, new NDList(y), training).head());
        }
        NDArray logits = classifier.forward(store, new NDList(y), training).head();
        NDArray feature = featurePoint == FeaturePoint.POST_RELU ? encoded.last() : encoded.lastResidualSum();
        return new NDList(FeatureMaps.upsample(logits, encoder.stemStride()), feature);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        checkInput(in);
        int stride = getOutputStride();
        return new Shape[] {new Shape(in.get(0), numClasses, in.get(2), in.get(3)),
            new Shape(in.get(0), featureChannels(), in.get(2) / stride, in.get(3) / stride)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        checkInput(in);
        List<Shape> skipShapes = encoder.initialize(manager, dataType, in);
        for (int s = 0; s < skipShapes.size(); s++) {
            laterals.get(s).initialize(manager, dataType, skipShapes.get(s));
        }
        for (int s = skipShapes.size() - 2, f = 0; s >= 0; s--, f++) {
            Shape fused = new Shape(in.get(0), width, skipShapes.get(s).get(2), skipShapes.get(s).get(3));
            fuseConvs.get(f).initialize(manager, dataType, fused);
            fuseBns.get(f).initialize(manager, dataType, fused);
        }
        Shape top = skipShapes.get(0);
        classifier.initialize(manager, dataType, new Shape(in.get(0), width, top.get(2), top.get(3)));
    }

    private void checkInput(Shape shape) {
        int stride = getOutputStride();
        if (shape.dimension() != 4 || shape.get(1) != inputChannels || shape.get(2) % stride != 0
                || shape.get(3) % stride != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "SegmentationNet: input shape %s is not [batch, %d, height, width] with height and width"
                            + " multiples of the output stride %d; crop or resize the images", shape,
                    inputChannels, stride));
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SegmentationNet(in=%d, width=%d, blocks=%s, smallInput=%s, feature=%s,"
                + " D=%d, K=%d)", inputChannels, width, Arrays.toString(blocksPerStage), smallInput, featurePoint,
                featureChannels(), numClasses);
    }

    /**
     * Builder in DJL's style: {@code setNumClasses} required ({@code K}, 40 for NYU-Depth V2), {@code opt*}
     * optional; {@code optWidth} is also the decoder's width. The defaults give a ResNet-18 encoder with an
     * ImageNet stem on RGB; depth has {@code optInputChannels(1)}.
     */
    public static final class Builder extends ResidualEncoder.Builder<Builder> {

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /** Validates and builds. */
        public SegmentationNet build() {
            if (numClasses < 2 || inputChannels < 1 || width < 1) {
                throw new IllegalArgumentException("SegmentationNet: setNumClasses(" + numClasses + ") >= 2,"
                        + " optInputChannels(" + inputChannels + ") >= 1 and optWidth(" + width + ") >= 1 required");
            }
            if (blocksPerStage == null || blocksPerStage.length == 0 || blocksPerStage.length > 8
                    || Arrays.stream(blocksPerStage).anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException("SegmentationNet: optBlocksPerStage("
                        + Arrays.toString(blocksPerStage) + ") needs 1 to 8 stages of at least 1 block");
            }
            return new SegmentationNet(this);
        }
    }
}
