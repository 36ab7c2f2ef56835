package dev.cmkd.train;

/**
 * A run directory that another process is writing (its lock is held): the run is not refused, only taken. A worker
 * of a protocol run by several processes skips such a run and comes back to it ({@code Protocol#work}); anywhere
 * else it is an expected error, reported in one line with the holder's pid.
 */
public final class RunBusyException extends RunDirectoryException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public RunBusyException(String message) {
        super(message);
    }
}
