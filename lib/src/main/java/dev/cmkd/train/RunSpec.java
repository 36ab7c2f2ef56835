package dev.cmkd.train;

/**
 * How long and how fast one network trains. Defaults are the released code's (SGD, momentum 0.9, no
 * weight decay, learning rate 0.01 with a polynomial decay per epoch to 1e-4, power 0.9, batch 64);
 * only the number of epochs differs per experiment.
 *
 * @param epochs number of epochs
 * @param batchSize batch size
 * @param learningRate initial learning rate
 * @param finalLearningRate the floor of the polynomial decay
 * @param polyPower the power of the polynomial decay
 * @param momentum SGD momentum
 * @param seed seed of initialisation and data order
 */
public record RunSpec(int epochs, int batchSize, double learningRate, double finalLearningRate, double polyPower,
        double momentum, long seed) {

    /** Validates the values. */
    public RunSpec {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("RunSpec: epochs " + epochs + " and batchSize " + batchSize
                    + " must be at least 1");
        }
        if (!(learningRate > 0) || !(finalLearningRate >= 0) || finalLearningRate > learningRate) {
            throw new IllegalArgumentException("RunSpec: need 0 <= finalLearningRate (" + finalLearningRate
                    + ") <= learningRate (" + learningRate + "), learningRate > 0");
        }
        if (!(momentum >= 0 && momentum < 1) || !(polyPower > 0)) {
            throw new IllegalArgumentException("RunSpec: momentum " + momentum + " must lie in [0, 1) and polyPower "
                    + polyPower + " must be > 0");
        }
    }

    /** The released code's settings (batch 64) with {@code epochs} epochs and seed {@code seed}. */
    public static RunSpec paper(int epochs, long seed) {
        return paper(epochs, 64, seed);
    }

    /** The released code's optimisation settings at another batch size. */
    public static RunSpec paper(int epochs, int batchSize, long seed) {
        return new RunSpec(epochs, batchSize, 0.01, 1e-4, 0.9, 0.9, seed);
    }

    /**
     * The learning rate of epoch {@code epoch} (0-based): {@code lr_e = lr_min + (lr_0 - lr_min)(1 -
     * e / E)^p}, the released code's poly schedule (shared with C2KD's code).
     */
    public double learningRateAt(int epoch) {
        return finalLearningRate + (learningRate - finalLearningRate) * Math.pow(1 - (double) epoch / epochs, polyPower);
    }
}
