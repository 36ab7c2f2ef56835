package dev.cmkd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory (Linux {@code VmHWM}), which counts the native memory of the
 * PyTorch engine as well as the Java heap. {@link #reset()} starts a new peak (writes {@code 5} to {@code
 * /proc/self/clear_refs}, Linux 4.0 and later), so the peak of one epoch can be measured. Elsewhere both
 * report that nothing is known.
 */
public final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {}

    /** Starts a new peak; returns false where the system does not allow it. */
    public static boolean reset() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Returns the peak resident memory since the start or the last {@link #reset()}, in bytes, or -1. */
    public static long peakBytes() {
        try {
            return Files.readAllLines(STATUS).stream().filter(line -> line.startsWith("VmHWM:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).orElse(-1L);
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
    }
}
