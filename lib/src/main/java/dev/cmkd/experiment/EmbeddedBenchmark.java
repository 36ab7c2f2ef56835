package dev.cmkd.experiment;

import dev.cmkd.data.Splits;
import dev.cmkd.data.loading.AvMnistTtsLoader;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.RunSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import tech.tablesaw.api.Table;

/**
 * The kit's main job: the embedded AV-MNIST-TTS benchmark end to end. It builds the dataset if it is
 * missing, trains an image teacher and an audio teacher per seed, then a student of each modality taught
 * by the other modality's frozen teacher with every registered method, and writes the results (every
 * run under every selection protocol), the summary (mean ± std over seeds) and the figures.
 *
 * <p>Sizes come from system properties, so one switch shrinks the whole run:
 *
 * <pre>
 *   -Dfdcmkd.profile=full|ci   full (default): 3 seeds, every pair; ci: 1 seed, 1 epoch, a few hundred pairs
 *   -Dfdcmkd.seeds=0,1,2  -Dfdcmkd.teacherEpochs=N  -Dfdcmkd.studentEpochs=N  -Dfdcmkd.maxPairs=N
 *   -Dfdcmkd.methods=none,kd,dkd,fd-cmkd (default: every registered method)  -Dfdcmkd.snrDb=X  -Dfdcmkd.width=W
 *   -Dfdcmkd.batchSize=B
 *   -Dfdcmkd.joint=true   both students of a method in one run, as the authors train them
 *   -Dfdcmkd.data=data/av-mnist-tts  -Dfdcmkd.output=results/embedded
 * </pre>
 *
 * Every run is resumable: an interrupted main job started again continues where it stopped.
 */
public final class EmbeddedBenchmark {

    /**
     * The benchmark's sizes.
     *
     * @param dataRoot the dataset directory
     * @param outputDir where runs, tables and figures go
     * @param seeds the seeds (one teacher pair and one student per method and modality each)
     * @param teacherEpochs epochs of each teacher
     * @param studentEpochs epochs of each student
     * @param maxPairs pairs kept per split (all when {@code Integer.MAX_VALUE})
     * @param methods the registered methods to run
     * @param snrDb white noise added to the audio, in dB (NaN: none)
     * @param network the backbone of every network
     * @param batchSize the batch size of every run (64 in the paper)
     * @param joint train both students of a method at once, as the authors' code does (with frozen teachers
     *     this equals separate runs: {@link PairedExperiment#jointStudents})
     */
    public record Settings(Path dataRoot, Path outputDir, List<Long> seeds, int teacherEpochs, int studentEpochs,
            int maxPairs, List<String> methods, double snrDb, NetworkConfig network, int batchSize, boolean joint) {

        /**
         * The main job's sizes ({@code ci = false}): 3 seeds, every pair, 3 epochs per run, ResNet with base width
         * 16 and one block per stage, all registered methods, −5 dB SNR, batch 64, students one direction at a
         * time. With {@code ci = true}: 1 seed, 256 pairs per split, 1 epoch, width 8 and two stages.
         */
        public static Settings defaults(boolean ci, Path dataRoot, Path outputDir) {
            return new Settings(dataRoot, outputDir, ci ? List.of(0L) : List.of(0L, 1L, 2L), ci ? 1 : 3, ci ? 1 : 3,
                    ci ? 256 : Integer.MAX_VALUE, MethodRegistry.names(FeatureLayout.VECTOR), -5,
                    new NetworkConfig(ci ? 8 : 16, ci ? new int[] {1, 1} : new int[] {1, 1, 1, 1}, false), 64, false);
        }

        /** Reads the settings from system properties (see the class comment); unset ones keep their defaults. */
        public static Settings fromSystemProperties() {
            boolean ci = "ci".equals(System.getProperty("fdcmkd.profile", "full"));
            Settings d = defaults(ci, Path.of(System.getProperty("fdcmkd.data", "data/av-mnist-tts")),
                    Path.of(System.getProperty("fdcmkd.output", ci ? "results/embedded-ci" : "results/embedded")));
            String seeds = System.getProperty("fdcmkd.seeds");
            String methods = System.getProperty("fdcmkd.methods");
            String snr = System.getProperty("fdcmkd.snrDb");
            return new Settings(d.dataRoot(), d.outputDir(),
                    seeds == null ? d.seeds() : Arrays.stream(seeds.split(",")).map(String::trim).map(Long::parseLong)
                            .toList(),
                    Integer.getInteger("fdcmkd.teacherEpochs", d.teacherEpochs()),
                    Integer.getInteger("fdcmkd.studentEpochs", d.studentEpochs()),
                    Integer.getInteger("fdcmkd.maxPairs", d.maxPairs()),
                    methods == null ? d.methods() : Arrays.stream(methods.split(",")).map(String::trim).toList(),
                    snr == null ? d.snrDb() : Double.parseDouble(snr),
                    new NetworkConfig(Integer.getInteger("fdcmkd.width", d.network().width()),
                            d.network().blocksPerStage(), d.network().smallInput()),
                    Integer.getInteger("fdcmkd.batchSize", d.batchSize()),
                    System.getProperty("fdcmkd.joint") == null ? d.joint() : Boolean.getBoolean("fdcmkd.joint"));
        }
    }

    private EmbeddedBenchmark() {}

    /** Runs the benchmark with settings from system properties. */
    public static void main(String[] args) {
        long start = System.nanoTime();
        Settings settings = Settings.fromSystemProperties();
        BenchmarkReport report = run(settings);
        Table summary = report.summary();
        System.out.println(BenchmarkReport.formatted(summary).printAll());
        report.write(settings.outputDir()).forEach(path -> System.out.println("wrote " + path));
        double minutes = (System.nanoTime() - start) / 60e9;
        String timing = String.format(Locale.ROOT, "embedded benchmark finished in %.1f min (this invocation; runs"
                + " finished by an earlier one are read back, not trained again)%n", minutes);
        ResultFiles.writeString(timing, settings.outputDir().resolve("wall-time.txt"));
        System.out.print(timing);
    }

    /** Runs every teacher and student of {@code settings} (resuming finished and interrupted runs). */
    public static BenchmarkReport run(Settings settings) {
        return run(settings, MethodRegistry.specs(settings.methods(), FeatureLayout.VECTOR));
    }

    /**
     * Runs the teachers of {@code settings} and a student of each modality with each of {@code methods}
     * (registered methods or variants of them) instead of {@code settings.methods()}.
     */
    public static BenchmarkReport run(Settings settings, List<MethodSpec> methods) {
        Experiment experiment = experiment(settings);
        return new Protocol(settings.seeds(), experiment.task().modalities(), methods, settings.teacherEpochs(),
                settings.studentEpochs(), settings.batchSize(), settings.joint()).run(experiment);
    }

    /** Builds the dataset if it is missing, loads its three splits and returns the experiment over them. */
    public static Experiment experiment(Settings settings) {
        ensureDataset(settings.dataRoot());
        AvMnistTtsLoader.Builder loader = AvMnistTtsLoader.builder().optMaxPairs(settings.maxPairs())
                .optCacheDir(settings.dataRoot().resolve("cache"));
        if (!Double.isNaN(settings.snrDb())) {
            loader.optSnrDb(settings.snrDb());
        }
        AvMnistTtsLoader data = loader.build();
        Splits splits = new Splits(data.load(settings.dataRoot(), "train"), data.load(settings.dataRoot(), "val"),
                data.load(settings.dataRoot(), "test"));
        System.out.printf(Locale.ROOT, "AV-MNIST-TTS: %d train, %d validation, %d test pairs; %s%n",
                splits.train().size(), splits.validation().size(), splits.test().size(), data);
        return new Experiment(new PairedTask("av-mnist-tts", "AV-MNIST-TTS", settings.network(), seed -> splits),
                settings.outputDir().resolve("runs"));
    }

    /** Returns the teachers' run specification for {@code seed} under {@code settings}. */
    public static RunSpec teacherSpec(Settings settings, long seed) {
        return RunSpec.paper(settings.teacherEpochs(), settings.batchSize(), seed);
    }

    /** Returns the nearest directory at or above the working directory that holds {@code data-scripts/}. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data-scripts"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no data-scripts/ folder at or above " + Path.of("").toAbsolutePath()
                + ": run the kit from inside its repository");
    }


    /** Builds the dataset with its data script if its manifest is missing. */
    static void ensureDataset(Path root) {
        if (Files.exists(root.resolve("manifest.sha256"))) {
            return;
        }
        System.out.println("AV-MNIST-TTS not found at " + root + ": building it (data-scripts/av-mnist-tts/build.sh)");
        Path repository = repositoryRoot();
        try {
            Process build = new ProcessBuilder("bash", "data-scripts/av-mnist-tts/build.sh",
                    root.toAbsolutePath().toString()).directory(repository.toFile()).inheritIO().start();
            int code = build.waitFor();
            if (code != 0) {
                throw new IllegalStateException("data-scripts/av-mnist-tts/build.sh failed with exit code " + code
                        + "; see its output above");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + repository.resolve("data-scripts/av-mnist-tts/build.sh"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the dataset", e);
        }
    }
}
