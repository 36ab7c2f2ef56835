package dev.cmkd.data.avmnist;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The committed MNIST fixture ({@code lib/src/test/resources/avmnist}, see its README): the first 60
 * images and labels of MNIST's training file and the first 40 of t10k, as IDX files.
 */
public final class MnistFixture {

    /** The fixture's training images (60). */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** The fixture's training labels (60). */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** The fixture's test images (40). */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** The fixture's test labels (40). */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private MnistFixture() {}

    /** Returns the fixture file {@code name}, e.g. {@link #TRAIN_IMAGES}. */
    public static Path file(String name) {
        try {
            return Path.of(MnistFixture.class.getResource("/avmnist/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
