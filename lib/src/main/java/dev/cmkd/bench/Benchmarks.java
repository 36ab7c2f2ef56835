package dev.cmkd.bench;

import dev.cmkd.cli.Cli;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Options;
import dev.cmkd.cli.Settings;
import dev.cmkd.report.PlainText;
import dev.cmkd.results.ResultFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import tech.tablesaw.api.Table;

/**
 * The kit's speed benchmarks, printed as tables and saved as CSV under {@code results/benchmarks/}
 * ({@code results/benchmarks-ci/}, with fewer timed runs, for {@code -Dfdcmkd.profile=ci}).
 *
 * <pre>
 *   lib/bin/kit benchmark            # features and step
 *   lib/bin/kit benchmark features   # FD-CMKD terms alone, FFT vs projection and AUTO's choice, four sizes
 *                                    # (--featureGrid=true: the crossover grid behind Implementation.AUTO)
 *   lib/bin/kit benchmark step       # the terms' share of a ResNet-18 training step
 *   lib/bin/kit benchmark loaders    # each real-dataset loader's samples/s on its fixture, serial and
 *                                    # prefetched, against the paper-scale step time
 *   lib/bin/kit benchmark peer       # the kit's step against the same step in PyTorch eager (PeerBenchmark)
 *   lib/bin/kit benchmark --help     # every setting
 * </pre>
 */
public final class Benchmarks {

    /** Which benchmarks run ({@code kit benchmark features} is {@code --which=features}). */
    static final Option<String> WHICH = Option.choice("which", List.of("all", "features", "step", "loaders", "peer"),
            "the benchmarks to run: features (FD-CMKD terms alone, FFT vs projection and AUTO's choice), step (their"
            + " share of a ResNet-18 step), loaders (samples per second of each real-dataset loader on its fixture,"
            + " serial and prefetched, against the paper-scale step), peer (the kit's step against PyTorch eager,"
            + " which needs python3-torch) or all (features and step); a positional features|step|loaders|peer|all"
            + " overrides it", "all", "all");
    static final Option<Path> OUTPUT = Option.path("output", "where the CSV tables go",
            Path.of("results", "benchmarks"), Path.of("results", "benchmarks-ci"));
    static final Option<Integer> FEATURE_RUNS = Option.integer("featureRuns", 1, "timed runs per shape and"
            + " implementation of the features benchmark (after 5 warm-up runs)", 30, 3);
    static final Option<Boolean> FEATURE_GRID = Option.flag("featureGrid", "features benchmark: also measure the"
            + " crossover grid (FFT vs projection at dims 64..4096 x batches 16, 64, 256; the measurement behind"
            + " Implementation.AUTO) into feature-grid.csv", false, false);
    static final Option<Integer> LOADER_BATCHES = Option.integer("loaderBatches", 1, "loaders benchmark: timed"
            + " batches of 64 per loader and reading mode (after 1 warm-up batch)", 8, 2);
    static final Option<Double> STEP_SECONDS = Option.number("stepSeconds", "loaders benchmark: seconds per FD-CMKD"
            + " step at the paper's scale to compare with; NaN (default): the fdcmkd_step_ms of the paper row of"
            + " <output>/step-share.csv if kit benchmark step wrote one, else one step measured now (about a minute)",
            Double.NaN, Double.NaN);
    static final Option<Integer> STEP_RUNS = Option.integer("stepRuns", 1, "timed steps per setting and kind of"
            + " the step benchmark (after 1 warm-up step)", 5, 1);

    static final Option<String> SCALE = Option.choice("scale", List.of("all", "paper", "embedded"), "peer: the"
            + " networks, paper (ResNet-18 pair, 3x224x224 <- 1x257x188), embedded (the main job's, 1x28x28 <-"
            + " 1x40x101) or all", "all", "embedded");
    static final Option<Integer> ROUNDS = Option.integer("rounds", 1, "peer: alternations of the two sides, each"
            + " side a fresh process per round", 2, 1);
    static final Option<Integer> PAPER_STEPS = Option.integer("paperSteps", 1, "peer: timed steps per process at the"
            + " paper scale (after 1 warm-up step)", 3, 1);
    static final Option<Integer> EMBEDDED_STEPS = Option.integer("embeddedSteps", 1, "peer: timed steps per process"
            + " at the embedded scale (after 1 warm-up step)", 40, 5);
    static final Option<Integer> THREADS = Option.integer("threads", 0, "peer: intra-op threads of both sides (and"
            + " their OMP_NUM_THREADS); 0: 2 at the paper scale (issue 17's measurement), 1 at the embedded scale"
            + " (a main-job worker's)", 0, 0);
    static final Option<Path> PYTHON = Option.path("python", "peer: the Python with PyTorch; python3 tries python3 on"
            + " the path, then /usr/bin/python3 (Debian's python3-torch)", Path.of("python3"), Path.of("python3"));

    private Benchmarks() {}

    /** Returns the options table of {@code kit benchmark}. */
    static Options options() {
        return new Options("kit benchmark", List.of(WHICH, OUTPUT, FEATURE_RUNS, FEATURE_GRID, STEP_RUNS,
                LOADER_BATCHES, STEP_SECONDS, SCALE, ROUNDS, PAPER_STEPS, EMBEDDED_STEPS, THREADS, PYTHON));
    }

    /** Entry point; see the class comment. {@code --help} lists the settings. */
    public static void main(String[] args) {
        Cli.main(args, positional -> options(), Benchmarks::benchmark);
    }

    /** Runs {@code kit benchmark} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, positional -> options(), Benchmarks::benchmark);
    }

    /** Returns the benchmarks to run: the positional argument if there is one, else {@code which}. */
    static String which(Settings settings, List<String> positional) {
        if (positional.size() > 1) {
            throw new Options.InvalidOption("kit benchmark: more than one argument: " + positional
                    + "; fix: lib/bin/kit benchmark [all|features|step|loaders|peer] (or --which=...)");
        }
        if (positional.isEmpty()) {
            return settings.get(WHICH);
        }
        try {
            return WHICH.parse().apply(positional.get(0));
        } catch (IllegalArgumentException e) {
            throw new Options.InvalidOption("kit benchmark: argument " + e.getMessage() + "; allowed: "
                    + WHICH.type() + "; fix: lib/bin/kit benchmark [all|features|step|loaders|peer]");
        }
    }

    private static void benchmark(Settings settings, List<String> positional) {
        String which = which(settings, positional);
        Path out = settings.get(OUTPUT);
        if ("peer".equals(which)) {
            peer(settings, out);
            return;
        }
        System.out.printf(Locale.ROOT, "engine: %s %s, %d cores, MALLOC_MMAP_THRESHOLD_=%s%n",
                ai.djl.engine.Engine.getInstance().getEngineName(), ai.djl.engine.Engine.getInstance().getVersion(),
                Runtime.getRuntime().availableProcessors(), System.getenv("MALLOC_MMAP_THRESHOLD_"));
        if ("loaders".equals(which)) {
            loaders(settings, out);
        }
        if (which.equals("all") || which.equals("features")) {
            report(FeatureTermsBenchmark.run(5, settings.get(FEATURE_RUNS)), out.resolve("feature-terms.csv"));
            if (settings.get(FEATURE_GRID)) {
                report(FeatureTermsBenchmark.grid(2, settings.get(FEATURE_RUNS)), out.resolve("feature-grid.csv"));
            }
        }
        if (which.equals("all") || which.equals("step")) {
            report(StepShareBenchmark.run(1, settings.get(STEP_RUNS)), out.resolve("step-share.csv"));
        }
        long peak = PeakMemory.peakBytes();
        System.out.printf(Locale.ROOT, "peak resident memory: %.0f MiB%n", peak < 0 ? Double.NaN : peak / 1048576.0);
    }

    /** The loaders benchmark, against the paper-scale step time of {@code stepSeconds}, step-share.csv or now. */
    private static void loaders(Settings settings, Path out) {
        double stepMs = settings.get(STEP_SECONDS) * 1000;
        String source = "given by stepSeconds";
        Path stepCsv = out.resolve("step-share.csv");
        if (Double.isNaN(stepMs) && Files.isRegularFile(stepCsv)) {
            Table steps = Table.read().csv(stepCsv.toFile());
            for (int row = 0; row < steps.rowCount(); row++) {
                if (steps.stringColumn("setting").get(row).startsWith("paper")) {
                    stepMs = ((Number) steps.column("fdcmkd_step_ms").get(row)).doubleValue();
                    source = "median of " + stepCsv;
                }
            }
        }
        if (Double.isNaN(stepMs)) {
            System.out.println("timing one FD-CMKD step at the paper's scale (1 warm-up, 1 timed) ...");
            stepMs = StepShareBenchmark.paperStepMillis(1, 1);
            source = "one step measured now";
        }
        report(LoaderThroughputBenchmark.run(settings.get(LOADER_BATCHES), stepMs, source),
                out.resolve("loader-throughput.csv"));
    }

    /** {@code kit benchmark peer}: both sides at the chosen scales, then the per-side and the ratio tables. */
    private static void peer(Settings settings, Path out) {
        String python = PeerBenchmark.findPython(settings.get(PYTHON).toString());
        String scale = settings.get(SCALE);
        System.out.printf(Locale.ROOT, "peer benchmark: %s, %d cores, MALLOC_MMAP_THRESHOLD_=%s"
                + " MALLOC_TRIM_THRESHOLD_=%s LD_PRELOAD=%s%n", python, Runtime.getRuntime().availableProcessors(),
                System.getenv("MALLOC_MMAP_THRESHOLD_"), System.getenv("MALLOC_TRIM_THRESHOLD_"),
                System.getenv("LD_PRELOAD"));
        List<PeerBenchmark.SideResult> results = new java.util.ArrayList<>();
        for (PeerBenchmark.Scale s : PeerBenchmark.SCALES) {
            if (!"all".equals(scale) && !scale.equals(s.name())) {
                continue;
            }
            int steps = "paper".equals(s.name()) ? settings.get(PAPER_STEPS) : settings.get(EMBEDDED_STEPS);
            int threads = settings.get(THREADS) > 0 ? settings.get(THREADS) : s.threads();
            results.addAll(PeerBenchmark.run(s, settings.get(ROUNDS), steps, threads, python,
                    line -> System.out.println("  " + line)));
        }
        report(PeerBenchmark.sidesTable(results), out.resolve("peer-steps.csv"));
        Table ratios = PeerBenchmark.ratioTable(results);
        report(ratios, out.resolve("peer-ratios.csv"));
        if (!ratios.booleanColumn("same_step").asList().stream().allMatch(Boolean.TRUE::equals)) {
            System.out.println("WARNING: the sides did not run the same step (parameter counts, feature dimension or"
                    + " loss terms differ): the ratios compare different work");
        }
    }

    private static void report(Table table, Path csv) {
        System.out.println(PlainText.table(table));
        System.out.println("wrote " + ResultFiles.writeCsv(table, csv));
    }
}
