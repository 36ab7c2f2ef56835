package dev.cmkd.bench;

import dev.cmkd.results.ResultFiles;

import java.nio.file.Path;
import java.util.Locale;

import tech.tablesaw.api.Table;

/**
 * The kit's speed benchmarks, printed as tables and saved as CSV under {@code results/benchmarks/}.
 *
 * <pre>
 *   lib/bin/kit benchmark            # both
 *   lib/bin/kit benchmark features   # FD-CMKD terms alone, FFT vs projection, three sizes
 *   lib/bin/kit benchmark step       # the terms' share of a ResNet-18 training step
 * </pre>
 */
public final class Benchmarks {

    private Benchmarks() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "all";
        if (!which.matches("all|features|step")) {
            System.err.println("usage: Benchmarks [all|features|step]");
            System.exit(2);
        }
        Path out = Path.of("results", "benchmarks");
        System.out.printf(Locale.ROOT, "engine: %s %s, %d cores, MALLOC_MMAP_THRESHOLD_=%s%n",
                ai.djl.engine.Engine.getInstance().getEngineName(), ai.djl.engine.Engine.getInstance().getVersion(),
                Runtime.getRuntime().availableProcessors(), System.getenv("MALLOC_MMAP_THRESHOLD_"));
        if (!"step".equals(which)) {
            report(FeatureTermsBenchmark.run(5, 30), out.resolve("feature-terms.csv"));
        }
        if (!"features".equals(which)) {
            report(StepShareBenchmark.run(1, 5), out.resolve("step-share.csv"));
        }
        System.out.printf(Locale.ROOT, "peak resident memory: %.0f MiB%n", Timing.peakRssMiB());
    }

    private static void report(Table table, Path csv) {
        System.out.println(table.printAll());
        System.out.println("wrote " + ResultFiles.writeCsv(table, csv));
    }
}
