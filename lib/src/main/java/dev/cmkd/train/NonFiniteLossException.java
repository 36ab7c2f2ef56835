package dev.cmkd.train;

import java.util.List;
import java.util.Locale;

/**
 * A loss term that became NaN or infinite: the run stops before committing the epoch, so its last commit stays,
 * and the job goes on with its next run (the failure is reported in the results).
 */
public final class NonFiniteLossException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<EpochRecord> records;

    /** Creates the exception for the term {@code term} of run {@code run} at a 0-based {@code epoch} and batch. */
    public NonFiniteLossException(String run, int epoch, int batch, String term, double value,
            List<EpochRecord> records) {
        super(String.format(Locale.ROOT, "run %s stopped: the loss term '%s' is %s at epoch %d, batch %d (that"
                + " epoch is not committed); fix: lower the learning rate or the term's weight, or check the inputs",
                run, term, value, epoch + 1, batch + 1));
        this.records = List.copyOf(records);
    }

    /** Returns the records of the epochs finished before the failure. */
    public List<EpochRecord> records() {
        return records;
    }
}
