package dev.cmkd.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One-line checks: each throws unless {@code ok}, with {@code message}, or with {@code String.format(Locale.ROOT,
 * format, args)} (formatted only when it throws). {@link #checkArgument} is for arguments and settings, {@link
 * #checkData} for a dataset on disk that breaks its contract, {@link #checkFile} for a file not in its format.
 */
public final class Checks {

    private Checks() {}

    /** Throws an {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
    public static void checkArgument(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Throws an {@link IllegalArgumentException} with the formatted message unless {@code ok}. */
    public static void checkArgument(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
        }
    }

    /** Throws a {@link DatasetException} with {@code message} unless {@code ok}. */
    public static void checkData(boolean ok, String message) {
        if (!ok) {
            throw new DatasetException(message);
        }
    }

    /** Throws a {@link DatasetException} with the formatted message unless {@code ok}. */
    public static void checkData(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new DatasetException(String.format(Locale.ROOT, format, args));
        }
    }

    /** Throws a {@link FileFormatException} for {@code file} with the formatted message unless {@code ok}. */
    public static void checkFile(boolean ok, Path file, String format, Object... args) {
        if (!ok) {
            throw new FileFormatException(file, String.format(Locale.ROOT, format, args));
        }
    }
}
