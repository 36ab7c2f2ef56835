package dev.cmkd.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.NetworkOutput;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Single optimisation steps on a DJL {@link Trainer}. Callers create each step's inputs in a
 * sub-manager of their own and close it after the step, so that intermediates do not pile up.
 */
public final class TrainingSteps {

    private TrainingSteps() {}

    /** SGD with momentum 0.9 at a fixed learning rate; the released code's optimizer is SGD, momentum 0.9. */
    public static Optimizer sgd(float learningRate) {
        return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate)).optMomentum(0.9f).build();
    }

    /**
     * One cross-entropy step of a backbone (output {@code NDList(logits, feature)}); returns the loss.
     */
    public static double crossEntropyStep(Trainer trainer, NDArray input, NDArray labels) {
        double loss;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(new NDList(input)).get(0);
            NDArray crossEntropy = LossFunctions.crossEntropy(logits, labels);
            collector.backward(crossEntropy);
            loss = crossEntropy.getFloat();
        }
        trainer.step();
        return loss;
    }

    /**
     * One step of a trainer whose model is a {@link dev.cmkd.method.DistillationObjective}; returns every
     * loss term and the total, by name.
     */
    public static Map<String, Double> distillationStep(Trainer trainer, NDArray input, NetworkOutput teacher,
            NDArray labels) {
        Map<String, Double> values = new LinkedHashMap<>();
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList terms = trainer.forward(new NDList(input, teacher.logits(), teacher.feature(), labels));
            collector.backward(terms.get(terms.size() - 1));
            for (NDArray term : terms) {
                values.put(term.getName(), (double) term.getFloat());
            }
        }
        trainer.step();
        return values;
    }
}
