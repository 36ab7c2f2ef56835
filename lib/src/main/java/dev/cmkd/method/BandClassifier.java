package dev.cmkd.method;

import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;

/**
 * The classifier FD-CMKD puts on a band: {@code Phi(x) = W relu(x) + b}. Used both as the shared
 * classifiers {@code Phi_low, Phi_high} (trained on teacher and student bands) and as the student-only
 * heads {@code Psi_low, Psi_high}. Weights are Xavier-normal, biases zero, as in the released code.
 */
public final class BandClassifier {

    private BandClassifier() {}

    /** Returns a new {@code ReLU -> Linear(numClasses)} block. */
    public static SequentialBlock create(int numClasses) {
        SequentialBlock block = new SequentialBlock()
                .add(Activation::relu)
                .add(Linear.builder().setUnits(numClasses).build());
        block.setInitializer(new XavierInitializer(RandomType.GAUSSIAN, FactorType.AVG, 1), Parameter.Type.WEIGHT);
        return block;
    }
}
