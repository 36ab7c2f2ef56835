package dev.cmkd.data;

import java.nio.file.Path;

/**
 * A file that is missing, truncated or not in the format its reader expects: a WAV file that is not 16-bit
 * PCM ({@link dev.cmkd.data.audio.Wav}), an IDX file with a bad header ({@link dev.cmkd.data.avmnist.Idx}).
 * The message names the file, the field that is wrong and the fix; {@link #file()} is the file.
 *
 * <p>An {@link IllegalArgumentException}, so that callers that treat a bad input file as a bad argument
 * (the AV-MNIST-TTS builder, the command line) keep doing so; a dataset loader rethrows it as a {@link
 * DatasetException} that adds the row that referenced the file.
 */
public final class FileFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** Creates the exception for {@code file}; {@code message} names the file, the field and the fix. */
    public FileFormatException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** Creates the exception for {@code file} with its cause. */
    public FileFormatException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
