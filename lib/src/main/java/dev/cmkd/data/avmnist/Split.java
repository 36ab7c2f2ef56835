package dev.cmkd.data.avmnist;

import static dev.cmkd.data.Checks.checkArgument;

import java.util.Arrays;

/**
 * The three speaker-disjoint splits of AV-MNIST-TTS. Speaker {@code i} belongs to
 *
 * <pre>
 *   TEST        iff i mod 5 == 2   (29 of the 143 speakers)
 *   VALIDATION  iff i mod 5 == 4   (28)
 *   TRAIN       otherwise          (86)
 * </pre>
 *
 * This is the kit's contract (the test rule is data.md's; the validation rule is the kit's choice, so
 * that model selection never sees a test speaker). Every clip, and so every pair, belongs to the split
 * of its speaker.
 */
public enum Split {
    /** Training speakers; paired with the first {@code nTrain} images of MNIST's training file. */
    TRAIN("train"),
    /** Validation speakers; paired with the next {@code nVal} images of MNIST's training file. */
    VALIDATION("val"),
    /** Test speakers; paired with the first {@code nTest} images of MNIST's t10k file. */
    TEST("test");

    private final String csvName;

    Split(String csvName) {
        this.csvName = csvName;
    }

    /** Returns the name used in {@code clips.csv} and {@code pairs.csv}: {@code train}, {@code val} or {@code test}. */
    public String csvName() {
        return csvName;
    }

    /** Returns the split of speaker {@code index}. */
    public static Split ofSpeaker(int index) {
        checkArgument(index >= 0, "speaker index %d must not be negative", index);
        return switch (index % 5) {
            case 2 -> TEST;
            case 4 -> VALIDATION;
            default -> TRAIN;
        };
    }

    /** Parses a CSV name ({@code train}, {@code val}, {@code test}); throws listing the known names otherwise. */
    public static Split fromCsv(String name) {
        return Arrays.stream(values()).filter(split -> split.csvName.equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown split '" + name + "'; known: train, val, test"));
    }
}
