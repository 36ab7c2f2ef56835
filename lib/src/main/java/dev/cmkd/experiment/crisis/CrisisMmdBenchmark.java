package dev.cmkd.experiment.crisis;

import dev.cmkd.method.FeatureLayout;
import dev.cmkd.bench.PeakMemory;
import dev.cmkd.data.loading.CrisisMmdFixture;
import dev.cmkd.data.loading.CrisisMmdLoader;
import dev.cmkd.data.loading.DatasetException;
import dev.cmkd.experiment.Benchmark;
import dev.cmkd.experiment.BenchmarkReport;
import dev.cmkd.experiment.EpochCostReport;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.experiment.Protocol;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.RunSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tech.tablesaw.api.Table;

/**
 * The CrisisMMD benchmark from the command line: for each seed an image and a text teacher, then for each
 * direction and method a student, on the prepared dataset ({@code data-scripts/crisismmd/}). One command runs
 * one (method, direction, seed) or any set of them:
 *
 * <pre>
 *   lib/bin/kit crisismmd -Dfdcmkd.methods=fd-cmkd '-Dfdcmkd.directions=image&lt;-text' -Dfdcmkd.seeds=0
 *   lib/bin/kit real crisismmd -Dfdcmkd.method=fd-cmkd -Dfdcmkd.student=image -Dfdcmkd.seed=0   (the same run)
 * </pre>
 *
 * Settings ({@code -D}): {@code fdcmkd.profile} ({@code full} or {@code ci}), {@code fdcmkd.data} (default
 * {@code data/crisismmd/prepared}), {@code fdcmkd.output} (default {@code results/real/crisismmd}), {@code
 * fdcmkd.seeds}, {@code fdcmkd.methods} (registered names), {@code fdcmkd.directions} ({@code image<-text},
 * {@code text<-image}), {@code fdcmkd.teacherEpochs}, {@code fdcmkd.studentEpochs}, {@code fdcmkd.batchSize},
 * {@code fdcmkd.imageSize}, {@code fdcmkd.width}, {@code fdcmkd.maxRows}, {@code fdcmkd.textFeatures} (a folder
 * of {@code train/val/test.npy}).
 *
 * <p><b>Defaults</b> ({@code full}): the paper's optimisation (method.md section 2.9: SGD, momentum 0.9, lr
 * 0.01 with the poly decay, batch 64, 100 epochs for teachers and students), ResNet-18 on 224 px pictures,
 * Kim's TextCNN, seeds 0, 1, 2 (C2KD's three seeds), every registered method, both directions. FD-CMKD's
 * CrisisMMD settings are not public: these are the CREMA-D ones carried over (our choice). {@code ci}: 1 seed,
 * 1 epoch, 32 px pictures, a ResNet of width 8 with two stages, a small TextCNN, 48 rows per split, batch 16.
 */
public final class CrisisMmdBenchmark {

    /** The student-teacher directions: {@code student<-teacher}. */
    public static final List<String> DIRECTIONS = List.of("image<-text", "text<-image");

    /**
     * The benchmark's settings.
     *
     * @param dataRoot the prepared dataset
     * @param outputDir where runs, tables and figures go
     * @param seeds the seeds
     * @param teacherEpochs epochs of each teacher
     * @param studentEpochs epochs of each student
     * @param batchSize the batch size of every run
     * @param methods the registered methods to run
     * @param directions the directions, each {@code student<-teacher}
     * @param imageSize the picture side
     * @param networks the two networks
     * @param maxRows rows kept per split ({@code Integer.MAX_VALUE}: all)
     * @param textFeatures a folder of pretrained text features, or null for the TextCNN on tokens
     */
    public record Settings(Path dataRoot, Path outputDir, List<Long> seeds, int teacherEpochs, int studentEpochs,
            int batchSize, List<String> methods, List<String> directions, int imageSize, CrisisMmdNetworks networks,
            int maxRows, Path textFeatures) {

        /** Validates the directions. */
        public Settings {
            for (String direction : directions) {
                if (!DIRECTIONS.contains(direction)) {
                    throw new IllegalArgumentException("unknown direction '" + direction + "'; known: " + DIRECTIONS);
                }
            }
        }

        /** The defaults of the class comment; {@code ci} for the smoke sizes. */
        public static Settings defaults(boolean ci, Path dataRoot, Path outputDir) {
            CrisisMmdNetworks networks = ci
                    ? new CrisisMmdNetworks(new NetworkConfig(8, new int[] {1, 1}, false), 16, new int[] {2, 3}, 8,
                            0.5f, 16)
                    : CrisisMmdNetworks.paper();
            return new Settings(dataRoot, outputDir, ci ? List.of(0L) : List.of(0L, 1L, 2L), ci ? 1 : 100,
                    ci ? 1 : 100, ci ? 16 : 64, MethodRegistry.names(FeatureLayout.VECTOR), DIRECTIONS, ci ? 32 : 224, networks,
                    ci ? 48 : Integer.MAX_VALUE, null);
        }

        /** Reads the settings from system properties (see the class comment). */
        public static Settings fromSystemProperties() {
            boolean ci = "ci".equals(System.getProperty("fdcmkd.profile", "full"));
            Settings d = defaults(ci, Path.of(System.getProperty("fdcmkd.data", "data/crisismmd/prepared")),
                    Path.of(System.getProperty("fdcmkd.output", ci ? "results/real/crisismmd-ci" : "results/real/crisismmd")));
            String features = System.getProperty("fdcmkd.textFeatures");
            NetworkConfig image = d.networks().image();
            CrisisMmdNetworks networks = new CrisisMmdNetworks(new NetworkConfig(
                    Integer.getInteger("fdcmkd.width", image.width()), image.blocksPerStage(), image.smallInput()),
                    d.networks().embeddingDim(), d.networks().kernelSizes(), d.networks().filters(),
                    d.networks().dropout(), d.networks().hiddenDim());
            return new Settings(d.dataRoot(), d.outputDir(),
                    list("fdcmkd.seeds", d.seeds().stream().map(String::valueOf).toList()).stream()
                            .map(Long::parseLong).toList(),
                    Integer.getInteger("fdcmkd.teacherEpochs", d.teacherEpochs()),
                    Integer.getInteger("fdcmkd.studentEpochs", d.studentEpochs()),
                    Integer.getInteger("fdcmkd.batchSize", d.batchSize()), list("fdcmkd.methods", d.methods()),
                    list("fdcmkd.directions", d.directions()), Integer.getInteger("fdcmkd.imageSize", d.imageSize()),
                    networks, Integer.getInteger("fdcmkd.maxRows", d.maxRows()),
                    features == null ? null : Path.of(features));
        }

        private static List<String> list(String property, List<String> fallback) {
            String value = System.getProperty(property);
            return value == null ? fallback : Arrays.stream(value.split(",")).map(String::trim).toList();
        }

        /** Returns the loader for the runs of {@code seed}. */
        public CrisisMmdLoader loader(long seed) {
            CrisisMmdLoader.Builder builder = CrisisMmdLoader.builder().optImageSize(imageSize).optMaxRows(maxRows)
                    .optAugmentationSeed(seed);
            if (textFeatures != null) {
                builder.optTextFeatures(textFeatures);
            }
            return builder.build();
        }
    }

    private CrisisMmdBenchmark() {}

    /** Runs the benchmark with settings from system properties, then writes and prints its tables. */
    public static void main(String[] args) {
        long start = System.nanoTime();
        Settings settings = Settings.fromSystemProperties();
        if (!Files.isRegularFile(settings.dataRoot().resolve("train.csv"))) {
            System.err.println("CrisisMMD: no prepared dataset at " + settings.dataRoot().toAbsolutePath() + "; "
                    + CrisisMmdLoader.FIX);
            System.exit(1);
        }
        BenchmarkReport report = run(settings);
        System.out.println(BenchmarkReport.formatted(report.summary()).printAll());
        report.write(settings.outputDir()).forEach(path -> System.out.println("wrote " + path));
        System.out.printf(Locale.ROOT, "CrisisMMD benchmark finished in %.1f min%n", (System.nanoTime() - start) / 60e9);
    }

    /**
     * CrisisMMD as {@link dev.cmkd.experiment.RealBenchmarks} registers it ({@code crisismmd}, image and text):
     * one command is the settings of the system properties (class comment) narrowed to one seed, method and
     * direction, and writes its rows to {@code <output>/results/<method>-<student>-seed<seed>.csv}; with {@code
     * -Dfdcmkd.fixture=true} it runs on the synthetic prepared layout of {@link CrisisMmdFixture} written under
     * the output directory.
     */
    public static Benchmark registered() {
        return new Registered("crisismmd", "CrisisMMD v2.0, humanitarian task (8 classes), picture <-> tweet text",
                List.of("image", "text"), MethodRegistry.names(FeatureLayout.VECTOR), CrisisMmdLoader.FIX);
    }

    private record Registered(String name, String description, List<String> modalities, List<String> methods,
            String howToGet) implements Benchmark {

        /** The humanitarian task's training split ("all" labels), for cost estimates. */
        private static final int TRAIN_PAIRS = 13_608;

        @Override
        public Path outputDir() {
            return Settings.fromSystemProperties().outputDir();
        }

        @Override
        public Table run(String method, String student, long seed) {
            Settings all = Settings.fromSystemProperties();
            Path data = all.dataRoot();
            if (Boolean.getBoolean("fdcmkd.fixture")) {
                data = all.outputDir().resolve("fixture");
                if (!Files.exists(data)) {
                    CrisisMmdFixture.writePrepared(data, Math.max(2, all.batchSize() / CrisisMmdLoader.CLASSES.size()));
                }
            } else if (!Files.isRegularFile(data.resolve("train.csv"))) {
                throw new DatasetException("no prepared CrisisMMD at " + data.toAbsolutePath() + " (train.csv); fix: "
                        + CrisisMmdLoader.FIX + ", or set -Dfdcmkd.data, or run on a synthetic stand-in with"
                        + " -Dfdcmkd.fixture=true");
            }
            Settings one = new Settings(data, all.outputDir(), List.of(seed), all.teacherEpochs(),
                    all.studentEpochs(), all.batchSize(), List.of(method), List.of(student + "<-"
                            + otherModality(student)), all.imageSize(), all.networks(), all.maxRows(),
                    all.textFeatures());
            BenchmarkReport report = CrisisMmdBenchmark.run(one);
            Path rows = Benchmark.commandRows(all.outputDir(), method, student, seed);
            ResultFiles.writeCsv(report.results(), rows);
            System.out.println("wrote " + rows);
            return BenchmarkReport.formatted(report.summary());
        }

        /**
         * One text-teacher epoch and one FD-CMKD image-student epoch on 2 synthetic pairs per class (16 training
         * pairs) with the paper's networks (ResNet-18 on 224 px pictures unless {@code -Dfdcmkd.width} or {@code
         * -Dfdcmkd.imageSize} say otherwise; Kim's TextCNN), batch {@code -Dfdcmkd.batchSize} (default 8).
         */
        @Override
        public EpochCostReport epochCost(Path workDir) {
            ResultFiles.deleteRecursively(workDir);
            Path data = workDir.resolve("data");
            CrisisMmdFixture.writePrepared(data, 2);
            int batch = Integer.getInteger("fdcmkd.batchSize", 8);
            Settings paper = Settings.defaults(false, data, workDir);
            NetworkConfig image = paper.networks().image();
            CrisisMmdNetworks networks = new CrisisMmdNetworks(new NetworkConfig(Integer.getInteger("fdcmkd.width",
                    image.width()), image.blocksPerStage(), image.smallInput()), paper.networks().embeddingDim(),
                    paper.networks().kernelSizes(), paper.networks().filters(), paper.networks().dropout(),
                    paper.networks().hiddenDim());
            int imageSize = Integer.getInteger("fdcmkd.imageSize", paper.imageSize());
            Settings settings = new Settings(data, workDir, List.of(0L), 1, 1, batch, List.of("fd-cmkd"),
                    List.of("image<-text"), imageSize, networks, Integer.MAX_VALUE, null);
            Experiment experiment = new Experiment(new CrisisMmdTask(settings), workDir.resolve("runs"));
            RunSpec spec = RunSpec.paper(1, batch, 0);
            Map<String, Double> seconds = new LinkedHashMap<>();
            PeakMemory.reset();
            seconds.put("text teacher", EpochCostReport.wallSeconds(() -> experiment.teacher("text", spec)));
            seconds.put("image student (fd-cmkd)", EpochCostReport.wallSeconds(() -> experiment.student("image",
                    MethodRegistry.spec("fd-cmkd", FeatureLayout.VECTOR), spec, spec)));
            int trainPairs = 2 * CrisisMmdLoader.CLASSES.size();
            String setup = String.format(Locale.ROOT, "ResNet width %d, blocks %s on %d px pictures; TextCNN"
                    + " (embedding %d, kernels %s, %d filters); batch %d", networks.image().width(), Arrays.toString(
                            networks.image().blocksPerStage()), imageSize, networks.embeddingDim(), Arrays.toString(
                                    networks.kernelSizes()), networks.filters(), batch);
            return new EpochCostReport(name(), setup, trainPairs / batch * batch, TRAIN_PAIRS, seconds,
                    PeakMemory.peakBytes());
        }
    }

    /** Runs every teacher and student of {@code settings}, resuming finished and interrupted runs. */
    public static BenchmarkReport run(Settings settings) {
        List<String> students = settings.directions().stream().map(CrisisMmdBenchmark::studentOf).toList();
        return new Protocol(settings.seeds(), students, MethodRegistry.specs(settings.methods(), FeatureLayout.VECTOR),
                settings.teacherEpochs(), settings.studentEpochs(), settings.batchSize(), false)
                .run(new Experiment(new CrisisMmdTask(settings), settings.outputDir().resolve("runs")));
    }

    /** Returns the student's modality of {@code student<-teacher}. */
    public static String studentOf(String direction) {
        return direction.substring(0, direction.indexOf("<-"));
    }

    /** Returns the teacher's modality of {@code student<-teacher}. */
    public static String teacherOf(String direction) {
        return direction.substring(direction.indexOf("<-") + 2);
    }
}
