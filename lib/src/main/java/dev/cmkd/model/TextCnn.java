package dev.cmkd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A convolutional sentence encoder trained from scratch (Kim 2014's CNN-rand), with the output contract of
 * {@link ResNet}, so that it can be a teacher or a student of every distillation method.
 *
 * <p><b>Architecture.</b> Input {@code NDList(ids)}, {@code ids} of shape {@code [B, L]} (token ids, any
 * numeric type; 0 is padding, see {@link dev.cmkd.data.crisis.Vocabulary}):
 * <pre>
 *   E       = embedding(ids)                                   [B, L, e]     (padding has its own vector)
 *   c_k     = max_t ReLU(conv1d_k(E^T))   for each kernel k     [B, F]        (valid convolution over time)
 *   h       = dropout(concat_k c_k)                            [B, K F]      (dropout in training only)
 *   a         = W_a h + b_a                                    [B, D]        the adapter's pre-activation
 *   feature f = ReLU(a)  (POST_RELU, default)   or   a  (PRE_RELU)
 *   logits  z = W ReLU(a) + b                                  [B, C]
 * </pre>
 * The linear adapter {@code W_a} maps the {@code K F} pooled filters to the image network's feature dimension
 * {@code D} (512 for ResNet-18), so the two modalities' features have the same size, as FD-CMKD's band
 * losses and shared classifiers need; as in {@link ResNet} the distilled feature is taken after the last
 * activation or before it ({@link FeaturePoint}, {@code optFeaturePoint}) and the head reads the activated one.
 *
 * <p><b>Defaults</b> (Y. Kim, "Convolutional Neural Networks for Sentence Classification", EMNLP 2014,
 * arXiv 1408.5882): kernel widths 3, 4, 5 with 100 filters each, dropout 0.5, embedding size 300 initialised
 * uniformly in [-0.25, 0.25] (Kim's CNN-rand). Our choices: the adapter and head (Kim has one softmax layer
 * on {@code h}), no max-norm constraint, convolution weights Kaiming-normal fan-out and linear weights
 * Xavier-normal as in {@link ResNet}, biases 0.
 *
 * <p>The block is device-agnostic: parameters come from the {@link ParameterStore} on the input's device.
 */
public final class TextCnn extends AbstractBlock {

    private final int vocabularySize;
    private final int numClasses;
    private final int embeddingDim;
    private final int[] kernelSizes;
    private final int filters;
    private final int featureDim;
    private final float dropoutRate;
    private final FeaturePoint featurePoint;
    private final Parameter embedding;
    private final List<Conv1d> convolutions = new ArrayList<>();
    private final Dropout dropout;
    private final FeatureHead head;

    private TextCnn(Builder b) {
        this.vocabularySize = b.vocabularySize;
        this.numClasses = b.numClasses;
        this.embeddingDim = b.embeddingDim;
        this.kernelSizes = b.kernelSizes.clone();
        this.filters = b.filters;
        this.featureDim = b.featureDim;
        this.dropoutRate = b.dropout;
        this.featurePoint = b.featurePoint;
        embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, embeddingDim)).optInitializer(new UniformInitializer(0.25f))
                .build());
        for (int k : kernelSizes) {
            Conv1d conv = Conv1d.builder().setKernelShape(new Shape(k)).setFilters(filters).build();
            conv.setInitializer(Layers.CONV_INITIALIZER, Parameter.Type.WEIGHT);
            convolutions.add(addChildBlock("conv" + k, conv));
        }
        dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
        head = new FeatureHead(this::addChildBlock, featureDim, numClasses, featurePoint);
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Forward pass; see the class documentation. Input {@code NDList(ids [B, L])}, output {@code NDList(logits
     * [B, C], feature [B, D])}.
     */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.head();
        checkInput(input.getShape());
        NDArray ids = input.toType(DataType.INT64, false);
        NDArray weight = store.getValue(embedding, input.getDevice(), training);
        NDArray embedded = ids.getNDArrayInternal().embedding(ids, weight, SparseFormat.DENSE).head();
        NDArray sequence = embedded.transpose(0, 2, 1);
        NDList pooled = new NDList();
        for (Conv1d conv : convolutions) {
            NDArray maps = Activation.relu(conv.forward(store, new NDList(sequence), training).head());
            pooled.add(maps.max(new int[] {2}));
        }
        NDArray h = pooled.size() == 1 ? pooled.head() : NDArrays.concat(pooled, 1);
        h = dropout.forward(store, new NDList(h), training).head();
        return head.forward(store, h, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInput(inputShapes[0]);
        return head.getOutputShapes(inputShapes[0].get(0));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        long batch = inputShapes[0].get(0);
        Shape sequence = new Shape(batch, embeddingDim, inputShapes[0].get(1));
        for (Conv1d conv : convolutions) {
            conv.initialize(manager, dataType, sequence);
        }
        Shape pooled = new Shape(batch, (long) filters * kernelSizes.length);
        dropout.initialize(manager, dataType, pooled);
        head.initialize(manager, dataType, pooled);
    }

    private void checkInput(Shape shape) {
        int widest = Arrays.stream(kernelSizes).max().orElseThrow();
        if (shape.dimension() != 2 || shape.get(1) < widest) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "TextCnn: input shape %s is not [batch, length] with length >= %d (the widest kernel)", shape,
                    widest));
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TextCnn(V=%d, e=%d, kernels=%s x %d, dropout=%s, feature=%s, D=%d, C=%d)",
                vocabularySize, embeddingDim, Arrays.toString(kernelSizes), filters, dropoutRate, featurePoint,
                featureDim, numClasses);
    }

    /** Builder in DJL's style: {@code set*} required, {@code opt*} optional. */
    public static final class Builder {

        private int vocabularySize;
        private int numClasses;
        private int embeddingDim = 300;
        private int[] kernelSizes = {3, 4, 5};
        private int filters = 100;
        private int featureDim = 512;
        private float dropout = 0.5f;
        private FeaturePoint featurePoint = FeaturePoint.POST_RELU;

        private Builder() {}

        /** Required: the number of token ids {@code V} (the vocabulary's size, special tokens included). */
        public Builder setVocabularySize(int vocabularySize) {
            this.vocabularySize = vocabularySize;
            return this;
        }

        /** Required: the number of classes {@code C}. */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Optional: the embedding size {@code e}. Default 300 (Kim 2014). */
        public Builder optEmbeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        /** Optional: the convolution widths. Default 3, 4, 5 (Kim 2014). */
        public Builder optKernelSizes(int... kernelSizes) {
            this.kernelSizes = kernelSizes == null ? null : kernelSizes.clone();
            return this;
        }

        /** Optional: filters per width {@code F}. Default 100 (Kim 2014). */
        public Builder optFilters(int filters) {
            this.filters = filters;
            return this;
        }

        /**
         * Optional: the distilled feature's dimension {@code D}; set it to the other modality's. Default 512
         * (ResNet-18's).
         */
        public Builder optFeatureDim(int featureDim) {
            this.featureDim = featureDim;
            return this;
        }

        /** Optional: the dropout rate on the pooled filters in training. Default 0.5 (Kim 2014). */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Optional: the distilled feature after the adapter's ReLU or before it. Default {@link
         * FeaturePoint#POST_RELU}, as the released code's ResNet.
         */
        public Builder optFeaturePoint(FeaturePoint featurePoint) {
            this.featurePoint = featurePoint;
            return this;
        }

        /** Validates and builds. */
        public TextCnn build() {
            if (vocabularySize < 2 || numClasses < 1) {
                throw new IllegalArgumentException("TextCnn: setVocabularySize(" + vocabularySize
                        + ") must be at least 2 and setNumClasses(" + numClasses + ") at least 1; both are required");
            }
            if (embeddingDim < 1 || filters < 1 || featureDim < 1) {
                throw new IllegalArgumentException("TextCnn: optEmbeddingDim(" + embeddingDim + "), optFilters("
                        + filters + ") and optFeatureDim(" + featureDim + ") must be at least 1");
            }
            if (kernelSizes == null || kernelSizes.length == 0 || Arrays.stream(kernelSizes).anyMatch(k -> k < 1)) {
                throw new IllegalArgumentException("TextCnn: optKernelSizes(" + Arrays.toString(kernelSizes)
                        + ") must name at least one width, each at least 1");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("TextCnn: optDropout(" + dropout + ") must lie in [0, 1)");
            }
            return new TextCnn(this);
        }
    }
}
