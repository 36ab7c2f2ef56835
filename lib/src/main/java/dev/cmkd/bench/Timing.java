package dev.cmkd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Repeated wall-clock timing with warm-up, and the process's peak resident memory. */
final class Timing {

    private Timing() {}

    /** Milliseconds of each timed run of {@code body}, after {@code warmUp} untimed runs. */
    static double[] millis(int warmUp, int runs, Runnable body) {
        for (int i = 0; i < warmUp; i++) {
            body.run();
        }
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            body.run();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        return times;
    }

    /** The {@code q}-quantile (0..1) of {@code values}, by the nearest-rank rule. */
    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** Peak resident set size of this process in MiB (Linux), or NaN where unknown. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
