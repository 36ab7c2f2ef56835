package dev.cmkd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The ResNet encoder that {@link ResNet} and {@link SegmentationNet} share: with width {@code w},
 * <pre>
 *   stem      = ReLU(BN(conv7x7/2(x))), then maxpool3x3/2     (stride 4; default)
 *             = ReLU(BN(conv3x3/1(x))), no max-pool            (stride 1; small input)
 *   stage s   = basic blocks with w * 2^(s-1) channels; the first block of every stage but the first has
 *               stride 2 and a projection shortcut
 *   e_s       = ReLU(S_s), S_s the residual sum of the last block of stage s
 * </pre>
 *
 * <p>It is not a block of its own: its layers are children of the network that owns it, named {@code conv1},
 * {@code bn1} and {@code layer<s>_<i>} as in the released ResNet-18, so that the parameter names of saved runs
 * stay what they were. The network adds the stem when it creates the encoder and each stage with
 * {@link #addStage}, and may add children of its own in between.
 */
final class ResidualEncoder {

    private static final Shape POOL_KERNEL = new Shape(3, 3);
    private static final Shape POOL_STRIDE = new Shape(2, 2);
    private static final Shape POOL_PADDING = new Shape(1, 1);

    private final BiConsumer<String, Block> addChild;
    private final int width;
    private final boolean smallInput;
    private final Conv2d stemConv;
    private final BatchNorm stemBn;
    private final List<List<ResNet.BasicBlock>> stages = new ArrayList<>();

    /**
     * Creates the stem and adds it to its network as {@code conv1} and {@code bn1}.
     *
     * @param addChild the owning network's {@code addChildBlock}
     * @param width the channels {@code w} of the stem and the first stage
     * @param smallInput true for the 3x3 stride-1 stem without max-pool, false for ResNet-18's
     */
    ResidualEncoder(BiConsumer<String, Block> addChild, int width, boolean smallInput) {
        this.addChild = addChild;
        this.width = width;
        this.smallInput = smallInput;
        stemConv = smallInput ? Layers.conv(width, 3, 1, 1, false) : Layers.conv(width, 7, 2, 3, false);
        addChild.accept("conv1", stemConv);
        stemBn = BatchNorm.builder().build();
        addChild.accept("bn1", stemBn);
    }

    /** Adds the next stage, of {@code blocks} basic blocks, to the network as {@code layer<s>_0, layer<s>_1, ...}. */
    void addStage(int blocks) {
        int stage = stages.size();
        List<ResNet.BasicBlock> added = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            boolean downsample = stage > 0 && i == 0;
            ResNet.BasicBlock block = new ResNet.BasicBlock(width << stage, downsample ? 2 : 1, downsample);
            addChild.accept(String.format(Locale.ROOT, "layer%d_%d", stage + 1, i), block);
            added.add(block);
        }
        stages.add(added);
    }

    /** Returns the factor by which the stem shrinks the input: 4, or 1 for the small-input stem. */
    int stemStride() {
        return smallInput ? 1 : 4;
    }

    /**
     * The encoder's output for an input {@code [B, C_in, H, W]}.
     *
     * @param stages {@code e_s = ReLU(S_s)} for every stage {@code s}
     * @param lastResidualSum {@code S_S}, the last block's residual sum before its ReLU
     */
    record Output(List<NDArray> stages, NDArray lastResidualSum) {

        /** Returns the last stage's output {@code e_S}. */
        NDArray last() {
            return stages.get(stages.size() - 1);
        }
    }

    /**
     * Runs the stem and every stage on {@code x [B, C_in, H, W]}. Intermediates that the output does not contain are
     * closed as soon as the next layer has read them ({@link #release}): autograd keeps what the backward pass needs,
     * the rest is freed at once instead of when the step's manager closes (issue 17: the peak memory of a step).
     */
    Output forward(ParameterStore store, NDArray x, boolean training) {
        NDArray conv = stemConv.forward(store, new NDList(x), training).head();
        NDArray normed = stemBn.forward(store, new NDList(conv), training).head();
        release(conv);
        x = Activation.relu(normed);
        release(normed);
        if (!smallInput) {
            NDArray activated = x;
            x = Pool.maxPool2d(activated, POOL_KERNEL, POOL_STRIDE, POOL_PADDING, false);
            release(activated);
        }
        List<NDArray> outputs = new ArrayList<>();
        NDArray residualSum = null;
        for (List<ResNet.BasicBlock> blocks : stages) {
            for (ResNet.BasicBlock block : blocks) {
                NDArray in = x;
                if (residualSum != null) {
                    release(residualSum); // the previous block's: only the last one is part of the output
                }
                residualSum = block.forward(store, new NDList(in), training).head();
                x = Activation.relu(residualSum);
                if (outputs.isEmpty() || outputs.get(outputs.size() - 1) != in) {
                    release(in); // not a stage's output
                }
            }
            outputs.add(x);
        }
        return new Output(outputs, residualSum);
    }

    /**
     * Closes an intermediate array of a forward pass that no one else holds. On PyTorch this drops the Java handle's
     * reference only: a tensor that autograd saved for the backward pass lives on in the graph, every other one is
     * freed now. Values and gradients are the same as without it.
     */
    static void release(NDArray intermediate) {
        intermediate.close();
    }

    /** Returns every stage's output shape {@code [B, w * 2^(s-1), h_s, w_s]} for an input of shape {@code in}. */
    List<Shape> stageShapes(Shape in) {
        return walk(in, (layer, shapes) -> { });
    }

    /** Initialises the stem and every stage for an input of shape {@code in}; returns every stage's output shape. */
    List<Shape> initialize(NDManager manager, DataType dataType, Shape in) {
        return walk(in, (layer, shapes) -> layer.initialize(manager, dataType, shapes));
    }

    /** Gives every layer, in order, with its input shapes to {@code visit}; returns every stage's output shape. */
    private List<Shape> walk(Shape in, BiConsumer<Block, Shape[]> visit) {
        Shape[] shapes = {in};
        visit.accept(stemConv, shapes);
        shapes = stemConv.getOutputShapes(shapes);
        visit.accept(stemBn, shapes);
        if (!smallInput) {
            shapes = new Shape[] {maxPoolShape(shapes[0])};
        }
        List<Shape> stageShapes = new ArrayList<>();
        for (List<ResNet.BasicBlock> blocks : stages) {
            for (ResNet.BasicBlock block : blocks) {
                visit.accept(block, shapes);
                shapes = block.getOutputShapes(shapes);
            }
            stageShapes.add(shapes[0]);
        }
        return stageShapes;
    }

    /**
     * The options that {@link ResNet.Builder} and {@link SegmentationNet.Builder} share, in DJL's builder style:
     * {@code set*} required, {@code opt*} optional. The defaults give a ResNet-18 encoder with an ImageNet stem
     * on 3-channel images.
     *
     * @param <B> the builder's own type, which the setters return
     */
    abstract static class Builder<B extends Builder<B>> {

        int numClasses;
        int inputChannels = 3;
        int width = 64;
        int[] blocksPerStage = {2, 2, 2, 2};
        boolean smallInput;
        FeaturePoint featurePoint = FeaturePoint.POST_RELU;

        /** Returns this builder as its own type. */
        protected abstract B self();

        /** Required: the number of classes ({@code C}; {@code K} for segmentation). */
        public B setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return self();
        }

        /** Optional: the input channels {@code C_in}: 1 for audio spectrograms or depth, 3 for images. Default 3. */
        public B optInputChannels(int inputChannels) {
            this.inputChannels = inputChannels;
            return self();
        }

        /** Optional: the channels {@code w} of the stem and the first stage. Default 64 (ResNet-18). */
        public B optWidth(int width) {
            this.width = width;
            return self();
        }

        /**
         * Optional: the number of basic blocks in each stage; the number of stages is the array's length and
         * stage {@code s} has {@code width * 2^(s-1)} channels. Default {@code 2, 2, 2, 2} (ResNet-18); e.g.
         * {@code 1, 1} gives a tiny CPU model.
         */
        public B optBlocksPerStage(int... blocksPerStage) {
            this.blocksPerStage = blocksPerStage == null ? null : blocksPerStage.clone();
            return self();
        }

        /**
         * Optional: true replaces the 7x7 stride-2 stem convolution and its max-pool by one 3x3 stride-1
         * convolution, for 28x28-scale inputs. Default false (ResNet-18's ImageNet stem, released code).
         */
        public B optSmallInput(boolean smallInput) {
            this.smallInput = smallInput;
            return self();
        }

        /**
         * Optional: the distilled feature after the last block's ReLU ({@link FeaturePoint#POST_RELU}, the released
         * code, default) or before it ({@link FeaturePoint#PRE_RELU}, the code's evident intent).
         */
        public B optFeaturePoint(FeaturePoint featurePoint) {
            this.featurePoint = featurePoint;
            return self();
        }
    }

    private static Shape maxPoolShape(Shape in) {
        long h = (in.get(2) + 2 * POOL_PADDING.get(0) - POOL_KERNEL.get(0)) / POOL_STRIDE.get(0) + 1;
        long w = (in.get(3) + 2 * POOL_PADDING.get(1) - POOL_KERNEL.get(1)) / POOL_STRIDE.get(1) + 1;
        return new Shape(in.get(0), in.get(1), h, w);
    }
}
