package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.Reduction;

/**
 * The shared shape of a distillation method: a block whose children (if any) are its trainable parts, initialised
 * for {@code [1, featureDim]} features or {@code [1, D, 1, 1]} maps (its {@link FeatureLayout}), and run through
 * {@link #evaluate} rather than {@code forward}. The helpers are the pieces the methods share: the task term, a child
 * block on one array, the feature MSE.
 */
public abstract class AbstractMethod extends AbstractBlock implements DistillationMethod {

    /** Pooled features or maps: the task loss and the shape the children are initialised for. */
    protected final FeatureLayout layout;
    private final String name;

    /** Creates a method of pooled features with the registry name {@code name}, e.g. {@code "fd-cmkd"}. */
    protected AbstractMethod(String name) {
        this(name, FeatureLayout.VECTOR);
    }

    /** Creates a method of {@code layout} with the registry name {@code name}. */
    protected AbstractMethod(String name, FeatureLayout layout) {
        this.name = name;
        this.layout = layout;
    }

    @Override
    public final String getName() {
        return name;
    }

    /** Initialises the children for features {@code [1, D]}, or maps {@code [1, D, 1, 1]} (MAP). */
    @Override
    public void initialize(NDManager manager, DataType dataType, int featureDim, int numClasses) {
        initialize(manager, dataType, layout.unitShape(featureDim));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, inputShapes[0]);
        }
    }

    /**
     * Returns the terms with the first, {@code task}: {@code weight CE(z_s, y)}, CE the layout's task loss ({@link
     * FeatureLayout#taskLoss}).
     */
    protected LossTerms taskTerm(double weight, NetworkOutput student, NDArray labels) {
        return new LossTerms().add("task", weight, layout.taskLoss(student.logits(), labels));
    }

    /** Returns {@code block}'s single output on {@code input}. */
    protected static NDArray apply(Block block, ParameterStore store, NDArray input, boolean training) {
        return block.forward(store, new NDList(input), training).singletonOrThrow();
    }

    /** Returns the mean squared error of {@code studentFeature} and the teacher's feature, held constant. */
    protected static NDArray featureMse(NDArray studentFeature, NetworkOutput teacher) {
        return LossFunctions.meanSquaredError(studentFeature, teacher.feature().stopGradient(), Reduction.MEAN);
    }

    /** A method is run through {@link #evaluate}, usually inside a {@link DistillationObjective}. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("call " + getName() + "'s evaluate(...) or wrap it in a"
                + " DistillationObjective");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("a method's outputs are named loss terms; call evaluate(...)");
    }

    /**
     * The options that {@link FdCmkd.Builder} and {@link C2kd.Builder} share, in DJL's builder style: the layout
     * ({@code opt*}), the feature dimension and the number of classes ({@code set*}, required).
     *
     * @param <B> the builder's own type, which the setters return
     */
    abstract static class LayoutBuilder<B extends LayoutBuilder<B>> {

        FeatureLayout layout = FeatureLayout.VECTOR;
        int featureDim;
        int numClasses;

        /** Returns this builder as its own type. */
        abstract B self();

        /** Optional: pooled features or feature maps. Default {@link FeatureLayout#VECTOR} (the released code). */
        public B optFeatureLayout(FeatureLayout layout) {
            this.layout = layout;
            return self();
        }

        /** Required: the feature dimension {@code D} of student and teacher (512 for ResNet-18), for maps channels. */
        public B setFeatureDim(int featureDim) {
            this.featureDim = featureDim;
            return self();
        }

        /** Required: the number of classes {@code C} ({@code K} for maps). */
        public B setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return self();
        }

        /** Checks the layout, {@code D >= minFeatureDim} and {@code C >= 2}; errors name {@code method}. */
        void validate(String method, int minFeatureDim) {
            Hyperparameters.requireLayout(method, layout);
            Hyperparameters.requireAtLeast(method, "setFeatureDim", featureDim, minFeatureDim);
            Hyperparameters.requireAtLeast(method, "setNumClasses", numClasses, 2);
        }
    }
}
