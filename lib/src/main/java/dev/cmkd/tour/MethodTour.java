package dev.cmkd.tour;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cmkd.analysis.BandSimilarity;
import dev.cmkd.analysis.Spectrum;
import dev.cmkd.cli.Cli;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Options;
import dev.cmkd.frequency.Band;
import dev.cmkd.frequency.DcMode;
import dev.cmkd.frequency.FrequencyDecoupling;
import dev.cmkd.frequency.FrequencySplit;
import dev.cmkd.frequency.Implementation;
import dev.cmkd.method.DistillationObjective;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.model.ResNet;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.report.PlainText;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.SgdMomentum;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * FD-CMKD on one synthetic task, step by step: a teacher is trained on modality B, a student on modality
 * A is distilled from it with FD-CMKD, and the run reports every loss term over the steps, the spectrum
 * of both models' features, the energy and the cross-modal similarity of each band, and both models'
 * accuracy on held-out pairs. Everything is computed, nothing is typed in.
 */
public final class MethodTour {

    /**
     * The tour's sizes.
     *
     * @param classes number of classes
     * @param size side of each synthetic sample
     * @param noise noise standard deviation of the synthetic samples
     * @param width ResNet-18 base width (64 in the paper; smaller for a quick CPU run)
     * @param batch batch size (64 in the paper)
     * @param teacherSteps SGD steps of the teacher
     * @param studentSteps SGD steps of the student
     * @param heldOut number of held-out pairs for the analysis
     * @param seed random seed
     * @param outputDir where tables (CSV) and figures (PNG) go
     */
    public record Settings(int classes, int size, double noise, int width, int batch, int teacherSteps,
            int studentSteps, int heldOut, long seed, Path outputDir) {

        /** The main job's defaults ({@code kit tour}'s full profile): about a minute on two CPU cores. */
        public static Settings defaults(Path outputDir) {
            return new Settings(CLASSES.full(), SIZE.full(), NOISE.full(), WIDTH.full(), BATCH.full(),
                    TEACHER_STEPS.full(), STUDENT_STEPS.full(), HELD_OUT.full(), SEED.full(), outputDir);
        }
    }

    /** The tour's tables and the paths of its files. */
    public record Result(Table terms, Table similarity, Table energy, Table accuracy, List<Path> files) {}

    /** The released code's initial learning rate; the tour keeps it fixed. */
    private static final double LEARNING_RATE = 0.01;
    /** The released code's SGD momentum. */
    private static final double MOMENTUM = 0.9;

    /** The batch index of the held-out pairs: far beyond any training step's index. */
    private static final long HELD_OUT_INDEX = 1_000_000;

    private MethodTour() {}

    // The settings of kit tour, each described by its help text; kit tour [OUTPUT_DIR] is --output=OUTPUT_DIR.
    static final Option<Path> OUTPUT = Option.path("output", "where the tables (CSV) and figures (PNG) go (a"
            + " positional OUTPUT_DIR overrides it)", Path.of("results", "tour"), Path.of("results", "tour-ci"));
    static final Option<Integer> CLASSES = Option.integer("classes", 2, "number of classes of the synthetic task",
            10, 4);
    static final Option<Integer> SIZE = Option.integer("size", 4, "side of each synthetic sample (pixels)", 16, 8);
    static final Option<Double> NOISE = new Option<>("noise", "number >= 0", "noise standard deviation of the"
            + " synthetic samples", 1.5, 0.5, text -> {
                double value = Option.number("noise", "", null, null).parse().apply(text);
                if (!(value >= 0)) {
                    throw new IllegalArgumentException("below 0");
                }
                return value;
            });
    static final Option<Integer> WIDTH = Option.integer("width", 1, "ResNet-18 base width (64 in the paper)", 16, 8);
    static final Option<Integer> BATCH = Option.integer("batchSize", 1, "batch size (64 in the paper)", 64, 32);
    static final Option<Integer> TEACHER_STEPS = Option.integer("teacherSteps", 1, "SGD steps of the teacher",
            100, 30);
    static final Option<Integer> STUDENT_STEPS = Option.integer("studentSteps", 1, "SGD steps of the student",
            150, 30);
    static final Option<Integer> HELD_OUT = Option.integer("heldOut", 2, "held-out pairs for the analysis",
            512, 64);
    static final Option<Integer> SEED = Option.integer("seed", 0, "random seed", 0, 0);

    /** Returns the options table of {@code kit tour}. */
    static Options options() {
        return new Options("kit tour", List.of(OUTPUT, CLASSES, SIZE, NOISE, WIDTH, BATCH, TEACHER_STEPS,
                STUDENT_STEPS, HELD_OUT, SEED));
    }

    /**
     * Runs the tour ({@code lib/bin/kit tour [OUTPUT_DIR]}); {@code --help} lists its settings. An unknown or
     * malformed setting ends it with status 2 and one line, before any work.
     */
    public static void main(String[] args) {
        Cli.main(args, positional -> options(), MethodTour::tour);
    }

    /** Runs {@code kit tour} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, positional -> options(), MethodTour::tour);
    }

    /** Returns the tour's sizes from the settings of {@code kit tour} and its positional arguments. */
    static Settings settings(dev.cmkd.cli.Settings settings, List<String> positional) {
        if (positional.size() > 1) {
            throw new Options.InvalidOption("kit tour: more than one OUTPUT_DIR: " + positional
                    + "; fix: lib/bin/kit tour [OUTPUT_DIR] (or --output=DIR)");
        }
        Path out = positional.isEmpty() ? settings.get(OUTPUT) : Path.of(positional.get(0));
        return new Settings(settings.get(CLASSES), settings.get(SIZE), settings.get(NOISE), settings.get(WIDTH),
                settings.get(BATCH), settings.get(TEACHER_STEPS), settings.get(STUDENT_STEPS),
                settings.get(HELD_OUT), settings.get(SEED), out);
    }

    private static void tour(dev.cmkd.cli.Settings options, List<String> positional) {
        Settings settings = settings(options, positional);
        long start = System.nanoTime();
        Result result = run(settings);
        Stream.of(result.terms(), result.energy(), result.similarity(), result.accuracy())
                .forEach(table -> System.out.println(PlainText.table(table)));
        System.out.println(PlainText.files(result.files()));
        System.out.printf(Locale.ROOT, "tour finished in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Runs the tour and writes its tables and figures to {@code settings.outputDir()}. */
    public static Result run(Settings settings) {
        Engine.getInstance().setRandomSeed((int) settings.seed());
        SyntheticPairs data = new SyntheticPairs(settings.classes(), settings.size(), settings.noise(), settings.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            Shape input = new Shape(settings.batch(), 1, settings.size(), settings.size());
            ResNet teacherNet = network(settings);
            teacherNet.initialize(manager, DataType.FLOAT32, input);
            trainTeacher(teacherNet, data, settings, store, manager);
            FrozenTeacher teacher = new FrozenTeacher(teacherNet);

            ResNet studentNet = network(settings);
            FdCmkd method = FdCmkd.builder().setFeatureDim(studentNet.getFeatureDim())
                    .setNumClasses(settings.classes()).build();
            DistillationObjective objective = new DistillationObjective(studentNet, method);
            objective.initialize(manager, DataType.FLOAT32, input);
            SgdMomentum optimizer = new SgdMomentum(objective.getParameters(), MOMENTUM);
            int d = studentNet.getFeatureDim();

            SyntheticPairs.Batch heldOut = data.batch(manager, settings.heldOut(), HELD_OUT_INDEX);
            NDArray untrained = NetworkOutput.of(studentNet.forward(new ParameterStore(manager, false),
                    new NDList(heldOut.modalityA()), false)).feature();

            Map<String, double[]> curves = new LinkedHashMap<>();
            Map<String, Double> weights = new LinkedHashMap<>();
            for (int step = 0; step < settings.studentSteps(); step++) {
                try (NDManager stepManager = manager.newSubManager()) {
                    SyntheticPairs.Batch batch = data.batch(stepManager, settings.batch(), step);
                    Map<String, Double> terms = optimizer.minimize(LEARNING_RATE, () -> objective.evaluate(store,
                            batch.modalityA(), teacher.forward(batch.modalityB()), batch.labels(), true));
                    int at = step;
                    terms.forEach((name, value) ->
                            curves.computeIfAbsent(name, k -> new double[settings.studentSteps()])[at] = value);
                }
                if ((step + 1) % 50 == 0 || step + 1 == settings.studentSteps()) {
                    System.out.printf(Locale.ROOT, "student step %d/%d  total %.4f%n", step + 1,
                            settings.studentSteps(), curves.get(LossTerms.TOTAL)[step]);
                }
            }
            LossTerms finalTerms = objective.evaluate(new ParameterStore(manager, false), heldOut.modalityA(),
                    teacher.forward(heldOut.modalityB()), heldOut.labels(), false);
            finalTerms.names().forEach(name -> weights.put(name, finalTerms.weight(name)));

            NetworkOutput teacherOut = teacher.forward(heldOut.modalityB());
            NetworkOutput studentOut = NetworkOutput.of(studentNet.forward(
                    new ParameterStore(manager, false), new NDList(heldOut.modalityA()), false));
            Table terms = termsTable(curves, weights);
            Table energy = energyTable(manager, Map.of("teacher (modality B)", teacherOut.feature(),
                    "FD-CMKD student (modality A)", studentOut.feature()), d);
            Map<String, Map<String, Double>> pairs = new LinkedHashMap<>();
            pairs.put("teacher vs untrained student", BandSimilarity.perBand(teacherOut.feature(), untrained, 0.5));
            pairs.put("teacher vs FD-CMKD student", BandSimilarity.perBand(teacherOut.feature(),
                    studentOut.feature(), 0.5));
            Table similarity = BandSimilarity.table("SYNTHETIC: mean cosine similarity per band (held-out pairs)",
                    pairs);
            Table accuracy = accuracyTable(teacherOut, studentOut, heldOut.labels(), manager, d);
            Path out = settings.outputDir();
            List<Path> files = List.of(ResultFiles.writeCsv(terms, out.resolve("terms.csv")),
                    ResultFiles.writeCsv(energy, out.resolve("energy.csv")),
                    ResultFiles.writeCsv(similarity, out.resolve("similarity.csv")),
                    ResultFiles.writeCsv(accuracy, out.resolve("accuracy.csv")),
                    ResultFiles.writePng(termsChart(curves), out.resolve("terms.png")),
                    ResultFiles.writePng(spectrumChart(teacherOut.feature(), studentOut.feature(), d),
                            out.resolve("spectrum.png")));
            return new Result(terms, similarity, energy, accuracy, files);
        }
    }

    private static ResNet network(Settings settings) {
        return ResNet.builder().setNumClasses(settings.classes()).optInputChannels(1).optWidth(settings.width())
                .optSmallInput(true).build();
    }

    private static void trainTeacher(ResNet teacher, SyntheticPairs data, Settings settings, ParameterStore store,
            NDManager manager) {
        SgdMomentum optimizer = new SgdMomentum(teacher.getParameters(), MOMENTUM);
        for (int step = 0; step < settings.teacherSteps(); step++) {
            try (NDManager stepManager = manager.newSubManager()) {
                SyntheticPairs.Batch batch = data.batch(stepManager, settings.batch(), step);
                double loss = optimizer.minimize(LEARNING_RATE, () -> new LossTerms().add("task", 1,
                        LossFunctions.crossEntropy(NetworkOutput.of(teacher.forward(store,
                                new NDList(batch.modalityB()), true)).logits(), batch.labels()))).get(LossTerms.TOTAL);
                if ((step + 1) % 50 == 0 || step + 1 == settings.teacherSteps()) {
                    System.out.printf(Locale.ROOT, "teacher step %d/%d  cross-entropy %.4f%n", step + 1,
                            settings.teacherSteps(), loss);
                }
            }
        }
    }

    private static Table termsTable(Map<String, double[]> curves, Map<String, Double> weights) {
        Table table = Table.create("SYNTHETIC: FD-CMKD loss terms over the student's training steps",
                StringColumn.create("term"), DoubleColumn.create("weight"), DoubleColumn.create("first_step"),
                DoubleColumn.create("mean_of_last_10_steps"));
        curves.forEach((name, values) -> {
            table.stringColumn("term").append(name);
            table.doubleColumn("weight").append(weights.getOrDefault(name, Double.NaN));
            table.doubleColumn("first_step").append(values[0]);
            table.doubleColumn("mean_of_last_10_steps").append(Arrays.stream(values, Math.max(0, values.length - 10),
                    values.length).average().orElseThrow());
        });
        return table;
    }

    private static Table energyTable(NDManager manager, Map<String, NDArray> features, int dim) {
        FrequencySplit split = FrequencySplit.builder().setChannels(dim).optDcMode(DcMode.SEPARATE).build();
        FrequencyDecoupling block = FrequencyDecoupling.initialized(split, Implementation.FFT, manager,
                DataType.FLOAT32);
        List<Band> bands = List.of(Band.DC, Band.LOW, Band.HIGH);
        Table table = Table.create("SYNTHETIC: share of feature energy per band (held-out pairs)",
                StringColumn.create("band", bands.stream().map(Band::name).toList()));
        features.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            Map<Band, Double> shares = Spectrum.energyShares(entry.getValue(), block.split(entry.getValue()));
            table.addColumns(DoubleColumn.create(entry.getKey(), bands.stream().mapToDouble(shares::get).toArray()));
        });
        return table;
    }

    private static Table accuracyTable(NetworkOutput teacher, NetworkOutput student, NDArray labels,
            NDManager manager, int dim) {
        FrequencySplit split = FrequencySplit.builder().setChannels(dim).build();
        double maxDiff = FrequencyDecoupling.initialized(split, Implementation.FFT, manager, DataType.FLOAT32)
                .split(teacher.feature()).low().sub(FrequencyDecoupling.initialized(split, Implementation.PROJECTION,
                        manager, DataType.FLOAT32).split(teacher.feature()).low()).abs().max().getFloat();
        return Table.create("SYNTHETIC: held-out checks", StringColumn.create("quantity",
                "teacher accuracy (modality B)", "FD-CMKD student accuracy (modality A)",
                "max |FFT - projection| of the teacher's low band"),
                DoubleColumn.create("value", accuracy(teacher.logits(), labels), accuracy(student.logits(), labels),
                        maxDiff));
    }

    private static double accuracy(NDArray logits, NDArray labels) {
        return logits.argMax(1).toType(DataType.INT64, false).eq(labels).toType(DataType.FLOAT64, false).mean()
                .getDouble();
    }

    private static XYChart termsChart(Map<String, double[]> curves) {
        XYChart chart = new XYChartBuilder().width(ResultFiles.FIGURE_WIDTH).height(ResultFiles.FIGURE_HEIGHT)
                .title("SYNTHETIC: FD-CMKD loss terms during distillation").xAxisTitle("step")
                .yAxisTitle("term value (log)")
                .build();
        chart.getStyler().setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.OutsideE)
                .setMarkerSize(0);
        curves.forEach((name, values) -> chart.addSeries(name,
                IntStream.rangeClosed(1, values.length).asDoubleStream().toArray(), positive(values)));
        return chart;
    }

    private static XYChart spectrumChart(NDArray teacher, NDArray student, int dim) {
        XYChart chart = new XYChartBuilder().width(ResultFiles.FIGURE_WIDTH).height(ResultFiles.FIGURE_HEIGHT)
                .title("SYNTHETIC: mean power spectrum of the features along channels")
                .xAxisTitle("frequency bin k")
                .yAxisTitle("mean |F_k|^2 / D (log)").build();
        chart.getStyler().setYAxisLogarithmic(true).setMarkerSize(0).setLegendPosition(Styler.LegendPosition.InsideNE);
        double[] teacherPower = positive(Spectrum.meanPower(teacher));
        double[] bins = IntStream.range(0, teacherPower.length).asDoubleStream().toArray();
        chart.addSeries("teacher (modality B)", bins, teacherPower);
        chart.addSeries("FD-CMKD student (modality A)", bins, positive(Spectrum.meanPower(student)));
        int cutoff = FrequencySplit.builder().setChannels(dim).build().lowBinCount();
        chart.addSeries(String.format(Locale.ROOT, "cutoff (bin %d)", cutoff), new double[] {cutoff + 0.5, cutoff + 0.5},
                new double[] {Arrays.stream(teacherPower).min().orElseThrow(),
                    Arrays.stream(teacherPower).max().orElseThrow()});
        return chart;
    }

    /** Returns {@code values} floored at 1e-12, for a logarithmic axis. */
    private static double[] positive(double[] values) {
        return Arrays.stream(values).map(value -> Math.max(value, 1e-12)).toArray();
    }
}
