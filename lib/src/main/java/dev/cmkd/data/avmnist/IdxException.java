package dev.cmkd.data.avmnist;

import java.nio.file.Path;

/**
 * An IDX file that is missing, truncated or malformed; the message names the file, the field and the fix.
 * An {@link IllegalArgumentException}, so callers that treat a bad input file as a bad argument keep
 * doing so; a dataset loader can rethrow it as its own exception (the message is complete).
 */
public final class IdxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** Creates the exception for {@code file}. */
    public IdxException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** Creates the exception for {@code file} with its cause. */
    public IdxException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** Returns the offending file. */
    public Path file() {
        return file;
    }
}
