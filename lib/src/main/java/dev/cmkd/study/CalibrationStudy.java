package dev.cmkd.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cmkd.cli.Cli;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Options;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.experiment.Task;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.report.PlainText;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.AvMnistTtsTask.DataSettings;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Calibrates the hard default of AV-MNIST-TTS ({@code lib/bin/kit calibrate}) on the <b>validation split only</b>:
 * the test split is never loaded ({@link AvMnistTtsTask#create(Path, int, DataSettings, dev.cmkd.experiment
 * .NetworkConfig, boolean)} with {@code validationOnly}). For every number of training pairs of the grid it trains
 * the unimodal networks (the teachers of the main job, with its schedule) of every seed: the image network at every
 * image energy, the audio network at every SNR. Each degradation touches one modality only (the loader never noises
 * images nor projects audio; {@code AvMnistTtsLoaderTest} checks it), so the image runs do not depend on the SNR
 * nor the audio runs on the energy, and every grid point (pairs, energy, SNR) is the cross of the two.
 *
 * <p>A run's score is its <b>best validation epoch's validation accuracy</b>. The targets, per grid point:
 *
 * <ol>
 *   <li><b>band</b>: both modalities' mean accuracies in [{@value #BAND_LOW}, {@value #BAND_HIGH}];
 *   <li><b>gap</b>: the teacher of the weaker modality's student (the stronger modality) at least {@value #MIN_GAP}
 *       above that student's unimodal baseline (the weaker modality), i.e. the gap between the two means is at
 *       least {@value #MIN_GAP} (the "at least one direction" of issue 13);
 *   <li><b>sd</b>: each modality's standard deviation over seeds (sample, n - 1) at most {@value #MAX_SD};
 *   <li><b>flat</b>: each modality's validation trend at the end of training, averaged over seeds, below {@value
 *       #MAX_TREND_GAIN}: the gain of the least-squares line through the validation accuracies of the last quarter
 *       of the epochs ({@link RunOutcome#endTrend}).
 * </ol>
 *
 * <p><b>Selection rule</b>: among the points that meet the most targets (all four when any does), the one whose
 * worse modality is closest to the middle of the band ({@value #BAND_MIDDLE}), i.e. the smallest {@code
 * max(|image - 0.70|, |audio - 0.70|)}; ties go to fewer training pairs (a faster main job), then to grid order.
 *
 * <p>For the selected point it also reports whether the modalities fail on different samples: of the validation
 * samples one modality's network gets wrong, the fraction the other modality's gets right (per seed, then averaged).
 */
public final class CalibrationStudy {

    /** The lower end of the accuracy band. */
    public static final double BAND_LOW = 0.55;
    /** The upper end of the accuracy band. */
    public static final double BAND_HIGH = 0.85;
    /** The middle of the band, the selection's aim. */
    public static final double BAND_MIDDLE = 0.70;
    /** The least gap between the modalities' accuracies. */
    public static final double MIN_GAP = 0.05;
    /** The largest standard deviation over seeds. */
    public static final double MAX_SD = 0.010;
    /** The largest validation gain of the end-of-training trend, averaged over seeds. */
    public static final double MAX_TREND_GAIN = 0.005;

    /** The numbers of training pairs tried. */
    public static final Option<List<Integer>> GRID_TRAIN_PAIRS = Option.integers("gridTrainPairs", 1, "the"
            + " numbers of training pairs tried", List.of(4000, 6000), List.of(8));
    /** The image energies tried. */
    public static final Option<List<Double>> GRID_IMAGE_ENERGY = Option.numbers("gridImageEnergy", "the fractions"
            + " of image energy kept that are tried, each in (0, 1]", List.of(0.25, 0.3), List.of(0.5));
    /** The SNRs tried. */
    public static final Option<List<Double>> GRID_SNR_DB = Option.numbers("gridSnrDb", "the audio SNRs tried, in dB",
            List.of(-16.0, -17.0), List.of(-10.0));

    /**
     * One modality's runs at one setting.
     *
     * @param best each seed's best validation accuracy
     * @param trendGain each seed's end-of-training validation trend ({@link RunOutcome#endTrend})
     * @param curves each seed's validation accuracy per epoch
     */
    record Scores(double[] best, double[] trendGain, List<double[]> curves) {

        double mean() {
            return IntStream.range(0, best.length).mapToDouble(i -> best[i]).average().orElse(Double.NaN);
        }

        double sd() {
            double mean = mean();
            return best.length < 2 ? 0 : Math.sqrt(IntStream.range(0, best.length)
                    .mapToDouble(i -> (best[i] - mean) * (best[i] - mean)).sum() / (best.length - 1));
        }

        double meanTrendGain() {
            return IntStream.range(0, trendGain.length).mapToDouble(i -> trendGain[i]).average().orElse(Double.NaN);
        }
    }

    /**
     * The study's outcome.
     *
     * @param table one row per grid point, numbers as fractions
     * @param selected the selected point's knobs
     * @param checks the selected point's lines: targets, the different-samples check, the flatness check
     * @param files the files written
     */
    public record Result(Table table, DataSettings selected, List<String> checks, List<Path> files) {}

    private CalibrationStudy() {}

    /** The options table of {@code kit calibrate}. */
    public static Options options() {
        var type = AvMnistTtsTask.TYPE;
        List<Option<?>> options = new ArrayList<>();
        options.add(TaskRegistry.SEEDS.withDefaults(LongStream.range(0, type.seeds()).boxed().toList(),
                List.of(0L, 1L)));
        options.add(TaskRegistry.TEACHER_EPOCHS.withDefaults(type.epochs()[0], type.epochs()[1]));
        options.add(TaskRegistry.BATCH_SIZE.withDefaults(type.batchSize()[0], type.batchSize()[1]));
        options.add(TaskRegistry.INITIALISATION);
        options.add(TaskRegistry.FEATURE_POINT);
        options.add(TaskRegistry.output(type));
        options.add(AvMnistTtsTask.DATA);
        options.add(AvMnistTtsTask.MAX_PAIRS);
        options.add(AvMnistTtsTask.WIDTH);
        options.add(GRID_TRAIN_PAIRS);
        options.add(GRID_IMAGE_ENERGY);
        options.add(GRID_SNR_DB);
        return new Options("kit calibrate", options);
    }

    /** Runs {@code kit calibrate}; its results go to {@code <output>/calibration}. */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties()));
    }

    /** Runs {@code kit calibrate} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, positional -> options(), (settings, positional) -> {
            Result result = run(settings, settings.get(TaskRegistry.output(AvMnistTtsTask.TYPE)).resolve(
                    "calibration"));
            System.out.println(PlainText.table(formatted(result.table())));
            result.checks().forEach(System.out::println);
            result.files().forEach(path -> System.out.println("wrote " + path));
        });
    }

    /**
     * Trains (or reads back) every unimodal run of the grid of {@code settings} under {@code outputDir/runs}, and
     * writes {@code calibration.csv}, {@code calibration.txt} (the readable table, the selected point and its
     * checks) to {@code outputDir}.
     */
    public static Result run(Settings settings, Path outputDir) {
        List<Long> seeds = settings.get(TaskRegistry.SEEDS);
        int epochs = settings.get(TaskRegistry.TEACHER_EPOCHS);
        int batch = settings.get(TaskRegistry.BATCH_SIZE);
        Path root = settings.get(AvMnistTtsTask.DATA);
        int maxPairs = settings.get(AvMnistTtsTask.MAX_PAIRS);
        var network = AvMnistTtsTask.network(settings);
        var initialisation = settings.get(TaskRegistry.INITIALISATION);
        List<Double> energies = settings.get(GRID_IMAGE_ENERGY);
        energies.forEach(energy -> {
            if (!(energy > 0 && energy <= 1)) {
                throw new IllegalArgumentException("kit calibrate: gridImageEnergy " + energy + " must lie in (0, 1]");
            }
        });
        List<Double> snrs = settings.get(GRID_SNR_DB);
        Map<String, Scores> scores = new LinkedHashMap<>();
        Map<String, Experiment> experiments = new LinkedHashMap<>();
        for (int pairs : settings.get(GRID_TRAIN_PAIRS)) {
            for (double snr : snrs) {
                // audio runs: images intact (they do not enter an audio run)
                DataSettings data = new DataSettings(snr, 1.0, pairs);
                Experiment experiment = new Experiment(AvMnistTtsTask.create(root, maxPairs, data, network, true),
                        outputDir.resolve("runs").resolve(key("audio", pairs, snr)), initialisation);
                experiments.put(key("audio", pairs, snr), experiment);
                scores.put(key("audio", pairs, snr), train(experiment, "audio", seeds, epochs, batch));
            }
            for (double energy : energies) {
                // image runs: the audio at the first SNR of the grid (it does not enter an image run)
                DataSettings data = new DataSettings(snrs.get(0), energy, pairs);
                Experiment experiment = new Experiment(AvMnistTtsTask.create(root, maxPairs, data, network, true),
                        outputDir.resolve("runs").resolve(key("image", pairs, energy)), initialisation);
                experiments.put(key("image", pairs, energy), experiment);
                scores.put(key("image", pairs, energy), train(experiment, "image", seeds, epochs, batch));
            }
        }
        Table table = table(settings.get(GRID_TRAIN_PAIRS), energies, snrs, scores);
        int selectedRow = select(table);
        DataSettings selected = new DataSettings(table.doubleColumn("snrDb").get(selectedRow),
                table.doubleColumn("imageEnergy").get(selectedRow), table.intColumn("trainPairs").get(selectedRow));
        List<String> checks = new ArrayList<>();
        checks.add(String.format(Locale.ROOT, "Targets (validation split; best-validation epoch; %d seeds, %d"
                + " epochs): both modalities in [%.0f %%, %.0f %%]; gap between them >= %.0f points; sd over seeds"
                + " <= %.1f point; end-of-training validation trend averaged over seeds < %.1f point.", seeds.size(),
                epochs, 100 * BAND_LOW, 100 * BAND_HIGH, 100 * MIN_GAP, 100 * MAX_SD, 100 * MAX_TREND_GAIN));
        checks.add("Rule: among the points meeting the most targets, the smallest max(|image - 0.70|, |audio -"
                + " 0.70|); ties to fewer training pairs, then grid order.");
        checks.add(String.format(Locale.ROOT, "Selected: trainPairs %d, imageEnergy %s, snrDb %s (%d of 4 targets met)"
                + ": image %.1f ± %.1f %%, audio %.1f ± %.1f %%.", selected.trainPairs(),
                Option.show(selected.imageEnergy()), Option.show(selected.snrDb()),
                4 - table.intColumn("missed").get(selectedRow), 100 * table.doubleColumn("image_mean").get(selectedRow),
                100 * table.doubleColumn("image_sd").get(selectedRow),
                100 * table.doubleColumn("audio_mean").get(selectedRow),
                100 * table.doubleColumn("audio_sd").get(selectedRow)));
        Experiment image = experiments.get(key("image", selected.trainPairs(), selected.imageEnergy()));
        Experiment audio = experiments.get(key("audio", selected.trainPairs(), selected.snrDb()));
        checks.add(differentFailures(image, audio, seeds, epochs, batch));
        checks.add(String.format(Locale.ROOT, "Flatness (the gain of the least-squares line through the validation"
                + " accuracies of the last %d of %d epochs, averaged over seeds; flat when below %.1f point): image"
                + " %+.2f points, audio %+.2f points.", RunOutcome.trendEpochs(epochs), epochs, 100 * MAX_TREND_GAIN,
                100 * table.doubleColumn("image_trend_gain").get(selectedRow),
                100 * table.doubleColumn("audio_trend_gain").get(selectedRow)));
        List<Path> files = new ArrayList<>();
        files.add(ResultFiles.writeCsv(table, outputDir.resolve("calibration.csv")));
        files.add(ResultFiles.writeString(PlainText.table(formatted(table)) + System.lineSeparator()
                + String.join(System.lineSeparator(), checks) + System.lineSeparator(),
                outputDir.resolve("calibration.txt")));
        return new Result(table, selected, checks, files);
    }

    private static String key(String modality, int pairs, double knob) {
        return String.format(Locale.ROOT, "%s-pairs%d-%s%s", modality, pairs, modality.equals("image") ? "energy"
                : "snr", Option.show(knob));
    }

    private static RunSpec spec(int epochs, int batch, long seed) {
        return RunSpec.paper(epochs, batch, seed);
    }

    private static Scores train(Experiment experiment, String modality, List<Long> seeds, int epochs, int batch) {
        double[] best = new double[seeds.size()];
        double[] trendGain = new double[seeds.size()];
        List<double[]> curves = new ArrayList<>();
        for (int s = 0; s < seeds.size(); s++) {
            RunOutcome outcome = experiment.teacher(modality, spec(epochs, batch, seeds.get(s)));
            if (!outcome.finished()) {
                throw new IllegalStateException("kit calibrate: " + outcome.name() + " failed: " + outcome.failure());
            }
            double[] curve = outcome.records().stream().mapToDouble(CalibrationStudy::validation).toArray();
            curves.add(curve);
            best[s] = validation(outcome.records().get(outcome.bestValidationEpoch()));
            trendGain[s] = RunOutcome.endTrend(curve);
        }
        return new Scores(best, trendGain, curves);
    }

    private static double validation(EpochRecord record) {
        return record.validation().values().iterator().next();
    }

    /** One row per grid point (pairs, energy, SNR), with each modality's scores and the targets. */
    static Table table(List<Integer> pairsGrid, List<Double> energies, List<Double> snrs, Map<String, Scores> scores) {
        Table table = Table.create("Calibration of the hard default on the validation split (best-validation"
                + " accuracy, mean and sd over seeds)", IntColumn.create("trainPairs"),
                DoubleColumn.create("imageEnergy"), DoubleColumn.create("snrDb"), DoubleColumn.create("image_mean"),
                DoubleColumn.create("image_sd"), DoubleColumn.create("audio_mean"), DoubleColumn.create("audio_sd"),
                DoubleColumn.create("gap"), DoubleColumn.create("image_trend_gain"),
                DoubleColumn.create("audio_trend_gain"), BooleanColumn.create("band"), BooleanColumn.create("gap_ok"),
                BooleanColumn.create("sd_ok"), BooleanColumn.create("flat"), IntColumn.create("missed"),
                DoubleColumn.create("distance"));
        for (int pairs : pairsGrid) {
            for (double energy : energies) {
                for (double snr : snrs) {
                    Scores image = scores.get(key("image", pairs, energy));
                    Scores audio = scores.get(key("audio", pairs, snr));
                    double gap = audio.mean() - image.mean();
                    boolean band = inBand(image.mean()) && inBand(audio.mean());
                    boolean gapOk = Math.abs(gap) >= MIN_GAP - 1e-12;
                    boolean sdOk = image.sd() <= MAX_SD + 1e-12 && audio.sd() <= MAX_SD + 1e-12;
                    boolean flat = image.meanTrendGain() < MAX_TREND_GAIN && audio.meanTrendGain() < MAX_TREND_GAIN;
                    table.intColumn("trainPairs").append(pairs);
                    table.doubleColumn("imageEnergy").append(energy);
                    table.doubleColumn("snrDb").append(snr);
                    table.doubleColumn("image_mean").append(image.mean());
                    table.doubleColumn("image_sd").append(image.sd());
                    table.doubleColumn("audio_mean").append(audio.mean());
                    table.doubleColumn("audio_sd").append(audio.sd());
                    table.doubleColumn("gap").append(gap);
                    table.doubleColumn("image_trend_gain").append(image.meanTrendGain());
                    table.doubleColumn("audio_trend_gain").append(audio.meanTrendGain());
                    table.booleanColumn("band").append(band);
                    table.booleanColumn("gap_ok").append(gapOk);
                    table.booleanColumn("sd_ok").append(sdOk);
                    table.booleanColumn("flat").append(flat);
                    table.intColumn("missed").append((band ? 0 : 1) + (gapOk ? 0 : 1) + (sdOk ? 0 : 1)
                            + (flat ? 0 : 1));
                    table.doubleColumn("distance").append(Math.max(Math.abs(image.mean() - BAND_MIDDLE),
                            Math.abs(audio.mean() - BAND_MIDDLE)));
                }
            }
        }
        return table;
    }

    private static boolean inBand(double accuracy) {
        return accuracy >= BAND_LOW && accuracy <= BAND_HIGH;
    }

    /** Returns the row the selection rule picks (see the class comment). */
    static int select(Table table) {
        return IntStream.range(0, table.rowCount()).boxed().min(Comparator
                .<Integer>comparingInt(row -> table.intColumn("missed").getInt(row))
                .thenComparingDouble(row -> table.doubleColumn("distance").getDouble(row))
                .thenComparingInt(row -> table.intColumn("trainPairs").getInt(row))
                .thenComparingInt(row -> row)).orElseThrow();
    }

    /** The table for reading: accuracies as "mean ± sd" in percent, gains in points, targets as yes/no. */
    public static Table formatted(Table table) {
        Table out = Table.create(table.name(), IntColumn.create("trainPairs"), StringColumn.create("imageEnergy"),
                StringColumn.create("snrDb"), StringColumn.create("image %"), StringColumn.create("audio %"),
                StringColumn.create("gap (a-i)"), StringColumn.create("end trend i/a"), StringColumn.create("band"),
                StringColumn.create("gap>=5"), StringColumn.create("sd<=1"), StringColumn.create("flat"),
                StringColumn.create("all"));
        for (int row = 0; row < table.rowCount(); row++) {
            out.intColumn("trainPairs").append(table.intColumn("trainPairs").getInt(row));
            out.stringColumn("imageEnergy").append(Option.show(table.doubleColumn("imageEnergy").get(row)));
            out.stringColumn("snrDb").append(Option.show(table.doubleColumn("snrDb").get(row)));
            out.stringColumn("image %").append(percent(table, "image", row));
            out.stringColumn("audio %").append(percent(table, "audio", row));
            out.stringColumn("gap (a-i)").append(String.format(Locale.ROOT, "%+.1f",
                    100 * table.doubleColumn("gap").get(row)));
            out.stringColumn("end trend i/a").append(String.format(Locale.ROOT, "%+.2f/%+.2f",
                    100 * table.doubleColumn("image_trend_gain").get(row),
                    100 * table.doubleColumn("audio_trend_gain").get(row)));
            for (String[] target : new String[][] {{"band", "band"}, {"gap_ok", "gap>=5"}, {"sd_ok", "sd<=1"},
                    {"flat", "flat"}}) {
                out.stringColumn(target[1]).append(table.booleanColumn(target[0]).get(row) ? "yes" : "no");
            }
            out.stringColumn("all").append(table.intColumn("missed").getInt(row) == 0 ? "yes" : "no");
        }
        return out;
    }

    private static String percent(Table table, String modality, int row) {
        return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * table.doubleColumn(modality + "_mean").get(row),
                100 * table.doubleColumn(modality + "_sd").get(row));
    }

    /**
     * The "fail on different samples" check: per seed, of the validation samples the image network gets wrong, the
     * fraction the audio network gets right, and the converse; averaged over seeds.
     */
    private static String differentFailures(Experiment image, Experiment audio, List<Long> seeds, int epochs,
            int batch) {
        double imageWrongAudioRight = 0;
        double audioWrongImageRight = 0;
        double bothWrong = 0;
        for (long seed : seeds) {
            RunSpec spec = spec(epochs, batch, seed);
            boolean[] imageRight = correct(image, "image", spec, batch);
            boolean[] audioRight = correct(audio, "audio", spec, batch);
            int imageWrong = 0;
            int audioWrong = 0;
            int rescuedByAudio = 0;
            int rescuedByImage = 0;
            int both = 0;
            for (int i = 0; i < imageRight.length; i++) {
                imageWrong += imageRight[i] ? 0 : 1;
                audioWrong += audioRight[i] ? 0 : 1;
                rescuedByAudio += !imageRight[i] && audioRight[i] ? 1 : 0;
                rescuedByImage += !audioRight[i] && imageRight[i] ? 1 : 0;
                both += !imageRight[i] && !audioRight[i] ? 1 : 0;
            }
            imageWrongAudioRight += imageWrong == 0 ? 0 : (double) rescuedByAudio / imageWrong;
            audioWrongImageRight += audioWrong == 0 ? 0 : (double) rescuedByImage / audioWrong;
            bothWrong += (double) both / imageRight.length;
        }
        int n = seeds.size();
        return String.format(Locale.ROOT, "Different failures (validation, best-validation parameters, mean over"
                + " seeds): of the samples the image network gets wrong, the audio network gets %.1f %% right; of"
                + " those the audio network gets wrong, the image network gets %.1f %% right; both wrong on %.1f %%"
                + " of the samples.", 100 * imageWrongAudioRight / n, 100 * audioWrongImageRight / n,
                100 * bothWrong / n);
    }

    /** Returns, per validation sample, whether the best-validation network of {@code modality} classifies it right. */
    private static boolean[] correct(Experiment experiment, String modality, RunSpec spec, int batch) {
        Task task = experiment.task();
        int m = task.modalityIndex(modality);
        BatchSource validation = task.splits(spec.seed()).validation();
        boolean[] right = new boolean[validation.size()];
        try (NDManager manager = NDManager.newBaseManager()) {
            FrozenTeacher network = experiment.frozenTeacher(modality, spec, manager);
            for (int from = 0; from < validation.size(); from += batch) {
                int[] indices = IntStream.range(from, Math.min(validation.size(), from + batch)).toArray();
                try (NDManager step = manager.newSubManager()) {
                    Batch samples = validation.batch(step, indices, 0);
                    NDArray predicted = network.forward(samples.input(m)).logits().argMax(1);
                    long[] classes = predicted.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                    long[] labels = samples.labels().toType(ai.djl.ndarray.types.DataType.INT64, false)
                            .toLongArray();
                    for (int i = 0; i < indices.length; i++) {
                        right[indices[i]] = classes[i] == labels[i];
                    }
                }
            }
        }
        return right;
    }
}
