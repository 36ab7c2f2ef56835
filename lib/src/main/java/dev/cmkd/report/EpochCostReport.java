package dev.cmkd.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one epoch costs at fixture scale, and its extrapolation to the full training split at the same rate per
 * sample (linear; the rate of a few samples on a fresh process is only a rough guide).
 *
 * @param benchmark the benchmark's name
 * @param setup the network, input sizes and batch, in words
 * @param trainedSamples training samples per epoch (whole batches)
 * @param fullTrainSamples the full training split's approximate size (0: unknown)
 * @param secondsPerRun the wall time of one epoch, with its evaluation, per run
 * @param peakResidentBytes the process's peak resident memory (Java heap and native engine memory), or -1
 */
public record EpochCostReport(String benchmark, String setup, int trainedSamples, int fullTrainSamples,
        Map<String, Double> secondsPerRun, long peakResidentBytes) {

    /** Copies the map, keeping its order. */
    public EpochCostReport {
        secondsPerRun = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secondsPerRun));
    }

    /** Runs {@code work} and returns its wall time in seconds. */
    public static double wallSeconds(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** Returns the wall time of one epoch of {@code run} per training sample. */
    public double secondsPerSample(String run) {
        return secondsPerRun.get(run) / trainedSamples;
    }

    @Override
    public String toString() {
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "%s, one epoch on CPU at fixture scale (%d training samples): %s%n", benchmark, trainedSamples, setup));
        for (String run : secondsPerRun.keySet()) {
            double perSample = secondsPerSample(run);
            report.append(String.format(Locale.ROOT, "  %-28s %.1f s per epoch (with evaluation), %.3f s per training"
                    + " sample%s%n", run, secondsPerRun.get(run), perSample, fullTrainSamples == 0 ? ""
                            : String.format(Locale.ROOT, "; about %s per full epoch of %,d samples at this rate",
                                    duration(perSample * fullTrainSamples), fullTrainSamples)));
        }
        report.append(peakResidentBytes < 0 ? "  peak resident memory: unknown (no /proc/self/status)%n".formatted()
                : String.format(Locale.ROOT, "  peak resident memory: %.0f MB%n", peakResidentBytes / 1e6));
        return report.toString();
    }

    private static String duration(double seconds) {
        return seconds < 3600 ? String.format(Locale.ROOT, "%.0f min", seconds / 60)
                : String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
