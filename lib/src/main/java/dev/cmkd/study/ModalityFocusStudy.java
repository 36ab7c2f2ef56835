package dev.cmkd.study;

import dev.cmkd.cli.Cli;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Options;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.synthetic.ModalityFocusData;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.LogitKd;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NoDistillation;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.report.PairedComparison;
import dev.cmkd.report.PairedDifference;
import dev.cmkd.report.PlainText;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.tasks.ModalityFocusTask;
import dev.cmkd.tasks.TaskRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * When can cross-modal distillation help? The modality focusing hypothesis (Z. Xue, Z. Gao, S. Ren, H. Zhao, "The
 * Modality Focusing Hypothesis: Towards Understanding Crossmodal Knowledge Distillation", ICLR 2023, arXiv
 * 2206.06487) says that a student gains from a teacher of another modality through the decisive features the two
 * modalities share: the gain grows with their share γ, and at γ = 0 there is none. {@code lib/bin/kit mfh} sweeps γ
 * on {@link ModalityFocusTask} in two parts, each γ a task setting with its own folder {@code
 * <output>/<network>/gamma-<γ>/} run through the one {@link dev.cmkd.experiment.Protocol} and {@link Experiment}:
 *
 * <ul>
 *   <li>{@code linear}, the paper's setting: linear classifiers; no distillation, the registered {@code kd} (T = 4,
 *       α = 0.5) and {@code kd-mfh}, Hinton's KD as the authors' code weighs it ({@code CE + KL/C} at T = 1,
 *       i.e. T = 1, α = 1/3 up to a factor 3/2 that the learning rate absorbs);
 *   <li>{@code mlp}: every registered method (or those of {@code methods}) on an MLP whose penultimate feature
 *       the feature methods distil and FD-CMKD splits into bands.
 * </ul>
 *
 * Students are of modality {@code b} taught by the teacher of {@code a}, the paper's direction ({@code x1 → x2};
 * {@code students=a,b} runs both). Every student is compared with the student without distillation of the same seed
 * (the same data and initialisation): the gain {@code acc(method) − acc(none)} in points under {@code bestVal}, with
 * a 95 % t interval over seeds, Holm-adjusted over the part's table ({@link PairedComparison}). Whether a gain grows
 * with γ is tested the same way on each seed's least-squares slope of its gains against γ ({@link
 * PairedDifference}; Holm over the part's methods). Defaults: γ = 0, 1/4, 3/7, 2/3, 1 (the paper's grid less 1/9),
 * seeds 0–9 (the paper's 10 runs), 20 epochs of batch 20 (200 SGD steps). Nothing is tuned: every method keeps
 * its defaults.
 */
public final class ModalityFocusStudy {

    /** The reference method. */
    public static final String NONE = NoDistillation.NAME;
    /** Hinton's KD weighted as in the authors' code. */
    public static final MethodSpec KD_MFH = new MethodSpec("kd-mfh", (dim, classes) -> LogitKd.builder()
            .optTemperature(1).optAlpha(1.0 / 3).build());

    /** The values of γ. */
    public static final Option<List<Double>> GAMMAS = Option.numbers("gammas", "the values of gamma = k/(2m-k),"
            + " each giving a whole k", List.of(0.0, 0.25, 3.0 / 7, 2.0 / 3, 1.0), List.of(0.0, 1.0));
    /** The parts. */
    public static final Option<List<String>> NETWORKS = Option.choices("networks", List.of("linear", "mlp"),
            "the parts: linear (the paper's setting, none/kd/kd-mfh) and mlp (every method)", List.of("linear", "mlp"),
            List.of("linear", "mlp"));
    /** The methods of the MLP part. */
    public static final Option<List<String>> METHODS = Option.choices("methods", MethodRegistry.names(
            FeatureLayout.VECTOR, false), "the methods of the mlp part (none, the reference, is always run)",
            MethodRegistry.names(FeatureLayout.VECTOR, false), MethodRegistry.names(FeatureLayout.VECTOR, false));
    /** The seeds. */
    public static final Option<List<Long>> SEEDS = TaskRegistry.SEEDS.withDefaults(List.of(0L, 1L, 2L, 3L, 4L, 5L,
            6L, 7L, 8L, 9L), List.of(0L, 1L));
    /** The output folder. */
    public static final Option<Path> OUTPUT = Option.path("output", "where runs, tables and figures go",
            Path.of("results/mfh"), Path.of("results/mfh-ci"));

    private static final String PROTOCOL = "bestVal";
    private static final String METRIC = "test_accuracy";

    /**
     * One part of the study.
     *
     * @param network {@code linear} or {@code mlp}
     * @param results every run under every protocol, with columns {@code network} and {@code gamma}
     * @param gains per student, γ and method the gain over {@code none} ({@link PairedComparison#table} layout, with
     *     column {@code gamma})
     * @param trend per student and method, the slope of the gain against γ
     */
    public record Part(String network, Table results, Table gains, Table trend) {

        /** The gains for reading: γ, method, seeds, gain [95 % CI], Holm-adjusted p, verdict. */
        public Table formattedGains() {
            Table text = PairedComparison.formatted(gains);
            Table view = Table.create(text.name());
            view.addColumns(text.stringColumn("student").copy(), text.stringColumn("comparison").copy()
                    .setName("gamma"), gains.stringColumn("method").copy(), text.intColumn("seeds").copy(),
                    text.stringColumn("difference, points [95 % CI]").copy().setName("gain, points [95 % CI]"),
                    text.stringColumn("p (Holm)").copy(), text.stringColumn("verdict").copy());
            return view;
        }

        /** The sentences: the gains' {@link PairedComparison#conclusions}, then one per method's trend. */
        public List<String> conclusions() {
            List<String> sentences = new ArrayList<>(PairedComparison.conclusions(gains));
            for (int row = 0; row < trend.rowCount(); row++) {
                sentences.add(trendSentence(trend, row));
            }
            return sentences;
        }
    }

    /**
     * The study's outcome.
     *
     * @param parts the parts run
     * @param files the files written
     */
    public record Result(List<Part> parts, List<Path> files) {}

    private ModalityFocusStudy() {}

    /** Runs {@code kit mfh}; {@code --help} lists its settings. */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties()));
    }

    /** Runs {@code kit mfh} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, positional -> options(), (settings, positional) -> {
            long start = System.nanoTime();
            Result result = run(settings);
            for (Part part : result.parts()) {
                System.out.println(PlainText.table(part.formattedGains()));
                part.conclusions().forEach(System.out::println);
                System.out.println();
            }
            String timing = String.format(Locale.ROOT, "kit mfh finished in %.1f min (this invocation; runs finished"
                    + " by an earlier one are read back)%n", (System.nanoTime() - start) / 60e9);
            ResultFiles.writeString(timing, settings.get(OUTPUT).resolve("wall-time.txt"));
            result.files().forEach(path -> System.out.println("wrote " + path));
            System.out.print(timing);
        });
    }

    /**
     * The options of {@code kit mfh}: the protocol's (seeds, students, epochs, batch size), the task's data and MLP
     * sizes, and the sweep's γ values, parts and methods.
     */
    public static Options options() {
        TaskType type = ModalityFocusTask.TYPE;
        List<Option<?>> options = new ArrayList<>();
        options.add(GAMMAS);
        options.add(NETWORKS);
        options.add(METHODS);
        options.add(SEEDS);
        options.add(TaskRegistry.students(type).withDefaults(List.of("b"), List.of("b")));
        options.add(TaskRegistry.TEACHER_EPOCHS.withDefaults(20, 1));
        options.add(TaskRegistry.STUDENT_EPOCHS.withDefaults(20, 1));
        options.add(TaskRegistry.BATCH_SIZE.withDefaults(20, 16));
        options.add(TaskRegistry.JOINT);
        options.add(TaskRegistry.INITIALISATION);
        options.add(TaskRegistry.FEATURE_POINT);
        options.add(OUTPUT);
        type.options().stream().filter(o -> o != ModalityFocusTask.GAMMA && o != ModalityFocusTask.NETWORK)
                .forEach(options::add);
        return new Options("kit mfh", options);
    }

    /** Parses {@code key=value} texts with the options of {@code kit mfh} (the tests' and notebooks' way). */
    public static Settings settings(Map<String, String> values) {
        return options().parse(values);
    }

    /**
     * Trains (or reads back) every part's runs for every γ and seed of {@code settings} and writes, under {@code
     * output}: per part {@code gains-<network>.csv}, {@code trend-<network>.csv}, {@code gains-<network>.txt} (the
     * table and its conclusions) and {@code gain-<network>.png}; {@code results.csv} with every run.
     */
    public static Result run(Settings settings) {
        Path output = settings.get(OUTPUT);
        List<Double> gammas = settings.get(GAMMAS);
        gammas.forEach(gamma -> ModalityFocusData.sharedFor(gamma, settings.get(ModalityFocusTask.DECISIVE)));
        List<Part> parts = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        Table all = null;
        for (String network : settings.get(NETWORKS)) {
            List<MethodSpec> methods = methods(network, settings);
            Map<Double, Table> byGamma = new LinkedHashMap<>();
            for (int i = 0; i < gammas.size(); i++) {
                double gamma = gammas.get(i);
                ModalityFocusTask task = ModalityFocusTask.create(settings, gamma, network);
                System.out.printf(Locale.ROOT, "kit mfh: %s part, gamma %s (%d of %d): %s%n", network,
                        label(gamma), i + 1, gammas.size(), task.generator());
                Path dir = output.resolve(network).resolve("gamma-" + label(gamma));
                BenchmarkReport report = Runner.protocol(ModalityFocusTask.TYPE, settings, methods)
                        .run(new Experiment(task, dir.resolve("runs"), settings.get(TaskRegistry.INITIALISATION)));
                Table results = report.results();
                results.insertColumn(0, DoubleColumn.create("gamma", results.rowCount()).fillWith(
                        task.generator().realisedGamma()));
                results.insertColumn(0, StringColumn.create("network", java.util.Collections.nCopies(
                        results.rowCount(), network)));
                files.add(ResultFiles.writeCsv(results.setName("results"), dir.resolve("results.csv")));
                byGamma.put(task.generator().realisedGamma(), results);
                all = all == null ? results.copy() : all.append(results);
            }
            Part part = part(network, byGamma, methods, settings.get(TaskRegistry.students(ModalityFocusTask.TYPE)));
            parts.add(part);
            files.add(ResultFiles.writeCsv(part.gains(), output.resolve("gains-" + network + ".csv")));
            files.add(ResultFiles.writeCsv(part.trend(), output.resolve("trend-" + network + ".csv")));
            files.add(ResultFiles.writeString(PlainText.table(part.formattedGains()) + System.lineSeparator()
                    + String.join(System.lineSeparator(), part.conclusions()) + System.lineSeparator(),
                    output.resolve("gains-" + network + ".txt")));
            files.add(ResultFiles.writePng(chart(part), output.resolve("gain-" + network + ".png")));
        }
        files.add(ResultFiles.writeCsv(all.setName("results"), output.resolve("results.csv")));
        return new Result(parts, files);
    }

    /** The methods of a part: none first, then kd and kd-mfh (linear) or the settings' methods (mlp). */
    static List<MethodSpec> methods(String network, Settings settings) {
        List<MethodSpec> methods = new ArrayList<>();
        methods.add(MethodRegistry.spec(NONE, FeatureLayout.VECTOR));
        if (network.equals("linear")) {
            methods.add(MethodRegistry.spec(LogitKd.NAME, FeatureLayout.VECTOR));
            methods.add(KD_MFH);
        } else {
            settings.get(METHODS).stream().filter(name -> !name.equals(NONE))
                    .forEach(name -> methods.add(MethodRegistry.spec(name, FeatureLayout.VECTOR)));
        }
        return methods;
    }

    /** The part's gains (one Holm family) and trends from each γ's results. */
    static Part part(String network, Map<Double, Table> byGamma, List<MethodSpec> methods, List<String> students) {
        List<PairedComparison.Pairing> pairings = new ArrayList<>();
        List<Double> gammaOfPairing = new ArrayList<>();
        for (String student : students) {
            for (Map.Entry<Double, Table> gamma : byGamma.entrySet()) {
                for (MethodSpec method : methods.subList(1, methods.size())) {
                    pairings.add(new PairedComparison.Pairing("γ = " + label(gamma.getKey()), gamma.getValue(),
                            student, NONE, method.name()));
                    gammaOfPairing.add(gamma.getKey());
                }
            }
        }
        Table gains = PairedComparison.table("Gain over no distillation (" + network + ", " + PROTOCOL + ")",
                pairings, PROTOCOL, METRIC);
        gains.insertColumn(1, DoubleColumn.create("gamma", gammaOfPairing));
        return new Part(network, byGamma.values().stream().reduce((a, b) -> a.copy().append(b)).orElseThrow(),
                gains, trend(network, byGamma, methods, students));
    }

    /**
     * Per student and method, each seed's least-squares slope of its gain (points) against γ over the seeds with
     * every γ finished, and the paired statistics of those slopes: columns {@code student}, {@code method}, {@code
     * seeds}, {@code slope}, {@code ci_low}, {@code ci_high}, {@code p}, {@code p_holm} (over the table), {@code
     * verdict} ({@code grows}, {@code shrinks}, {@code no trend detected}, or no interval).
     */
    static Table trend(String network, Map<Double, Table> byGamma, List<MethodSpec> methods, List<String> students) {
        Table table = Table.create("Slope of the gain against gamma (" + network + ", " + PROTOCOL + ", points per"
                + " unit of gamma)", StringColumn.create("student"), StringColumn.create("method"),
                IntColumn.create("seeds"), DoubleColumn.create("slope"), DoubleColumn.create("ci_low"),
                DoubleColumn.create("ci_high"), DoubleColumn.create("p"), DoubleColumn.create("p_holm"),
                StringColumn.create("verdict"));
        List<PairedDifference> slopes = new ArrayList<>();
        for (String student : students) {
            for (MethodSpec method : methods.subList(1, methods.size())) {
                Map<Long, double[]> gains = new LinkedHashMap<>();
                int g = 0;
                for (Table results : byGamma.values()) {
                    Map<Long, Double> bySeed = gainsBySeed(results, student, method.name());
                    int at = g;
                    bySeed.forEach((seed, gain) -> gains.computeIfAbsent(seed, s -> nanArray(byGamma.size()))[at]
                            = gain);
                    g++;
                }
                double[] x = byGamma.keySet().stream().mapToDouble(Double::doubleValue).toArray();
                double[] perSeed = gains.values().stream().filter(y -> java.util.Arrays.stream(y)
                        .allMatch(Double::isFinite)).mapToDouble(y -> slope(x, y)).toArray();
                PairedDifference d = PairedDifference.of(x.length < 2 ? new double[0] : perSeed);
                slopes.add(d);
                table.stringColumn("student").append(student);
                table.stringColumn("method").append(method.name());
                table.intColumn("seeds").append(d.n());
                table.doubleColumn("slope").append(d.mean());
                table.doubleColumn("ci_low").append(d.lower());
                table.doubleColumn("ci_high").append(d.upper());
                table.doubleColumn("p").append(d.p());
            }
        }
        double[] adjusted = PairedComparison.holm(slopes.stream().filter(PairedDifference::hasInterval)
                .mapToDouble(PairedDifference::p).toArray());
        int next = 0;
        for (PairedDifference d : slopes) {
            double holm = d.hasInterval() ? adjusted[next++] : Double.NaN;
            table.doubleColumn("p_holm").append(holm);
            table.stringColumn("verdict").append(!d.hasInterval() ? "fewer than two seeds: no interval"
                    : holm < PairedComparison.ALPHA && d.lower() > 0 ? "grows"
                    : holm < PairedComparison.ALPHA && d.upper() < 0 ? "shrinks" : "no trend detected");
        }
        return table;
    }

    private static String trendSentence(Table trend, int row) {
        int n = trend.intColumn("seeds").getInt(row);
        String subject = String.format(Locale.ROOT, "Trend of %s's gain with gamma (%s student)",
                trend.stringColumn("method").get(row), trend.stringColumn("student").get(row));
        if (n < 2) {
            return subject + ": fewer than two seeds with every gamma; no conclusion.";
        }
        double holm = trend.doubleColumn("p_holm").getDouble(row);
        return String.format(Locale.ROOT, "%s: %s points per unit of gamma, 95 %% CI [%s, %s], n = %d seeds; %s after"
                + " Holm over %d methods (adjusted p %s).", subject,
                PairedComparison.signed(trend.doubleColumn("slope").getDouble(row), 1),
                PairedComparison.signed(trend.doubleColumn("ci_low").getDouble(row), 1),
                PairedComparison.signed(trend.doubleColumn("ci_high").getDouble(row), 1), n,
                trend.stringColumn("verdict").get(row), (int) trend.doubleColumn("p_holm").asList().stream()
                        .filter(p -> !Double.isNaN(p)).count(),
                holm < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "= %.3f", holm));
    }

    /** The gain (points) of {@code method} over {@code none} per seed, both finished under bestVal. */
    private static Map<Long, Double> gainsBySeed(Table results, String student, String method) {
        PairedComparison.Pairing pairing = new PairedComparison.Pairing(method, results, student, NONE, method);
        double[] differences = PairedComparison.differencesBySeed(pairing, PROTOCOL, METRIC);
        List<Long> seeds = seedsOfBoth(results, student, method);
        Map<Long, Double> gains = new LinkedHashMap<>();
        for (int i = 0; i < differences.length; i++) {
            gains.put(seeds.get(i), differences[i]);
        }
        return gains;
    }

    /** The seeds (ascending) where both {@code none} and {@code method} finished: the order of differencesBySeed. */
    private static List<Long> seedsOfBoth(Table results, String student, String method) {
        java.util.TreeSet<Long> none = finishedSeeds(results, student, NONE);
        none.retainAll(finishedSeeds(results, student, method));
        return List.copyOf(none);
    }

    private static java.util.TreeSet<Long> finishedSeeds(Table results, String student, String method) {
        java.util.TreeSet<Long> seeds = new java.util.TreeSet<>();
        for (int row = 0; row < results.rowCount(); row++) {
            if (results.getString(row, "role").equals("student") && results.getString(row, "modality").equals(student)
                    && results.getString(row, "method").equals(method)
                    && results.getString(row, "protocol").equals(PROTOCOL)
                    && BenchmarkReport.FINISHED.equals(results.getString(row, BenchmarkReport.STATUS))
                    && Double.isFinite(results.doubleColumn(METRIC).getDouble(row))) {
                seeds.add((long) results.intColumn("seed").getInt(row));
            }
        }
        return seeds;
    }

    private static double[] nanArray(int n) {
        double[] values = new double[n];
        java.util.Arrays.fill(values, Double.NaN);
        return values;
    }

    /** The least-squares slope of {@code y} on {@code x}. */
    static double slope(double[] x, double[] y) {
        double mx = java.util.Arrays.stream(x).average().orElseThrow();
        double my = java.util.Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    /**
     * The gain against γ, one line per method (and student), error bars the 95 % t intervals in the line's colour;
     * the lines are offset along γ by up to ±1.5 % of the axis so that their bars do not hide each other.
     */
    static XYChart chart(Part part) {
        Table gains = part.gains();
        XYChart chart = new XYChartBuilder().width(ResultFiles.FIGURE_WIDTH).height(ResultFiles.FIGURE_HEIGHT)
                .title("Gain over no distillation against gamma (" + part.network() + "; bestVal, mean over seeds,"
                        + " 95 % t CI)").xAxisTitle("gamma: shared / all decisive features")
                .yAxisTitle("student accuracy gain (points)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        List<String> students = gains.stringColumn("student").unique().asList();
        List<String> methods = gains.stringColumn("method").asList().stream().distinct().toList();
        double[] gammas = gains.doubleColumn("gamma").asDoubleArray();
        double range = java.util.Arrays.stream(gammas).max().orElse(1) - java.util.Arrays.stream(gammas).min()
                .orElse(0);
        int lines = students.size() * methods.size();
        int line = 0;
        double[] span = {Double.MAX_VALUE, -Double.MAX_VALUE};
        for (String student : students) {
            for (String method : methods) {
                double offset = lines < 2 ? 0 : 0.03 * (range == 0 ? 1 : range) * ((double) line++ / (lines - 1) - 0.5);
                Table rows = gains.where(gains.stringColumn("student").isEqualTo(student)
                        .and(gains.stringColumn("method").isEqualTo(method))
                        .and(gains.intColumn("seeds").isGreaterThan(0)));
                if (rows.rowCount() == 0) {
                    continue;
                }
                double[] x = rows.doubleColumn("gamma").asDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    x[i] += offset;
                }
                double[] y = rows.doubleColumn("difference").asDoubleArray();
                double[] error = new double[y.length];
                for (int i = 0; i < y.length; i++) {
                    double high = rows.doubleColumn("ci_high").getDouble(i);
                    error[i] = Double.isNaN(high) ? 0 : high - y[i];
                }
                span[0] = Math.min(span[0], java.util.Arrays.stream(x).min().orElseThrow());
                span[1] = Math.max(span[1], java.util.Arrays.stream(x).max().orElseThrow());
                chart.addSeries(students.size() > 1 ? method + " (" + student + ")" : method, x, y, error)
                        .setMarker(SeriesMarkers.CIRCLE);
            }
        }
        if (span[0] <= span[1]) {
            XYSeries zero = chart.addSeries("no gain", new double[] {span[0], span[1]}, new double[] {0, 0});
            zero.setMarker(SeriesMarkers.NONE).setLineColor(java.awt.Color.GRAY);
        }
        return chart;
    }

    /** γ for folder names and labels: up to four decimals, trailing zeros dropped ("0.25", "0.4286", "1"). */
    static String label(double gamma) {
        return String.format(Locale.ROOT, "%.4f", gamma).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
