package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.cmkd.loss.LossFunctions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The named, unweighted loss terms of one method on one batch, each a scalar, with the weight of each
 * term. {@link #total()} is {@code sum_k w_k L_k}, the loss the trainer differentiates.
 */
public final class LossTerms {

    /** The name under which {@link #toDoubles()} reports the weighted total. */
    public static final String TOTAL = "total";

    private final Map<String, NDArray> values = new LinkedHashMap<>();
    private final Map<String, Double> weights = new LinkedHashMap<>();
    private NDArray total;

    /** Adds a term; its name must be new and not {@value #TOTAL}. Returns this. */
    public LossTerms add(String name, double weight, NDArray value) {
        if (TOTAL.equals(name) || values.containsKey(name)) {
            throw new IllegalArgumentException("loss term name '" + name + "' is reserved or already used");
        }
        if (value.getShape().size() != 1) {
            throw new IllegalArgumentException("loss term '" + name + "' must be a scalar, got " + value.getShape());
        }
        values.put(name, value);
        weights.put(name, weight);
        total = null;
        return this;
    }

    /** Returns the term names in the order they were added. */
    public Set<String> names() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** Returns the unweighted term. */
    public NDArray get(String name) {
        NDArray value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no loss term '" + name + "'; terms: " + values.keySet());
        }
        return value;
    }

    /** Returns the weight of the term. */
    public double weight(String name) {
        get(name);
        return weights.get(name);
    }

    /** Returns {@code sum_k w_k L_k}. */
    public NDArray total() {
        if (total == null) {
            if (values.isEmpty()) {
                throw new IllegalStateException("no loss terms");
            }
            for (Map.Entry<String, NDArray> term : values.entrySet()) {
                NDArray value = term.getValue();
                // The weight in the term's type (a double scalar would promote the product to float64, and
                // DJL's toType on the product would cut it from the autograd graph), in memory that
                // outlives this call (LossFunctions.constant).
                NDArray weighted = LossFunctions.times(value, weights.get(term.getKey()));
                total = total == null ? weighted : total.add(weighted);
            }
        }
        return total;
    }

    /** Returns every unweighted term and the weighted {@value #TOTAL}, as numbers (for logging). */
    public Map<String, Double> toDoubles() {
        Map<String, Double> numbers = new LinkedHashMap<>();
        values.forEach((name, value) -> numbers.put(name, value.toType(DataType.FLOAT64, false).getDouble()));
        numbers.put(TOTAL, total().toType(DataType.FLOAT64, false).getDouble());
        return numbers;
    }
}
