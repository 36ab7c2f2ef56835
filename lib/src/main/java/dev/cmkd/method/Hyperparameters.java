package dev.cmkd.method;

/**
 * Checks of the methods' hyper-parameters and builder settings, shared by the methods' builders, with messages
 * that name the method, the parameter (or its setter) and its value.
 */
public final class Hyperparameters {

    private Hyperparameters() {}

    /**
     * Returns {@code value} if it is finite and at least 0.
     *
     * @param what the method and the parameter, e.g. {@code "Dkd: beta"}
     * @throws IllegalArgumentException "{@code <what> <value> must be finite and >= 0}" otherwise
     */
    public static double requireNonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " " + value + " must be finite and >= 0");
        }
        return value;
    }

    /**
     * Returns {@code value} if it is finite and above 0.
     *
     * @param what the method and the parameter, e.g. {@code "Dkd: temperature"}
     * @throws IllegalArgumentException "{@code <what> <value> must be finite and > 0}" otherwise
     */
    public static double requirePositive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " " + value + " must be finite and > 0");
        }
        return value;
    }

    /**
     * Returns {@code value} if it is at least {@code min}.
     *
     * @param method the method, e.g. {@code "C2kd"}
     * @param setter the builder's setter, e.g. {@code "setNumClasses"}
     * @throws IllegalArgumentException "{@code <method>: <setter>(<value>) must be at least <min>}" otherwise
     */
    public static int requireAtLeast(String method, String setter, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(method + ": " + setter + "(" + value + ") must be at least " + min);
        }
        return value;
    }

    /**
     * Returns {@code layout} if it is not null.
     *
     * @param method the method, e.g. {@code "FitNet"}
     * @throws IllegalArgumentException "{@code <method>: the feature layout must be VECTOR or MAP, not null}"
     */
    public static FeatureLayout requireLayout(String method, FeatureLayout layout) {
        if (layout == null) {
            throw new IllegalArgumentException(method + ": the feature layout must be VECTOR or MAP, not null");
        }
        return layout;
    }
}
