package dev.cmkd.data;

/**
 * A dataset on disk that does not follow its contract: a missing file or a bad field. The message names
 * the file, the line and the field where it applies, and the fix.
 */
public final class DatasetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
