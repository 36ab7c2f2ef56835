package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The DJL {@link Loss} of a {@link DistillationObjective}: its predictions already end in the weighted
 * total of the method's terms, which this loss returns as it is (the labels went in with the inputs).
 */
public final class ObjectiveTotal extends Loss {

    /** Creates the loss, named {@value LossTerms#TOTAL}. */
    public ObjectiveTotal() {
        super(LossTerms.TOTAL);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray total = predictions.get(predictions.size() - 1);
        if (!LossTerms.TOTAL.equals(total.getName())) {
            throw new IllegalArgumentException("ObjectiveTotal expects the output of a DistillationObjective,"
                    + " whose last array is named '" + LossTerms.TOTAL + "', got '" + total.getName() + "'");
        }
        return total;
    }
}
