package dev.cmkd.experiment;

import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.bench.PeakMemory;
import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.NyuDepthV2;
import dev.cmkd.data.nyu.RgbdModality;
import dev.cmkd.data.nyu.RgbdSplit;
import dev.cmkd.data.nyu.SyntheticRgbd;
import dev.cmkd.data.loading.DatasetException;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.RunSpec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tech.tablesaw.api.Table;

/**
 * RGB &lt;-&gt; depth semantic segmentation on NYU-Depth V2 (40 classes, void ignored; standard 795 / 654 split
 * with a scene-disjoint validation carve): teachers per modality, then students of each requested modality taught
 * by the other modality's teacher (frozen, or co-trained for C2KD) with each requested method, per seed; results
 * under the three selection protocols, mIoU and pixel accuracy. One command per (method, direction, seed):
 *
 * <pre>
 *   lib/bin/kit segmentation -Dfdcmkd.methods=fd-cmkd -Dfdcmkd.students=rgb -Dfdcmkd.seeds=0
 * </pre>
 *
 * trains (or reads back) the depth teacher of seed 0 and the FD-CMKD RGB student (direction depth -> rgb); so
 * does {@code lib/bin/kit real nyu-depth-v2 -Dfdcmkd.method=fd-cmkd -Dfdcmkd.student=rgb -Dfdcmkd.seed=0} ({@link
 * #registered()}).
 * Settings (system properties; unset ones keep the profile's default):
 *
 * <pre>
 *   -Dfdcmkd.profile=full|ci      full (default): the configuration below; ci: SYNTHETIC RGB-D, tiny network
 *   -Dfdcmkd.data=DIR             prepared NYU layout (default data/nyu-depth-v2/prepared)
 *   -Dfdcmkd.synthetic=true       use the SYNTHETIC RGB-D generator instead (default: true only for ci)
 *   -Dfdcmkd.output=DIR           results (default results/real/nyu-depth-v2, or results/real/nyu-depth-v2-ci)
 *   -Dfdcmkd.seeds=0,1,2  -Dfdcmkd.methods=none,feature-mse,fd-cmkd,...  -Dfdcmkd.students=rgb,depth
 *                                 (methods: default every MAP method of MethodRegistry)
 *   -Dfdcmkd.teacherEpochs=N  -Dfdcmkd.studentEpochs=N  -Dfdcmkd.batchSize=B  -Dfdcmkd.width=W
 *   -Dfdcmkd.crop=HxW  -Dfdcmkd.downsample=F  -Dfdcmkd.maxImages=N  -Dfdcmkd.trainSplit=train|official-train
 * </pre>
 *
 * <p><b>The full configuration</b> (paper-ish; the paper's segmentation settings are not published, method.md
 * sections 2.9 and 8): ResNet-18 encoder (width 64, blocks 2-2-2-2, ImageNet stem) with the U-Net-lite decoder,
 * from scratch, on RGB and depth alike; SGD momentum 0.9, learning rate 0.01 with the poly decay to 1e-4 and no
 * weight decay, 100 epochs for teachers and students, seeds 0, 1, 2 (released code / C2KD for CREMA-D; their
 * NYU values are unknown). Our choices: batch 8, random crop 384 x 512 and horizontal flip, evaluation on the
 * full 480 x 640 images, per-image min-max depth, training on {@code train} (795 official training images less
 * the 25 validation scenes; {@code official-train} trains on all 795 as the authors would, and the validation
 * images are then seen in training). FD-CMKD's defaults are the released code's (cutoff 0.5, DC excluded, all
 * weights 1), with the 2-D spatial split on the encoder's last map ({@code fd-cmkd}) or the per-position channel
 * split ({@code fd-cmkd-channel}). The baselines carry the classification defaults: {@code kd}, {@code dkd} and
 * {@code dist} per labelled pixel ({@link dev.cmkd.method.PerPixelMethod}, DKD's 20-epoch warm-up), {@code
 * fitnet} with a 1x1 convolution regressor ({@link dev.cmkd.method.FitNet} on maps), {@code c2kd} with dense
 * proxies and the teacher co-trained from the trained teacher ({@link dev.cmkd.method.C2kd} on maps).
 *
 * <p>Each epoch prints its wall time and the process's peak resident memory (Linux; PyTorch's native memory
 * included), so the cost of a full epoch can be extrapolated from a smoke run ({@link
 * dev.cmkd.train.ProgressPrinter}).
 */
public final class SegmentationBenchmark {

    /**
     * The benchmark's settings.
     *
     * @param prepared the prepared NYU layout
     * @param synthetic use the SYNTHETIC RGB-D generator instead of {@code prepared}
     * @param outputDir where runs, tables and the figure go
     * @param seeds the seeds
     * @param teacherEpochs epochs of each teacher
     * @param studentEpochs epochs of each student
     * @param methods the segmentation methods ({@link MethodRegistry#names} of {@link FeatureLayout#MAP})
     * @param students the student modalities; each is taught by the other modality
     * @param backbone the network of every run
     * @param batchSize training batch size
     * @param evaluationBatch full images per evaluation batch
     * @param augmentation the training crop and flip
     * @param downsample integer downsampling at load time
     * @param maxImages images kept per split
     * @param trainSplit {@code train} (clean) or {@code official-train}
     * @param syntheticSize image size of the synthetic data {height, width}
     * @param syntheticCounts synthetic images per split {train, val, test}
     */
    public record Settings(Path prepared, boolean synthetic, Path outputDir, List<Long> seeds, int teacherEpochs,
            int studentEpochs, List<String> methods, List<RgbdModality> students,
            SegmentationTask.Backbone backbone, int batchSize, int evaluationBatch, Augmentation augmentation,
            int downsample, int maxImages, String trainSplit, int[] syntheticSize, int[] syntheticCounts) {

        /** The full configuration ({@code ci = false}) or the smoke configuration on synthetic data. */
        public static Settings defaults(boolean ci) {
            if (ci) {
                return new Settings(Path.of("data/nyu-depth-v2/prepared"), true, Path.of("results/real/nyu-depth-v2-ci"),
                        List.of(0L), 1, 1, MethodRegistry.names(FeatureLayout.MAP), List.of(RgbdModality.RGB, RgbdModality.DEPTH),
                        new SegmentationTask.Backbone(8, new int[] {1, 1, 1}, true), 8, 8,
                        new Augmentation(32, 48, true), 1, Integer.MAX_VALUE, "train", new int[] {48, 64},
                        new int[] {32, 8, 8});
            }
            return new Settings(Path.of("data/nyu-depth-v2/prepared"), false, Path.of("results/real/nyu-depth-v2"),
                    List.of(0L, 1L, 2L), 100, 100, MethodRegistry.names(FeatureLayout.MAP),
                    List.of(RgbdModality.RGB, RgbdModality.DEPTH), SegmentationTask.Backbone.resNet18(), 8, 4,
                    new Augmentation(384, 512, true), 1, Integer.MAX_VALUE, "train", new int[] {480, 640},
                    new int[] {795, 80, 654});
        }

        /** Reads the settings from system properties (see the class comment). */
        public static Settings fromSystemProperties() {
            boolean ci = "ci".equals(System.getProperty("fdcmkd.profile", "full"));
            Settings d = defaults(ci);
            String seeds = System.getProperty("fdcmkd.seeds");
            String methods = System.getProperty("fdcmkd.methods");
            String students = System.getProperty("fdcmkd.students");
            String crop = System.getProperty("fdcmkd.crop");
            String synthetic = System.getProperty("fdcmkd.synthetic");
            Augmentation augmentation = d.augmentation();
            if (crop != null) {
                String[] parts = crop.toLowerCase(Locale.ROOT).split("x");
                augmentation = new Augmentation(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                        true);
            }
            SegmentationTask.Backbone backbone = new SegmentationTask.Backbone(
                    Integer.getInteger("fdcmkd.width", d.backbone().width()), d.backbone().blocksPerStage(),
                    d.backbone().smallInput());
            return new Settings(Path.of(System.getProperty("fdcmkd.data", d.prepared().toString())),
                    synthetic == null ? d.synthetic() : Boolean.parseBoolean(synthetic),
                    Path.of(System.getProperty("fdcmkd.output", d.outputDir().toString())),
                    seeds == null ? d.seeds() : split(seeds).stream().map(Long::parseLong).toList(),
                    Integer.getInteger("fdcmkd.teacherEpochs", d.teacherEpochs()),
                    Integer.getInteger("fdcmkd.studentEpochs", d.studentEpochs()),
                    methods == null ? d.methods() : split(methods),
                    students == null ? d.students() : split(students).stream().map(RgbdModality::parse).toList(),
                    backbone, Integer.getInteger("fdcmkd.batchSize", d.batchSize()), d.evaluationBatch(), augmentation,
                    Integer.getInteger("fdcmkd.downsample", d.downsample()),
                    Integer.getInteger("fdcmkd.maxImages", d.maxImages()),
                    System.getProperty("fdcmkd.trainSplit", d.trainSplit()), d.syntheticSize(), d.syntheticCounts());
        }

        private static List<String> split(String list) {
            return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    private SegmentationBenchmark() {}

    /** Runs the benchmark with settings from system properties and writes its report. */
    public static void main(String[] args) {
        Settings settings = Settings.fromSystemProperties();
        BenchmarkReport report = run(settings);
        System.out.println(BenchmarkReport.formatted(report.summary()).printAll());
        report.write(settings.outputDir()).forEach(path -> System.out.println("wrote " + path));
    }

    /**
     * NYU-Depth V2 as {@link RealBenchmarks} registers it ({@code nyu-depth-v2}, rgb and depth): one command is
     * the settings of the system properties (class comment) narrowed to one seed, method and student, and writes
     * its rows to {@code <output>/results/<method>-<student>-seed<seed>.csv}; {@code -Dfdcmkd.fixture=true} is
     * {@code -Dfdcmkd.synthetic=true}.
     */
    public static Benchmark registered() {
        return new Registered("nyu-depth-v2", "NYU-Depth V2, 40-class segmentation (795 / 654 images), RGB <-> depth",
                Arrays.stream(RgbdModality.values()).map(RgbdModality::label).toList(), MethodRegistry.names(FeatureLayout.MAP),
                "data-scripts/nyu-depth-v2/build.sh (2.8 GB download; writes data/nyu-depth-v2/prepared)");
    }

    private record Registered(String name, String description, List<String> modalities, List<String> methods,
            String howToGet) implements Benchmark {

        /** The official training split less the validation carve's 25 scenes, for cost estimates (about). */
        private static final int TRAIN_IMAGES = 795 - 80;

        @Override
        public Path outputDir() {
            return Settings.fromSystemProperties().outputDir();
        }

        @Override
        public Table run(String method, String student, long seed) {
            Settings all = Settings.fromSystemProperties();
            Settings one = new Settings(all.prepared(), all.synthetic() || Boolean.getBoolean("fdcmkd.fixture"),
                    all.outputDir(), List.of(seed), all.teacherEpochs(), all.studentEpochs(), List.of(method),
                    List.of(RgbdModality.parse(student)), all.backbone(), all.batchSize(), all.evaluationBatch(),
                    all.augmentation(), all.downsample(), all.maxImages(), all.trainSplit(), all.syntheticSize(),
                    all.syntheticCounts());
            BenchmarkReport report = SegmentationBenchmark.run(one);
            Path rows = Benchmark.commandRows(all.outputDir(), method, student, seed);
            ResultFiles.writeCsv(report.results(), rows);
            System.out.println("wrote " + rows);
            return BenchmarkReport.formatted(report.summary());
        }

        /**
         * One depth-teacher epoch and one FD-CMKD RGB-student epoch on SYNTHETIC RGB-D data of NYU's size (480 x
         * 640; 16 training, 4 validation and 4 test images) with the full configuration (ResNet-18 U-Net-lite, crop
         * 384 x 512, evaluation on whole images), batch {@code -Dfdcmkd.batchSize} (default 8), {@code
         * -Dfdcmkd.width}, {@code -Dfdcmkd.crop} and {@code -Dfdcmkd.downsample} as in the class comment.
         */
        @Override
        public EpochCostReport epochCost(Path workDir) {
            ResultFiles.deleteRecursively(workDir);
            Settings full = Settings.fromSystemProperties();
            Settings settings = new Settings(full.prepared(), true, workDir, List.of(0L), 1, 1, List.of("fd-cmkd"),
                    List.of(RgbdModality.RGB), full.backbone(), Integer.getInteger("fdcmkd.batchSize", 8),
                    full.evaluationBatch(), full.augmentation(), full.downsample(), Integer.MAX_VALUE, "train",
                    new int[] {480, 640}, new int[] {16, 4, 4});
            Experiment experiment = experiment(settings);
            RunSpec spec = RunSpec.paper(1, settings.batchSize(), 0);
            PeakMemory.reset();
            Map<String, Double> seconds = new LinkedHashMap<>();
            seconds.put("depth teacher", EpochCostReport.wallSeconds(() -> experiment.teacher("depth", spec)));
            seconds.put("rgb student (fd-cmkd)", EpochCostReport.wallSeconds(() -> experiment.student("rgb",
                    MethodRegistry.spec("fd-cmkd", FeatureLayout.MAP), spec, spec)));
            SegmentationTask.Backbone backbone = settings.backbone();
            Augmentation crop = settings.augmentation();
            String setup = String.format(Locale.ROOT, "ResNet width %d, blocks %s, U-Net-lite decoder; crop %d x %d,"
                    + " downsample %d, batch %d; evaluation on whole images, %d per batch", backbone.width(),
                    Arrays.toString(backbone.blocksPerStage()), crop.cropHeight(), crop.cropWidth(),
                    settings.downsample(),
                    settings.batchSize(), settings.evaluationBatch());
            return new EpochCostReport(name(), setup, 16 / settings.batchSize() * settings.batchSize(),
                    TRAIN_IMAGES, seconds, PeakMemory.peakBytes());
        }
    }

    /** Loads the data, trains (or reads back) every teacher and student of {@code settings}. */
    public static BenchmarkReport run(Settings settings) {
        return new Protocol(settings.seeds(), settings.students().stream().map(RgbdModality::label).toList(),
                MethodRegistry.specs(settings.methods(), FeatureLayout.MAP), settings.teacherEpochs(),
                settings.studentEpochs(), settings.batchSize(), false).run(experiment(settings));
    }

    /** Loads the three splits (generating the SYNTHETIC data first when asked) and returns the experiment. */
    public static Experiment experiment(Settings settings) {
        Path prepared = settings.prepared();
        if (settings.synthetic()) {
            prepared = settings.outputDir().resolve("synthetic-rgbd");
            if (!NyuDepthV2.isPrepared(prepared)) {
                int[] counts = settings.syntheticCounts();
                SyntheticRgbd.builder().optSize(settings.syntheticSize()[0], settings.syntheticSize()[1]).build()
                        .write(prepared, counts[0], counts[1], counts[2]);
            }
            System.out.println("SYNTHETIC RGB-D data (not NYU-Depth V2): " + prepared);
        } else if (!NyuDepthV2.isPrepared(prepared)) {
            throw new DatasetException("no prepared NYU-Depth V2 at " + prepared + " (" + NyuDepthV2.PREPARED
                    + "); fix: run data-scripts/nyu-depth-v2/build.sh (2.8 GB download), point -Dfdcmkd.data at a"
                    + " prepared copy, or run on SYNTHETIC data with -Dfdcmkd.synthetic=true");
        }
        NyuDepthV2 loader = NyuDepthV2.builder().optDownsample(settings.downsample())
                .optMaxImages(settings.maxImages()).build();
        RgbdSplit train = loader.load(prepared, settings.trainSplit());
        RgbdSplit validation = loader.load(prepared, "val");
        RgbdSplit test = loader.load(prepared, "test");
        System.out.printf(Locale.ROOT, "%s%n%s%n%s%n", train, validation, test);
        return new Experiment(new SegmentationTask(train, validation, test, settings.backbone(),
                settings.augmentation(), settings.evaluationBatch()), settings.outputDir().resolve("runs"));
    }
}
