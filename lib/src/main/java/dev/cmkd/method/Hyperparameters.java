package dev.cmkd.method;

/** Checks of the methods' hyper-parameters, with messages that name the method, the parameter and its value. */
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
}
