package dev.cmkd.train;

/**
 * A run directory that cannot be used as it is: it holds another configuration, another process writes it, or one
 * of its files does not match its manifest. The message names the run, the file or field, and the fix; like a bad
 * setting it is an expected error, reported in one line.
 */
public class RunDirectoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public RunDirectoryException(String message) {
        super(message);
    }

    /** Creates the exception with its cause. */
    public RunDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
