package dev.cmkd.experiment;

import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.loading.DatasetException;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.RunSpec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One command per (benchmark, method, direction, seed) of a registered real benchmark ({@link RealBenchmarks}):
 * trains (or resumes, or reads back) the frozen teacher of the other modality, then the student, with {@link
 * PairedExperiment}, and writes the two runs under every selection protocol to {@code
 * <output>/results/<method>-<student>-seed<seed>.csv} (atomically). Settings are system properties:
 *
 * <pre>
 *   -Dfdcmkd.dataset=crema-d|ave|vggsound-50|...   required (lib/bin/kit real &lt;dataset&gt; sets it)
 *   -Dfdcmkd.method=fd-cmkd    a registered method (MethodRegistry)      -Dfdcmkd.student=audio|visual|...
 *   -Dfdcmkd.seed=0            -Dfdcmkd.profile=full|ci  (ci: 1 epoch, batch 4, 8 clips per split, a tiny ResNet)
 *   -Dfdcmkd.data=data/&lt;dataset&gt;/prepared    -Dfdcmkd.output=results/real/&lt;dataset&gt;
 *   -Dfdcmkd.epochs=N  -Dfdcmkd.batchSize=B  -Dfdcmkd.width=W  -Dfdcmkd.maxClips=N   override the profile
 *   -Dfdcmkd.fixture=true      run on a synthetic stand-in written under the output directory (no data needed)
 *   -Dfdcmkd.mode=train|epoch-cost|list
 * </pre>
 *
 * {@code epoch-cost} trains one teacher epoch and one FD-CMKD student epoch on a synthetic stand-in of {@code
 * fdcmkd.maxClips} clips (default 16) at the paper's input sizes and backbone (unless overridden), and prints the
 * time per epoch and per sample, an extrapolation to the full training split, and the peak memory. Teachers are
 * shared by every method and seed-matched student of the same output directory: run one command per teacher at a
 * time.
 */
public final class RealBenchmark {

    /**
     * What one command runs.
     *
     * @param config the benchmark
     * @param method the student's distillation method
     * @param student the student's modality (the teacher has the other one)
     * @param seed the seed of initialisation, data order and training views
     * @param dataRoot the prepared dataset
     * @param outputDir runs and results go here
     * @param epochs epochs of the teacher and of the student
     * @param batchSize the batch size
     * @param network the backbone
     * @param maxClips samples kept per split ({@code Integer.MAX_VALUE}: all)
     */
    public record Settings(BenchmarkConfig config, String method, String student, long seed, Path dataRoot,
            Path outputDir, int epochs, int batchSize, NetworkConfig network, int maxClips) {

        /** Validates the names. */
        public Settings {
            if (!config.modalities().contains(student)) {
                throw new IllegalArgumentException("student modality '" + student + "' is not one of "
                        + config.name() + "'s " + config.modalities());
            }
            if (!MethodRegistry.names().contains(method)) {
                throw new IllegalArgumentException("unknown method '" + method + "'; known: " + MethodRegistry.names());
            }
        }

        /**
         * The paper's settings ({@code ci = false}): the benchmark's epochs, batch and backbone, every clip. With
         * {@code ci = true}: 1 epoch, batch 4, 8 clips per split, ResNet of width 8 with two stages of one block.
         */
        public static Settings defaults(BenchmarkConfig config, boolean ci, String method, String student, long seed,
                Path dataRoot, Path outputDir) {
            return new Settings(config, method, student, seed, dataRoot, outputDir, ci ? 1 : config.epochs(),
                    ci ? 4 : config.batchSize(), ci ? new NetworkConfig(8, new int[] {1, 1}, false) : config.network(),
                    ci ? 8 : Integer.MAX_VALUE);
        }

        /** Reads the settings from system properties (see the class comment). */
        public static Settings fromSystemProperties() {
            String dataset = System.getProperty("fdcmkd.dataset");
            if (dataset == null) {
                throw new IllegalArgumentException("set -Dfdcmkd.dataset to one of " + RealBenchmarks.names()
                        + " (lib/bin/kit real <dataset>)");
            }
            BenchmarkConfig config = RealBenchmarks.get(dataset);
            boolean ci = "ci".equals(System.getProperty("fdcmkd.profile", "full"));
            Path output = Path.of(System.getProperty("fdcmkd.output", "results/real/" + dataset));
            Path data = Boolean.getBoolean("fdcmkd.fixture") ? output.resolve("fixture")
                    : Path.of(System.getProperty("fdcmkd.data", config.defaultData().toString()));
            Settings d = defaults(config, ci, System.getProperty("fdcmkd.method", "fd-cmkd"),
                    System.getProperty("fdcmkd.student", config.modalities().get(0)),
                    Long.getLong("fdcmkd.seed", 0L), data, output);
            return new Settings(config, d.method(), d.student(), d.seed(), d.dataRoot(), d.outputDir(),
                    Integer.getInteger("fdcmkd.epochs", d.epochs()), Integer.getInteger("fdcmkd.batchSize",
                    d.batchSize()), new NetworkConfig(Integer.getInteger("fdcmkd.width", d.network().width()),
                    d.network().blocksPerStage(), d.network().smallInput()),
                    Integer.getInteger("fdcmkd.maxClips", d.maxClips()));
        }

        /** Returns the teacher's modality. */
        public String teacher() {
            return config.modalities().get(1 - config.modalities().indexOf(student));
        }

        /** Returns the run specification of the teacher and of the student. */
        public RunSpec spec() {
            return config.runSpec(epochs, batchSize, seed);
        }

        /** Returns where this command's result rows go. */
        public Path resultFile() {
            return outputDir.resolve("results").resolve(method + "-" + student + "-seed" + seed + ".csv");
        }
    }

    private RealBenchmark() {}

    /** Runs the mode of {@code -Dfdcmkd.mode} (see the class comment). */
    public static void main(String[] args) {
        String mode = System.getProperty("fdcmkd.mode", "train");
        switch (mode) {
            case "list" -> RealBenchmarks.names().forEach(name -> System.out.printf("%-14s %s%n", name,
                    RealBenchmarks.get(name).description()));
            case "epoch-cost" -> {
                Settings settings = Settings.fromSystemProperties();
                System.out.print(epochCost(settings.config(), settings.network(), Integer.getInteger("fdcmkd.maxClips",
                        16), Integer.getInteger("fdcmkd.batchSize", 8), settings.outputDir().resolve("epoch-cost")));
            }
            case "train" -> {
                Settings settings = Settings.fromSystemProperties();
                if (Boolean.getBoolean("fdcmkd.fixture") && !Files.exists(settings.dataRoot())) {
                    settings.config().fixture().write(settings.dataRoot(), Math.max(settings.batchSize(), 8),
                            settings.seed());
                }
                BenchmarkReport report = run(settings);
                System.out.println(BenchmarkReport.formatted(report.summary()).printAll());
                System.out.println("wrote " + settings.resultFile());
            }
            default -> throw new IllegalArgumentException("unknown -Dfdcmkd.mode '" + mode
                    + "'; known: train, epoch-cost, list");
        }
    }

    /** Trains (or resumes, or reads back) the teacher, then the student, and writes their result rows. */
    public static BenchmarkReport run(Settings settings) {
        PairedExperiment experiment = experiment(settings);
        RunSpec spec = settings.spec();
        RunOutcome teacher = experiment.teacher(settings.teacher(), spec);
        RunOutcome student = experiment.student(settings.student(), settings.method(), spec, spec);
        BenchmarkReport report = new BenchmarkReport();
        report.add(new BenchmarkReport.Entry("teacher", settings.teacher(), "", "", settings.seed(), teacher));
        report.add(new BenchmarkReport.Entry("student", settings.student(), settings.teacher(), settings.method(),
                settings.seed(), student));
        ResultFiles.writeCsv(report.results(), settings.resultFile());
        return report;
    }

    /**
     * The whole protocol of a benchmark, as the notebooks run it: for each seed, the teachers of both modalities,
     * then a student of each modality with each method (each run resumed or read back when done, each command's
     * rows written as by {@link #run}); returns every run in one report.
     *
     * @param ci the smoke profile of {@link Settings#defaults}
     */
    public static BenchmarkReport protocol(BenchmarkConfig config, boolean ci, Path dataRoot, Path outputDir,
            List<String> methods, List<Long> seeds) {
        BenchmarkReport report = new BenchmarkReport();
        for (long seed : seeds) {
            Settings first = Settings.defaults(config, ci, methods.get(0), config.modalities().get(0), seed, dataRoot,
                    outputDir);
            PairedExperiment experiment = experiment(first);
            RunSpec spec = first.spec();
            java.util.Map<String, RunOutcome> teachers = new java.util.LinkedHashMap<>();
            for (String modality : config.modalities()) {
                teachers.put(modality, experiment.teacher(modality, spec));
                report.add(new BenchmarkReport.Entry("teacher", modality, "", "", seed, teachers.get(modality)));
            }
            for (String student : config.modalities()) {
                for (String method : methods) {
                    Settings settings = Settings.defaults(config, ci, method, student, seed, dataRoot, outputDir);
                    BenchmarkReport one = new BenchmarkReport();
                    BenchmarkReport.Entry teacher = new BenchmarkReport.Entry("teacher", settings.teacher(), "", "",
                            seed, teachers.get(settings.teacher()));
                    BenchmarkReport.Entry entry = new BenchmarkReport.Entry("student", student, settings.teacher(),
                            method, seed, experiment.student(student, method, spec, spec));
                    one.add(teacher);
                    one.add(entry);
                    ResultFiles.writeCsv(one.results(), settings.resultFile());
                    report.add(entry);
                }
            }
        }
        return report;
    }

    /** Loads the three splits (the training views seeded by the run's seed) and returns the experiment. */
    public static PairedExperiment experiment(Settings settings) {
        BenchmarkConfig config = settings.config();
        if (!Files.isDirectory(settings.dataRoot())) {
            throw new DatasetException("no prepared " + config.name() + " data at " + settings.dataRoot()
                    + "; fix: " + config.howToGet() + ", or set -Dfdcmkd.data, or run on a synthetic stand-in with"
                    + " -Dfdcmkd.fixture=true");
        }
        PairedSplit train = config.loader().load(settings.dataRoot(), "train", settings.seed(), settings.maxClips());
        PairedSplit validation = config.loader().load(settings.dataRoot(), "val", settings.seed(), settings.maxClips());
        PairedSplit test = config.loader().load(settings.dataRoot(), "test", settings.seed(), settings.maxClips());
        System.out.printf(Locale.ROOT, "%s: %d train, %d validation, %d test samples from %s%n", config.name(),
                train.size(), validation.size(), test.size(), settings.dataRoot());
        return new PairedExperiment(train, validation, test, settings.network(), settings.outputDir().resolve("runs"));
    }

    /**
     * Trains one teacher epoch (second modality) and one FD-CMKD student epoch (first modality) on a synthetic
     * stand-in of {@code clips} samples per split in {@code workDir} (deleted first), and returns a report of the
     * time per epoch and per training sample, the extrapolation to the full training split, and the peak memory
     * (resident set from {@code /proc/self/status}, Java heap from the memory pools).
     */
    public static String epochCost(BenchmarkConfig config, NetworkConfig network, int clips, int batchSize,
            Path workDir) {
        deleteRecursively(workDir);
        Path data = config.fixture().write(workDir.resolve("data"), clips, 0);
        String student = config.modalities().get(0);
        Settings settings = new Settings(config, "fd-cmkd", student, 0, data, workDir, 1, batchSize, network, clips);
        PairedExperiment experiment = experiment(settings);
        int trained = experiment.train().size() / batchSize * batchSize;
        long start = System.nanoTime();
        experiment.teacher(settings.teacher(), settings.spec());
        double teacherSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        experiment.student(student, "fd-cmkd", settings.spec(), settings.spec());
        double studentSeconds = (System.nanoTime() - start) / 1e9;
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%s, one epoch on CPU at fixture scale: %d training samples (%d"
                + " trained, batch %d), %d validation, %d test; ResNet width %d, blocks %s; inputs %s%n", config.name(),
                clips, trained, batchSize, clips, clips, network.width(), java.util.Arrays.toString(
                        network.blocksPerStage()), List.of(experiment.train().sampleShape(0),
                        experiment.train().sampleShape(1))));
        report.append(line(settings.teacher() + " teacher", teacherSeconds, trained, config.trainClips()));
        report.append(line(student + " student (fd-cmkd)", studentSeconds, trained, config.trainClips()));
        report.append(String.format(Locale.ROOT, "peak memory: resident set %s, Java heap %.0f MB%n", peakResident(),
                peakHeap() / 1e6));
        return report.toString();
    }

    private static String line(String run, double seconds, int trained, int trainClips) {
        double perSample = seconds / trained;
        return String.format(Locale.ROOT, "%-26s %.1f s per epoch (with evaluation), %.3f s per training sample%s%n",
                run, seconds, perSample, trainClips == 0 ? "" : String.format(Locale.ROOT,
                        "; about %.1f h per full epoch of %,d samples at this rate", perSample * trainClips / 3600,
                        trainClips));
    }

    private static String peakResident() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kilobytes = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.0f MB", kilobytes / 1e3);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown (no VmHWM in /proc/self/status)";
    }

    private static double peakHeap() {
        double sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
