package dev.cmkd.cli;

import java.util.Locale;

/** The size of a run: {@code full} (the paper's, or the main job's, sizes) or {@code ci} (a smoke run in minutes). */
public enum Profile {
    /** The full sizes. */
    FULL,
    /** Smoke sizes; output goes to a separate folder. */
    CI;

    /** Returns {@code full} or {@code ci}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
