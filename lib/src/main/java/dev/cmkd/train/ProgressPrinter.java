package dev.cmkd.train;

import dev.cmkd.bench.PeakMemory;

import java.io.PrintStream;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints a run's progress: a line every ten seconds within an epoch and one per epoch, with its wall time, an ETA
 * and the process's peak resident memory so far (Linux; PyTorch's native memory included), so that the cost of a
 * full run can be extrapolated from a short one.
 */
public final class ProgressPrinter implements TrainingLoop.Listener {

    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final String run;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastLine = System.nanoTime();
    private int firstEpoch = -1;

    /** Prints for the run named {@code run} to {@code out}. */
    public ProgressPrinter(String run, PrintStream out) {
        this.run = run;
        this.out = out;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches) {
        if (firstEpoch < 0) {
            firstEpoch = epoch;
        }
        long now = System.nanoTime();
        if (now - lastLine > INTERVAL_NANOS) {
            lastLine = now;
            out.printf(Locale.ROOT, "  %s  epoch %d  batch %d/%d%n", run, epoch + 1, batch + 1, batches);
        }
    }

    @Override
    public void onEpoch(EpochRecord record, int epochs) {
        int done = record.epoch() + 1;
        // Only epochs run by this process count towards the rate: a resumed run starts its clock late.
        double perEpoch = (System.nanoTime() - start) / 1e9 / (done - firstEpoch);
        // Short enough that a worker's line, prefixed "worker 2/2 | ", stays within a notebook's 160 characters.
        String accuracy = record.validation().isEmpty() ? "" : "  val " + record.validation().entrySet().stream()
                .map(entry -> String.format(Locale.ROOT, "%s %.3f", entry.getKey(), entry.getValue()))
                .collect(Collectors.joining(" "));
        long peak = PeakMemory.peakBytes();
        out.printf(Locale.ROOT, "  %s  epoch %d/%d  loss %.3f%s  %.1fs  ETA %.0fs  peak %s%n", run, done,
                epochs, record.trainTerms().getOrDefault("total", Double.NaN), accuracy, record.seconds(),
                perEpoch * (epochs - done), peak < 0 ? "unknown" : (peak >> 20) + "MB");
        lastLine = System.nanoTime();
    }
}
