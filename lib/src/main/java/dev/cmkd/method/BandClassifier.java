package dev.cmkd.method;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;

/**
 * The classifier FD-CMKD puts on a band: {@code Phi(x) = W relu(x) + b}. Used both as the shared
 * classifiers {@code Phi_low, Phi_high} (trained on teacher and student bands) and as the student-only
 * heads {@code Psi_low, Psi_high}. On feature maps ({@link FeatureLayout#MAP}) {@code W} is a 1x1 convolution: the
 * same classifier at every position.
 *
 * <p>Initialisation as the released code leaves its heads, PyTorch's default for {@code nn.Linear} and {@code
 * nn.Conv2d} (its backbone's Xavier and Kaiming initialisation does not reach them): with {@code fan_in = D} (the
 * band's channels; {@code D * 1 * 1} for the 1x1 convolution),
 * <pre>
 *   W ~ U(-1/sqrt(D), 1/sqrt(D))     kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / (1 + 5)) times sqrt(3 / D)
 *   b ~ U(-1/sqrt(D), 1/sqrt(D))
 * </pre>
 */
public final class BandClassifier {

    private BandClassifier() {}

    /**
     * Returns a new classifier of {@code featureDim}-channel bands for {@code layout}: {@code ReLU ->
     * Linear(numClasses)} or {@code ReLU -> Conv1x1}.
     */
    public static SequentialBlock create(FeatureLayout layout, int featureDim, int numClasses) {
        Block classifier = layout.pointwise(numClasses, true);
        Initializer pytorchDefault = new UniformInitializer((float) (1 / Math.sqrt(featureDim)));
        classifier.setInitializer(pytorchDefault, Parameter.Type.WEIGHT);
        classifier.setInitializer(pytorchDefault, Parameter.Type.BIAS);
        return new SequentialBlock().add(Activation::relu).add(classifier);
    }
}
