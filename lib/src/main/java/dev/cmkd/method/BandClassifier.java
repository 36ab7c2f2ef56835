package dev.cmkd.method;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;

/**
 * The classifier FD-CMKD puts on a band: {@code Phi(x) = W relu(x) + b}. Used both as the shared
 * classifiers {@code Phi_low, Phi_high} (trained on teacher and student bands) and as the student-only
 * heads {@code Psi_low, Psi_high}. Weights are Xavier-normal, biases zero, as in the released code. On
 * feature maps ({@link FeatureLayout#MAP}) {@code W} is a 1x1 convolution: the same classifier at every
 * position.
 */
public final class BandClassifier {

    private BandClassifier() {}

    /** Returns a new classifier for {@code layout}: {@code ReLU -> Linear(numClasses)} or {@code ReLU -> Conv1x1}. */
    public static SequentialBlock create(FeatureLayout layout, int numClasses) {
        Block classifier = layout.pointwise(numClasses, true);
        classifier.setInitializer(new XavierInitializer(RandomType.GAUSSIAN, FactorType.AVG, 1), Parameter.Type.WEIGHT);
        return new SequentialBlock().add(Activation::relu).add(classifier);
    }
}
