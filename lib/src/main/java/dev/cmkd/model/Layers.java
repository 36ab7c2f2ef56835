package dev.cmkd.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;

/**
 * The layers and initialisers that the networks of this package share, as FD-CMKD's released code initialises
 * them (method.md, section 2.9): convolution weights Kaiming-normal with fan-out and ReLU gain, linear weights
 * Xavier-normal, biases 0 (DJL's default).
 */
final class Layers {

    /** Kaiming-normal with fan-out and ReLU gain: {@code N(0, 2 / (C_out k^2))}. */
    static final Initializer CONV_INITIALIZER = new XavierInitializer(RandomType.GAUSSIAN, FactorType.OUT, 2);

    /** Xavier-normal: {@code N(0, 2 / (fan_in + fan_out))}. */
    static final Initializer LINEAR_INITIALIZER = new XavierInitializer(RandomType.GAUSSIAN, FactorType.AVG, 1);

    private Layers() {}

    /** A square 2-d convolution with {@link #CONV_INITIALIZER} weights. */
    static Conv2d conv(int filters, int kernel, int stride, int padding, boolean bias) {
        Conv2d conv = Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(bias)
                .build();
        conv.setInitializer(CONV_INITIALIZER, Parameter.Type.WEIGHT);
        return conv;
    }

    /** A linear layer with {@link #LINEAR_INITIALIZER} weights and a bias. */
    static Linear linear(int units) {
        Linear linear = Linear.builder().setUnits(units).build();
        linear.setInitializer(LINEAR_INITIALIZER, Parameter.Type.WEIGHT);
        return linear;
    }

    /**
     * The output shapes of the classification networks' contract {@code NDList(logits, feature)}:
     * {@code [B, C]} and {@code [B, D]}.
     */
    static Shape[] logitsAndFeatureShapes(long batch, int numClasses, int featureDim) {
        return new Shape[] {new Shape(batch, numClasses), new Shape(batch, featureDim)};
    }
}
