package dev.cmkd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * ResNet with basic blocks (ResNet-18 by default), as FD-CMKD's released code uses it for both the teacher
 * and the student. The block returns the classifier's logits and the feature that FD-CMKD distils.
 *
 * <p><b>Architecture.</b> With width {@code w} and {@code S} stages of {@code n_1..n_S} blocks:
 * <pre>
 *   stem      = ReLU(BN(conv7x7/2(x))), then maxpool3x3/2                  (default)
 *             = ReLU(BN(conv3x3/1(x))), no max-pool                         (optSmallInput(true))
 *   stage s   = n_s basic blocks with w * 2^(s-1) channels; the first block of every stage but the first
 *               has stride 2
 *   block     S(x) = BN(conv3x3(ReLU(BN(conv3x3/stride(x))))) + shortcut(x),   output ReLU(S(x))
 *               shortcut = identity, or BN(conv1x1/stride(x)) when the stride or the channel count changes
 * </pre>
 * Convolutions have no bias. BatchNorm uses epsilon 1e-5 and DJL momentum 0.9 (PyTorch's 0.1), the
 * defaults of both libraries.
 *
 * <p><b>Forward contract.</b> Input {@code NDList(x)}, {@code x} of shape {@code [B, C_in, H, W]}. Let
 * {@code S_L} be the residual sum {@code S(x)} of the <em>last</em> block of the last stage, shape
 * {@code [B, D, h, w]} with {@code D = width * 2^(stages-1)}. Output {@code NDList(logits, feature, e_1, ..., e_S)}:
 * <pre>
 *   g         = mean_{h,w} ReLU(S_L)                [B, D]   the post-ReLU pooled feature, non-negative
 *   feature f = g                                   [B, D]   optFeaturePoint(POST_RELU), the default
 *             = mean_{h,w} S_L                      [B, D]   optFeaturePoint(PRE_RELU): entries can be negative
 *   logits  z = W g + b                             [B, C]
 *   e_s       = ReLU(S_s)                           [B, width * 2^(s-1), h_s, w_s]   stage s's post-ReLU map
 * </pre>
 * The stage maps ({@code e_2} is "layer2" of ResNet-18) are the hints of {@link dev.cmkd.method.FitNet}; they cost
 * nothing extra, the forward pass computes them anyway.
 * {@code f} is what FD-CMKD distils ({@link FeaturePoint}, method.md section 2.2): the released code's {@code
 * pre_out} aliases the block's output, which its in-place ReLU overwrites, so the released code distils {@code g},
 * while its names promise the pre-activation sum. The head is the usual one on {@code g} under both. Note that
 * {@code ReLU(mean S_L) != g} in general (the mean and the ReLU do not commute) unless {@code h = w = 1}.
 * {@link dev.cmkd.method.NetworkOutput#of} reads this output. For a video whose {@code T} frames are folded
 * into the batch, reshaping both outputs to {@code [B, T, .]} and averaging over {@code T} gives exactly
 * the released code's pooling over {@code (T, H, W)}: the pools have equal sizes and the head is affine.
 *
 * <p><b>Initialization</b> (released code, method.md section 2.9): convolution weights Kaiming-normal with
 * fan-out and ReLU gain, {@code N(0, 2 / (C_out k^2))} = {@code XavierInitializer(GAUSSIAN, OUT, 2)}; the
 * linear weight Xavier-normal, {@code N(0, 2 / (D + C))} = {@code XavierInitializer(GAUSSIAN, AVG, 1)},
 * bias 0; BatchNorm gamma 1, beta 0, running mean 0, running variance 1 (DJL's defaults). These are set on
 * the parameters when the block is built; a {@code TrainingConfig.optInitializer} passed to
 * {@code Model.newTrainer} replaces them, so leave it unset.
 *
 * <p>The block is device-agnostic: it creates no array itself; parameters come from the
 * {@link ParameterStore} on the input's device.
 *
 * <p>Paper: K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
 * arXiv 1512.03385. Used by J. Liu et al., "Distilling Cross-Modal Knowledge via Feature Disentanglement",
 * AAAI 2026, arXiv 2511.19887.
 */
public final class ResNet extends AbstractBlock {

    private final int numClasses;
    private final int inputChannels;
    private final int width;
    private final int[] blocksPerStage;
    private final boolean smallInput;
    private final FeaturePoint featurePoint;
    private final int featureDim;
    private final ResidualEncoder encoder;
    private final Linear fc;

    private ResNet(Builder b) {
        this.numClasses = b.numClasses;
        this.inputChannels = b.inputChannels;
        this.width = b.width;
        this.blocksPerStage = b.blocksPerStage.clone();
        this.smallInput = b.smallInput;
        this.featurePoint = b.featurePoint;
        this.featureDim = Math.toIntExact((long) width << (blocksPerStage.length - 1));
        encoder = new ResidualEncoder(this::addChildBlock, width, smallInput);
        for (int blocks : blocksPerStage) {
            encoder.addStage(blocks);
        }
        fc = addChildBlock("fc", Layers.linear(numClasses));
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the dimension {@code D} of the distilled feature: {@code width * 2^(stages-1)} (512 for ResNet-18). */
    public int getFeatureDim() {
        return featureDim;
    }

    /** Returns the number of input channels {@code C_in}. */
    public int getInputChannels() {
        return inputChannels;
    }

    /**
     * Forward pass; see the class documentation. Input {@code NDList(x)}, output
     * {@code NDList(logits [B, C], feature [B, D], e_1, ..., e_S)}.
     */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.head();
        checkInput(x.getShape());
        ResidualEncoder.Output encoded = encoder.forward(store, x, training);
        NDArray pooled = Pool.globalAvgPool2d(encoded.last());
        NDArray feature = featurePoint == FeaturePoint.POST_RELU ? pooled
                : Pool.globalAvgPool2d(encoded.lastResidualSum());
        NDArray logits = fc.forward(store, new NDList(pooled), training).head();
        NDList output = new NDList(logits, feature);
        output.addAll(encoded.stages());
        return output;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInput(inputShapes[0]);
        List<Shape> shapes = new ArrayList<>(List.of(Layers.logitsAndFeatureShapes(inputShapes[0].get(0), numClasses,
                featureDim)));
        shapes.addAll(encoder.stageShapes(inputShapes[0]));
        return shapes.toArray(Shape[]::new);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        encoder.initialize(manager, dataType, inputShapes[0]);
        fc.initialize(manager, dataType, new Shape(inputShapes[0].get(0), featureDim));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ResNet(in=%d, width=%d, blocks=%s, smallInput=%s, feature=%s, D=%d, C=%d)",
                inputChannels, width, Arrays.toString(blocksPerStage), smallInput, featurePoint, featureDim,
                numClasses);
    }

    private void checkInput(Shape shape) {
        if (shape.dimension() != 4 || shape.get(1) != inputChannels) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "ResNet: input shape %s is not [batch, %d, height, width]", shape, inputChannels));
        }
    }

    /**
     * The basic residual block. Its forward returns the residual sum
     * {@code S(x) = BN(conv3x3(ReLU(BN(conv3x3/stride(x))))) + shortcut(x)} <em>before</em> the final ReLU,
     * which the caller applies (the encoder that {@link ResNet} and {@link SegmentationNet} share), so that
     * the last block's pre-activation can be distilled ({@link FeaturePoint#PRE_RELU}). Weights are initialised
     * as in {@link ResNet}.
     */
    public static final class BasicBlock extends AbstractBlock {

        private final Conv2d conv1;
        private final BatchNorm bn1;
        private final Conv2d conv2;
        private final BatchNorm bn2;
        private final Conv2d downsampleConv;
        private final BatchNorm downsampleBn;

        /**
         * Creates the block.
         *
         * @param channels output channels of both convolutions
         * @param stride stride of the first convolution (and of the shortcut)
         * @param projection whether the shortcut is {@code BN(conv1x1/stride)} rather than the identity;
         *     needed when the stride or the channel count changes
         */
        public BasicBlock(int channels, int stride, boolean projection) {
            conv1 = addChildBlock("conv1", Layers.conv(channels, 3, stride, 1, false));
            bn1 = addChildBlock("bn1", BatchNorm.builder().build());
            conv2 = addChildBlock("conv2", Layers.conv(channels, 3, 1, 1, false));
            bn2 = addChildBlock("bn2", BatchNorm.builder().build());
            if (projection) {
                downsampleConv = addChildBlock("downsample_conv", Layers.conv(channels, 1, stride, 0, false));
                downsampleBn = addChildBlock("downsample_bn", BatchNorm.builder().build());
            } else {
                downsampleConv = null;
                downsampleBn = null;
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            // Every intermediate is released once read (ResidualEncoder.release): autograd keeps what it needs.
            NDList x = new NDList(inputs.head());
            NDArray c1 = conv1.forward(store, x, training).head();
            NDArray b1 = bn1.forward(store, new NDList(c1), training).head();
            ResidualEncoder.release(c1);
            NDArray r1 = Activation.relu(b1);
            ResidualEncoder.release(b1);
            NDArray c2 = conv2.forward(store, new NDList(r1), training).head();
            ResidualEncoder.release(r1);
            NDArray y = bn2.forward(store, new NDList(c2), training).head();
            ResidualEncoder.release(c2);
            // The shortcut is added in place: batch norm's backward pass does not read its output, so autograd
            // allows it, and the sum needs no array of its own (as torchvision's "out += identity").
            if (downsampleConv != null) {
                NDArray projected = downsampleConv.forward(store, x, training).head();
                NDArray shortcut = downsampleBn.forward(store, new NDList(projected), training).head();
                ResidualEncoder.release(projected);
                y.addi(shortcut);
                ResidualEncoder.release(shortcut);
            } else {
                y.addi(x.head());
            }
            return new NDList(y);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            conv1.initialize(manager, dataType, inputShapes);
            Shape[] shapes = conv1.getOutputShapes(inputShapes);
            bn1.initialize(manager, dataType, shapes);
            conv2.initialize(manager, dataType, shapes);
            bn2.initialize(manager, dataType, conv2.getOutputShapes(shapes));
            if (downsampleConv != null) {
                downsampleConv.initialize(manager, dataType, inputShapes);
                downsampleBn.initialize(manager, dataType, downsampleConv.getOutputShapes(inputShapes));
            }
        }
    }

    /**
     * Builder in DJL's style: {@code setNumClasses} required ({@code C}, 6 for CREMA-D), {@code opt*} optional.
     * The defaults give ResNet-18 on 3-channel images (512-d feature) as in the released code's visual network;
     * its audio network has {@code optInputChannels(1)}.
     */
    public static final class Builder extends ResidualEncoder.Builder<Builder> {

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /** Validates and builds. */
        public ResNet build() {
            if (numClasses < 1) {
                throw new IllegalArgumentException("ResNet: setNumClasses(" + numClasses
                        + ") is required and must be at least 1");
            }
            if (inputChannels < 1) {
                throw new IllegalArgumentException("ResNet: optInputChannels(" + inputChannels
                        + ") must be at least 1");
            }
            if (width < 1) {
                throw new IllegalArgumentException("ResNet: optWidth(" + width + ") must be at least 1");
            }
            if (blocksPerStage == null || blocksPerStage.length == 0) {
                throw new IllegalArgumentException("ResNet: optBlocksPerStage("
                        + Arrays.toString(blocksPerStage) + ") must name at least one stage");
            }
            if (Arrays.stream(blocksPerStage).anyMatch(blocks -> blocks < 1)) {
                throw new IllegalArgumentException("ResNet: optBlocksPerStage(" + Arrays.toString(blocksPerStage)
                        + ") must have at least 1 block in every stage");
            }
            if (blocksPerStage.length > 31 || ((long) width << (blocksPerStage.length - 1)) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("ResNet: optWidth(" + width + ") with "
                        + blocksPerStage.length + " stages gives a feature dimension width * 2^(stages-1) above "
                        + Integer.MAX_VALUE);
            }
            return new ResNet(this);
        }
    }
}
