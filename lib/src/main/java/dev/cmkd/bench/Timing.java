package dev.cmkd.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Repeated wall-clock timing with warm-up. */
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

    /** The CPU time of this process so far, in nanoseconds (all threads; -1 if the JVM cannot tell). */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** The {@code q}-quantile (0..1) of {@code values}, by the nearest-rank rule. */
    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
