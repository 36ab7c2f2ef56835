package dev.cmkd.method;

/**
 * Checks of the methods' hyper-parameters and builder settings, shared by the methods' builders, with messages
 * that name the method, the parameter (or its setter) and its value.
 */
public final class Hyperparameters {

    private Hyperparameters() {}

    /** Returns {@code value} if it is finite and at least 0; {@code what} names it, e.g. {@code "Dkd: beta"}. */
    public static double requireNonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " " + value + " must be finite and >= 0");
        }
        return value;
    }

    /** Returns {@code value} if it is finite and above 0; {@code what} names it, e.g. {@code "Dkd: temperature"}. */
    public static double requirePositive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " " + value + " must be finite and > 0");
        }
        return value;
    }

    /** Returns {@code value} if it is at least {@code min}; the error names the method and its builder's setter. */
    public static int requireAtLeast(String method, String setter, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(method + ": " + setter + "(" + value + ") must be at least " + min);
        }
        return value;
    }

    /** Returns {@code layout} if it is not null; the error names {@code method}, e.g. {@code "FitNet"}. */
    public static FeatureLayout requireLayout(String method, FeatureLayout layout) {
        if (layout == null) {
            throw new IllegalArgumentException(method + ": the feature layout must be VECTOR or MAP, not null");
        }
        return layout;
    }
}
