package dev.cmkd.data.nyu;

import java.util.Arrays;
import java.util.Locale;

/** The two modalities of an RGB-D pair, with their input channels. */
public enum RgbdModality {
    /** The colour image, 3 channels in [0, 1]. */
    RGB(3),
    /** The depth map, 1 channel, min-max normalised ({@link DepthNormalization}). */
    DEPTH(1);

    private final int channels;

    RgbdModality(int channels) {
        this.channels = channels;
    }

    public int channels() {
        return channels;
    }

    /** Returns the lower-case name used in run names and tables: {@code rgb} or {@code depth}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code rgb} or {@code depth} (any case). */
    public static RgbdModality parse(String name) {
        return Arrays.stream(values()).filter(modality -> modality.label().equalsIgnoreCase(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown RGB-D modality '" + name + "'; known: "
                        + Arrays.stream(values()).map(RgbdModality::label).toList()));
    }
}
