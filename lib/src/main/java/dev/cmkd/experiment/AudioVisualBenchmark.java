package dev.cmkd.experiment;

import dev.cmkd.bench.PeakMemory;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.Splits;
import dev.cmkd.data.av.AvConvention;
import dev.cmkd.data.av.PreparedAvLoader;
import dev.cmkd.data.av.PreparedFixture;
import dev.cmkd.data.loading.DatasetException;
import dev.cmkd.method.FeatureLayout;
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
 * An audio-visual benchmark as the paper runs it (CREMA-D, AVE, VGGSound-50): {@link PreparedAvLoader} on the
 * prepared layout of {@code data-scripts/<name>/}, the same backbone on both modalities (ResNet-18 in the paper:
 * 1-channel spectrogram, 3-channel frame), SGD 0.01 with momentum 0.9 and the poly schedule, batch 64, 100
 * epochs (method.md section 2.9), each student taught by the other modality's frozen teacher ({@link
 * PairedExperiment}). One command ({@link #run(String, String, long)}) reads these system properties:
 *
 * <pre>
 *   -Dfdcmkd.profile=full|ci  (ci: 1 epoch, batch 4, 8 clips per split, a ResNet of width 8 with two stages)
 *   -Dfdcmkd.data=data/&lt;name&gt;/prepared    -Dfdcmkd.output=results/real/&lt;name&gt;
 *   -Dfdcmkd.epochs=N  -Dfdcmkd.batchSize=B  -Dfdcmkd.width=W  -Dfdcmkd.maxClips=N   override the profile
 *   -Dfdcmkd.fixture=true      run on a synthetic stand-in written under the output directory (no data needed)
 * </pre>
 *
 * and writes the teacher's and the student's rows under every selection protocol to {@code
 * <output>/results/<method>-<student>-seed<seed>.csv} (atomically). Teachers are shared by every method and
 * seed-matched student of the same output directory: run one command per teacher at a time.
 *
 * @param name the benchmark's name ({@code crema-d}, ...), also the folder under {@code data/} and {@code
 *     data-scripts/}
 * @param description one line for listings
 * @param convention the dataset's conventions (classes, audio pipeline, frame size)
 * @param network the backbone of both modalities (input channels come from the data)
 * @param epochs epochs of every teacher and student (100 in the paper)
 * @param batchSize the batch size (64 in the paper)
 * @param trainClips the approximate size of the full training split, for cost estimates (0: unknown, as for
 *     VGGSound, whose count depends on the clips still online)
 */
public record AudioVisualBenchmark(String name, String description, AvConvention convention, NetworkConfig network,
        int epochs, int batchSize, int trainClips) implements Benchmark {

    /** Validates the values. */
    public AudioVisualBenchmark {
        if (epochs < 1 || batchSize < 1 || trainClips < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "AudioVisualBenchmark %s: need epochs >= 1"
                    + " (%d), batchSize >= 1 (%d), trainClips >= 0 (%d)", name, epochs, batchSize, trainClips));
        }
    }

    /** The paper's setup of {@code convention}: ResNet-18, 100 epochs, batch 64. */
    public static AudioVisualBenchmark paper(AvConvention convention, String description, int trainClips) {
        return new AudioVisualBenchmark(convention.name(), description, convention, NetworkConfig.resNet18(), 100, 64,
                trainClips);
    }

    @Override
    public List<String> modalities() {
        return AvConvention.MODALITIES;
    }

    @Override
    public List<String> methods() {
        return MethodRegistry.names(FeatureLayout.VECTOR);
    }

    @Override
    public String howToGet() {
        return "data-scripts/" + name + "/README.md: download, then data-scripts/" + name + "/prepare.sh (writes data/"
                + name + "/prepared)";
    }

    /** Returns the number of classes. */
    public int numClasses() {
        return convention.numClasses();
    }

    /** Returns the default prepared root, {@code data/<name>/prepared}. */
    public Path defaultData() {
        return Path.of("data", name, "prepared");
    }

    /** Reads split {@code split} of the prepared dataset at {@code root}, training views seeded by {@code seed}. */
    public PairedSplit load(Path root, String split, long seed, int maxClips) {
        return PreparedAvLoader.builder().setConvention(convention).optSeed(seed).optMaxClips(maxClips).build()
                .load(root, split);
    }

    /**
     * Writes a synthetic prepared dataset in the same layout ({@code perSplit} clips per split of at most four
     * classes, 96 x 72 frames), for smoke runs and cost measurements; returns its root.
     */
    public Path writeFixture(Path root, int perSplit, long seed) {
        return PreparedFixture.write(root, convention, Math.min(4, convention.numClasses()),
                new int[] {perSplit, perSplit, perSplit}, 96, 72, seed);
    }


    /**
     * What one command runs.
     *
     * @param benchmark the benchmark
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
    public record Settings(AudioVisualBenchmark benchmark, String method, String student, long seed, Path dataRoot,
            Path outputDir, int epochs, int batchSize, NetworkConfig network, int maxClips) {

        /** Validates the names. */
        public Settings {
            benchmark.checkCommand(method, student);
        }

        /**
         * The paper's settings ({@code ci = false}): the benchmark's epochs, batch and backbone, every clip. With
         * {@code ci = true}: 1 epoch, batch 4, 8 clips per split, ResNet of width 8 with two stages of one block.
         */
        public static Settings defaults(AudioVisualBenchmark benchmark, boolean ci, String method, String student,
                long seed, Path dataRoot, Path outputDir) {
            return new Settings(benchmark, method, student, seed, dataRoot, outputDir, ci ? 1 : benchmark.epochs(),
                    ci ? 4 : benchmark.batchSize(), ci ? new NetworkConfig(8, new int[] {1, 1}, false)
                            : benchmark.network(), ci ? 8 : Integer.MAX_VALUE);
        }

        /** The settings of one command, the rest read from system properties (see the class comment). */
        public static Settings fromSystemProperties(AudioVisualBenchmark benchmark, String method, String student,
                long seed) {
            boolean ci = "ci".equals(System.getProperty("fdcmkd.profile", "full"));
            Path output = benchmark.outputDir();
            Path data = Boolean.getBoolean("fdcmkd.fixture") ? output.resolve("fixture")
                    : Path.of(System.getProperty("fdcmkd.data", benchmark.defaultData().toString()));
            Settings d = defaults(benchmark, ci, method, student, seed, data, output);
            return new Settings(benchmark, method, student, seed, data, output,
                    Integer.getInteger("fdcmkd.epochs", d.epochs()), Integer.getInteger("fdcmkd.batchSize",
                    d.batchSize()), new NetworkConfig(Integer.getInteger("fdcmkd.width", d.network().width()),
                    d.network().blocksPerStage(), d.network().smallInput()),
                    Integer.getInteger("fdcmkd.maxClips", d.maxClips()));
        }

        /** Returns the teacher's modality. */
        public String teacher() {
            return benchmark.otherModality(student);
        }

        /** Returns the run specification of the teacher and of the student. */
        public RunSpec spec() {
            return RunSpec.paper(epochs, batchSize, seed);
        }

        /** Returns the protocol of these settings' schedule for {@code students}, {@code methods} and {@code seeds}. */
        public Protocol protocol(List<String> students, List<String> methods, List<Long> seeds) {
            return new Protocol(seeds, students, MethodRegistry.specs(methods, FeatureLayout.VECTOR), epochs, epochs, batchSize, false);
        }

        /** Returns where this command's result rows go. */
        public Path resultFile() {
            return Benchmark.commandRows(outputDir, method, student, seed);
        }
    }

    @Override
    public Path outputDir() {
        return Path.of(System.getProperty("fdcmkd.output", "results/real/" + name));
    }

    @Override
    public Table run(String method, String student, long seed) {
        Settings settings = Settings.fromSystemProperties(this, method, student, seed);
        if (Boolean.getBoolean("fdcmkd.fixture") && !Files.exists(settings.dataRoot())) {
            writeFixture(settings.dataRoot(), Math.max(settings.batchSize(), 8), settings.seed());
        }
        BenchmarkReport report = run(settings);
        System.out.println("wrote " + settings.resultFile());
        return BenchmarkReport.formatted(report.summary());
    }

    /** Trains (or resumes, or reads back) the teacher, then the student, and writes their result rows. */
    public static BenchmarkReport run(Settings settings) {
        BenchmarkReport report = settings.protocol(List.of(settings.student()), List.of(settings.method()),
                List.of(settings.seed())).run(experiment(settings));
        ResultFiles.writeCsv(report.results(), settings.resultFile());
        return report;
    }

    /**
     * The whole protocol, as the notebooks run it: for each seed, the teachers of both modalities, then a student
     * of each modality with each method (each run resumed or read back when done); returns every run in one report.
     *
     * @param ci the smoke profile of {@link Settings#defaults}
     */
    public BenchmarkReport protocol(boolean ci, Path dataRoot, Path outputDir, List<String> methods,
            List<Long> seeds) {
        Settings settings = Settings.defaults(this, ci, methods.get(0), modalities().get(0), seeds.get(0), dataRoot,
                outputDir);
        return settings.protocol(modalities(), methods, seeds).run(experiment(settings));
    }

    /** Returns the experiment on the prepared data of {@code settings}, its training views seeded by each run's seed. */
    public static Experiment experiment(Settings settings) {
        AudioVisualBenchmark benchmark = settings.benchmark();
        if (!Files.isDirectory(settings.dataRoot())) {
            throw new DatasetException("no prepared " + benchmark.name() + " data at " + settings.dataRoot()
                    + "; fix: " + benchmark.howToGet() + ", or set -Dfdcmkd.data, or run on a synthetic stand-in with"
                    + " -Dfdcmkd.fixture=true");
        }
        PairedTask task = new PairedTask(benchmark.name(), benchmark.name(), settings.network(), seed -> new Splits(
                benchmark.load(settings.dataRoot(), "train", seed, settings.maxClips()),
                benchmark.load(settings.dataRoot(), "val", seed, settings.maxClips()),
                benchmark.load(settings.dataRoot(), "test", seed, settings.maxClips())));
        return new Experiment(task, settings.outputDir().resolve("runs"));
    }

    /**
     * One teacher epoch (visual) and one FD-CMKD student epoch (audio) on a synthetic stand-in of {@code
     * -Dfdcmkd.maxClips} samples per split (default 16) at the paper's input sizes, with the paper's backbone
     * unless {@code -Dfdcmkd.width} overrides it, batch {@code -Dfdcmkd.batchSize} (default 8).
     */
    @Override
    public EpochCostReport epochCost(Path workDir) {
        int clips = Integer.getInteger("fdcmkd.maxClips", 16);
        int batch = Integer.getInteger("fdcmkd.batchSize", 8);
        NetworkConfig costNetwork = new NetworkConfig(Integer.getInteger("fdcmkd.width", network.width()),
                network.blocksPerStage(), network.smallInput());
        ResultFiles.deleteRecursively(workDir);
        Path data = writeFixture(workDir.resolve("data"), clips, 0);
        String student = modalities().get(0);
        Settings settings = new Settings(this, "fd-cmkd", student, 0, data, workDir, 1, batch, costNetwork, clips);
        Experiment experiment = experiment(settings);
        PeakMemory.reset();
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put(settings.teacher() + " teacher", EpochCostReport.wallSeconds(() -> experiment.teacher(
                settings.teacher(), settings.spec())));
        seconds.put(student + " student (fd-cmkd)", EpochCostReport.wallSeconds(() -> experiment.student(student,
                MethodRegistry.spec("fd-cmkd", FeatureLayout.VECTOR), settings.spec(), settings.spec())));
        String setup = String.format(Locale.ROOT, "ResNet width %d, blocks %s, batch %d, inputs %s", costNetwork
                .width(), Arrays.toString(costNetwork.blocksPerStage()), batch, List.of(experiment.task()
                        .inputShape(modalities().get(0)).slice(1), experiment.task().inputShape(modalities().get(1)).slice(1)));
        return new EpochCostReport(name, setup, clips / batch * batch, trainClips, seconds, PeakMemory.peakBytes());
    }
}
