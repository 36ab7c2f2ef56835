package dev.cmkd.method;

import java.util.regex.Pattern;

/**
 * A named recipe for a distillation method: a registered method ({@link MethodRegistry#spec}) or a variant of
 * one, such as a row of the component ablation or a point of a sensitivity sweep. The name identifies the
 * method's runs on disk, so two specs with the same name must build the same method.
 *
 * @param name lower-case letters, digits, '.', '+' and '-' (it becomes part of a directory name)
 * @param factory builds the method for a feature dimension and a number of classes
 */
public record MethodSpec(String name, Factory factory) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");

    /** Builds a method for {@code featureDim}-d features and {@code numClasses} classes. */
    @FunctionalInterface
    public interface Factory {
        /** Returns a new method. */
        DistillationMethod create(int featureDim, int numClasses);
    }

    /** Validates the name. */
    public MethodSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("method name '" + name + "' must match " + NAME.pattern()
                    + " (it names run directories)");
        }
        if (factory == null) {
            throw new IllegalArgumentException("method '" + name + "' has no factory");
        }
    }

    /** Returns a new method for {@code featureDim}-d features and {@code numClasses} classes. */
    public DistillationMethod create(int featureDim, int numClasses) {
        return factory.create(featureDim, numClasses);
    }
}
