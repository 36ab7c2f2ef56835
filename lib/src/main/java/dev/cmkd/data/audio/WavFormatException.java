package dev.cmkd.data.audio;

import java.nio.file.Path;

/**
 * A WAV file that is not 16-bit PCM (mono, where mono is required) or not a WAV file at all; the message
 * names the file, the field and the fix.
 */
public final class WavFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** Creates the exception for {@code file}. */
    public WavFormatException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** Returns the offending file. */
    public Path file() {
        return file;
    }
}
