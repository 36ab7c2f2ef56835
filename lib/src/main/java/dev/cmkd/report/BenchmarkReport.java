package dev.cmkd.report;

import dev.cmkd.experiment.PaperProtocol;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.experiment.Task;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.Environment;
import dev.cmkd.train.EpochRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Turns finished runs of one task into its tables and figures: every run under every selection protocol as rows
 * ({@code results.csv}, one {@code test_<metric>} column per metric of the task's {@link dev.cmkd.train.Evaluator},
 * each row naming its data so that synthetic numbers cannot pass for real ones), the mean and standard deviation
 * over seeds of the first metric per role, modality and method ({@code summary.csv}), that metric per method
 * ({@code accuracy.png} or {@code miou.png}) and validation curves ({@code curves-<modality>.png}).
 */
public final class BenchmarkReport {

    /**
     * One finished run.
     *
     * @param role "teacher" or "student"
     * @param modality the network's modality
     * @param teacherModality the teacher's modality ("" for a teacher)
     * @param method the method ("" for a teacher)
     * @param seed the seed
     * @param outcome the run's records
     */
    public record Entry(String role, String modality, String teacherModality, String method, long seed,
            RunOutcome outcome) {}

    /** The result column that says whether a run finished, and its value for one that did. */
    public static final String STATUS = "status";
    /**
     * The result column of a run's end-of-training validation trend ({@link RunOutcome#validationEndTrend}): how much
     * it was still gaining when it stopped.
     */
    public static final String END_TREND = "val_end_trend";
    /** The {@link #STATUS} of a run that finished. */
    public static final String FINISHED = "finished";

    private final String data;
    private final List<String> metrics;
    private final List<Entry> entries = new ArrayList<>();

    /** Creates an empty report of runs on {@code data} ({@link Task#data()}) scored by {@code metrics}. */
    public BenchmarkReport(String data, List<String> metrics) {
        this.data = data;
        this.metrics = List.copyOf(metrics);
    }

    /** Creates an empty report of the runs of {@code task}. */
    public BenchmarkReport(Task task) {
        this(task.data(), task.evaluator().metrics());
    }

    /** Returns the selecting metric's result column, e.g. {@code test_accuracy} or {@code test_miou}. */
    public String metricColumn() {
        return "test_" + metrics.get(0);
    }

    /** Returns the main metric's validation column, e.g. {@code val_accuracy} or {@code val_miou}. */
    public String validationColumn() {
        return "val_" + metrics.get(0);
    }

    /** Adds a run. */
    public void add(Entry entry) {
        entries.add(entry);
    }

    /** Returns the runs, in the order they were added. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Returns one report per student run, as one command of the protocol writes it: the run of its teacher (when
     * the protocol trained one) and its own.
     */
    public List<BenchmarkReport> commands() {
        List<BenchmarkReport> commands = new ArrayList<>();
        for (Entry student : entries) {
            if (student.role().equals("student")) {
                BenchmarkReport command = new BenchmarkReport(data, metrics);
                entries.stream().filter(e -> e.role().equals("teacher") && e.seed() == student.seed()
                        && e.modality().equals(student.teacherModality())).findFirst().ifPresent(command::add);
                command.add(student);
                commands.add(command);
            }
        }
        return commands;
    }

    /** Returns the wall time of every epoch of every run (training and evaluation), one row each. */
    public Table epochSeconds() {
        Table table = Table.create(PlainText.synthetic(synthetic(), "Wall time per epoch (training and evaluation)"),
                StringColumn.create("run"),
                IntColumn.create("epoch"), DoubleColumn.create("seconds"));
        Set<String> seen = new HashSet<>();   // a teacher serves both directions: its epochs are listed once
        for (Entry entry : entries) {
            for (EpochRecord record : entry.outcome().records()) {
                if (!seen.add(entry.outcome().name() + "#" + record.epoch())) {
                    continue;
                }
                table.stringColumn("run").append(entry.outcome().name());
                table.intColumn("epoch").append(record.epoch() + 1);
                table.doubleColumn("seconds").append(Math.round(record.seconds() * 100) / 100.0);
            }
        }
        return table;
    }

    /**
     * Returns every run under every protocol, one row each: its test metrics (NaN for a run that failed), the
     * main metric on validation at the same epoch ({@link RunOutcome#validationAccuracy}), its end-of-training validation trend ({@link #END_TREND}), {@code status} ({@code finished}, or why it failed) and
     * the environment that trained it ({@link Environment#KEYS}).
     */
    public Table results() {
        Table table = Table.create("results", StringColumn.create("data"), StringColumn.create("role"),
                StringColumn.create("modality"), StringColumn.create("teacher_modality"), StringColumn.create("method"),
                IntColumn.create("seed"), StringColumn.create("protocol"));
        metrics.forEach(metric -> table.addColumns(DoubleColumn.create("test_" + metric)));
        table.addColumns(DoubleColumn.create(validationColumn()), IntColumn.create("best_val_epoch"), IntColumn.create("epochs"), DoubleColumn.create(
                END_TREND), StringColumn.create(STATUS));
        Environment.KEYS.forEach(key -> table.addColumns(StringColumn.create(key)));
        for (Entry entry : entries) {
            RunOutcome outcome = entry.outcome();
            for (String protocol : RunOutcome.PROTOCOLS) {
                table.stringColumn("data").append(data);
                table.stringColumn("role").append(entry.role());
                table.stringColumn("modality").append(entry.modality());
                table.stringColumn("teacher_modality").append(entry.teacherModality());
                table.stringColumn("method").append(entry.method());
                table.intColumn("seed").append((int) entry.seed());
                table.stringColumn("protocol").append(protocol);
                table.doubleColumn(metricColumn()).append(outcome.testAccuracy(protocol));
                for (String metric : metrics.subList(1, metrics.size())) {
                    table.doubleColumn("test_" + metric).append(outcome.testMetric(metric, protocol));
                }
                table.doubleColumn(validationColumn()).append(outcome.validationAccuracy(protocol));
                if (outcome.finished()) {
                    table.intColumn("best_val_epoch").append(outcome.bestValidationEpoch() + 1);
                } else {
                    table.intColumn("best_val_epoch").appendMissing();
                }
                table.intColumn("epochs").append(outcome.records().size());
                table.doubleColumn(END_TREND).append(outcome.validationEndTrend());
                table.stringColumn(STATUS).append(outcome.finished() ? FINISHED : "failed: " + outcome.failure());
                Environment.KEYS.forEach(key -> table.stringColumn(key).append(outcome.environment()
                        .getOrDefault(key, "unknown")));
            }
        }
        return table;
    }

    /**
     * Returns, per role, modality and method, the mean and standard deviation (sample, n - 1) over seeds of
     * the selecting metric under each protocol, and the number of seeds.
     */
    public Table summary() {
        return summarize(results(), metricColumn());
    }

    /**
     * Returns the summary of a table of result rows (the layout of {@link #results()}) for the column {@code
     * metric} ({@code test_accuracy}, {@code test_miou}): per role, modality, teacher modality
     * and method, in the order of first appearance, the number of seeds and the mean and sample standard
     * deviation over seeds of {@code metric} under each protocol ({@code <protocol>_mean}, {@code
     * <protocol>_std}), and, when the rows have it, the mean end-of-training validation trend ({@code
     * val_end_trend_mean}, {@link #END_TREND}). Runs that failed are left out; their rows in the results say why.
     */
    public static Table summarize(Table results, String metric) {
        String name = metric.replace("test_", "").replace('_', ' ').replace("miou", "mIoU");
        Table table = Table.create("Test " + name + ", mean and standard"
                + " deviation over seeds", StringColumn.create("role"), StringColumn.create("modality"),
                StringColumn.create("teacher_modality"), StringColumn.create("method"), IntColumn.create("seeds"));
        for (String protocol : RunOutcome.PROTOCOLS) {
            table.addColumns(DoubleColumn.create(protocol + "_mean"), DoubleColumn.create(protocol + "_std"));
        }
        boolean trends = results.columnNames().contains(END_TREND);
        if (trends) {
            table.addColumns(DoubleColumn.create(END_TREND + "_mean"));
        }
        Map<String, Map<String, List<Double>>> groups = new LinkedHashMap<>();
        for (int row = 0; row < results.rowCount(); row++) {
            if (results.columnNames().contains(STATUS) && !FINISHED.equals(results.getString(row, STATUS))) {
                continue;
            }
            String key = String.join("|", results.getString(row, "role"), results.getString(row, "modality"),
                    results.getString(row, "teacher_modality"), results.getString(row, "method"));
            Map<String, List<Double>> group = groups.computeIfAbsent(key, k -> new LinkedHashMap<>());
            String protocol = results.getString(row, "protocol");
            group.computeIfAbsent(protocol, k -> new ArrayList<>()).add(((Number) results.column(metric).get(row))
                    .doubleValue());
            if (trends && protocol.equals(RunOutcome.PROTOCOLS.get(0))) {
                group.computeIfAbsent(END_TREND, k -> new ArrayList<>()).add(((Number) results.column(END_TREND)
                        .get(row)).doubleValue());
            }
        }
        for (Map.Entry<String, Map<String, List<Double>>> group : groups.entrySet()) {
            String[] key = group.getKey().split("\\|", -1);
            table.stringColumn("role").append(key[0]);
            table.stringColumn("modality").append(key[1]);
            table.stringColumn("teacher_modality").append(key[2]);
            table.stringColumn("method").append(key[3]);
            table.intColumn("seeds").append(group.getValue().get(RunOutcome.PROTOCOLS.get(0)).size());
            for (String protocol : RunOutcome.PROTOCOLS) {
                double[] values = group.getValue().get(protocol).stream().mapToDouble(Double::doubleValue).toArray();
                table.doubleColumn(protocol + "_mean").append(mean(values));
                table.doubleColumn(protocol + "_std").append(std(values));
            }
            if (trends) {
                table.doubleColumn(END_TREND + "_mean").append(mean(group.getValue().get(END_TREND).stream()
                        .mapToDouble(Double::doubleValue).toArray()));
            }
        }
        return table;
    }

    /**
     * Returns the summary as text: "mean ± std" in percent per protocol, and the end-of-training validation trend
     * in points (mean over seeds) when the results have it.
     */
    public static Table formatted(Table summary) {
        Table table = Table.create(summary.name() + " (percent)");
        for (String column : new String[] {"role", "modality", "teacher_modality", "method"}) {
            table.addColumns(summary.stringColumn(column).copy());
        }
        table.addColumns(summary.intColumn("seeds").copy());
        for (String protocol : RunOutcome.PROTOCOLS) {
            StringColumn column = StringColumn.create(protocol);
            for (int row = 0; row < summary.rowCount(); row++) {
                column.append(meanAndStd(100 * summary.doubleColumn(protocol + "_mean").getDouble(row),
                        100 * summary.doubleColumn(protocol + "_std").getDouble(row)));
            }
            table.addColumns(column);
        }
        if (summary.columnNames().contains(END_TREND + "_mean")) {
            StringColumn trend = StringColumn.create("val end trend");
            summary.doubleColumn(END_TREND + "_mean").forEach(value -> trend.append(
                    PairedComparison.signed(100 * value, 2)));
            table.addColumns(trend);
        }
        return table;
    }

    /** Returns what the runs' data are ({@link Task#data()}): the dataset's name, or {@code SYNTHETIC...}. */
    public String data() {
        return data;
    }

    /** Returns whether the runs are on a synthetic stand-in ({@link Task#data()} is {@code SYNTHETIC...}). */
    public boolean synthetic() {
        return synthetic(data);
    }

    /** Returns whether {@code data} (a result row's {@code data}) names a synthetic stand-in. */
    public static boolean synthetic(String data) {
        return data != null && data.startsWith(Task.SYNTHETIC);
    }

    /**
     * Returns the summary for reading ({@link #formatted}) as plain text ({@link PlainText#table}), its title
     * starting with SYNTHETIC when the runs are on a stand-in.
     */
    public String summaryText() {
        return PlainText.table(PlainText.synthetic(synthetic(), formatted(summary())));
    }

    /**
     * Writes results.csv, summary.csv, the comparisons of every method with {@code none} and {@code kd} ({@link
     * #writeComparisons}) and the figures to {@code dir}; returns the paths written.
     */
    public List<Path> write(Path dir) {
        List<Path> files = new ArrayList<>();
        Table summary = summary();
        Table results = results();
        files.add(ResultFiles.writeCsv(results, dir.resolve("results.csv")));
        files.add(ResultFiles.writeCsv(summary, dir.resolve("summary.csv")));
        files.addAll(writeComparisons(results, metricColumn(), dir));
        String metric = metrics.get(0).equals("miou") ? "mIoU" : metrics.get(0);
        CategoryChart accuracy = accuracyChart(summary, metric, headlineSelection(results));
        accuracy.setTitle(PlainText.synthetic(synthetic(), accuracy.getTitle()));
        files.add(ResultFiles.writePng(accuracy, dir.resolve(metrics.get(0) + ".png")));
        for (String modality : studentModalities()) {
            XYChart chart = curves(modality);
            chart.setTitle(PlainText.synthetic(synthetic(), chart.getTitle()));
            files.add(ResultFiles.writePng(chart, dir.resolve("curves-" + modality + ".png")));
        }
        return files;
    }

    /**
     * Returns the selection that the tables of {@code results} lead with: {@code paperBestTest} for runs under the
     * authors' protocol ({@link PaperProtocol}, whose rows name it in their {@code data}), the number the authors
     * report; {@code bestVal} otherwise.
     */
    public static String headlineSelection(Table results) {
        return results.rowCount() > 0 && results.stringColumn("data").getString(0).endsWith(PaperProtocol.DATA_SUFFIX)
                ? "paperBestTest" : "bestVal";
    }

    /**
     * Writes {@code comparisons.csv} (every method minus {@code none} and minus {@code kd}, paired by seed, under
     * the {@link #headlineSelection}: {@link PairedComparison#againstNoneAndKd}) and {@code comparisons.txt} (the
     * table for reading and its conclusions) to {@code dir}; returns the paths written.
     */
    public static List<Path> writeComparisons(Table results, String metric, Path dir) {
        Table comparisons = PairedComparison.againstNoneAndKd(results, headlineSelection(results), metric);
        String newline = System.lineSeparator();
        boolean synthetic = results.rowCount() > 0 && synthetic(results.stringColumn("data").getString(0));
        String text = PlainText.table(PlainText.synthetic(synthetic, PairedComparison.formatted(comparisons)))
                + newline + newline + PlainText.paragraphs(PairedComparison.conclusions(comparisons)) + newline;
        return List.of(ResultFiles.writeCsv(comparisons, dir.resolve("comparisons.csv")),
                ResultFiles.writeString(text, dir.resolve("comparisons.txt")));
    }

    private TreeSet<String> studentModalities() {
        TreeSet<String> modalities = new TreeSet<>();
        entries.stream().filter(e -> e.role().equals("student")).forEach(e -> modalities.add(e.modality()));
        return modalities;
    }

    /**
     * The students' test {@code metric} under {@code selection} per method, one group per student modality, with the
     * spread over seeds, from a summary in the layout of {@link #summarize}.
     *
     * @param metric the metric's name in the title and axis, e.g. {@code accuracy} or {@code mIoU}
     * @param selection the epoch selection shown, e.g. {@code bestVal} ({@link #headlineSelection})
     */
    public static CategoryChart accuracyChart(Table summary, String metric, String selection) {
        CategoryChart chart = new CategoryChartBuilder().width(ResultFiles.FIGURE_WIDTH)
                .height(ResultFiles.FIGURE_HEIGHT).title("Student test " + metric + " (" + selection + ", mean ± std"
                        + " over seeds; the axis does not start at 0)")
                .xAxisTitle("student modality").yAxisTitle("test " + metric + " (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        Table students = summary.where(summary.stringColumn("role").isEqualTo("student"));
        List<String> modalities = new ArrayList<>(new TreeSet<>(students.stringColumn("modality").asList()));
        double lowest = 100;
        for (String method : students.stringColumn("method").asList().stream().distinct().toList()) {
            List<Double> means = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (String modality : modalities) {
                int row = find(summary, "student", modality, method);
                means.add(row < 0 ? 0 : 100 * summary.doubleColumn(selection + "_mean").getDouble(row));
                errors.add(row < 0 || summary.doubleColumn(selection + "_std").isMissing(row) ? 0
                        : 100 * summary.doubleColumn(selection + "_std").getDouble(row));
                lowest = Math.min(lowest, means.get(means.size() - 1) - errors.get(errors.size() - 1));
            }
            chart.addSeries(method, modalities, means, errors);
        }
        chart.getStyler().setYAxisMin(Math.max(0, Math.floor(lowest) - 1)).setYAxisMax(100.0);
        return chart;
    }

    /** Returns the summary row of (role, modality, method), or -1. */
    public static int find(Table summary, String role, String modality, String method) {
        for (int row = 0; row < summary.rowCount(); row++) {
            if (summary.stringColumn("role").get(row).equals(role)
                    && summary.stringColumn("modality").get(row).equals(modality)
                    && summary.stringColumn("method").get(row).equals(method)) {
                return row;
            }
        }
        return -1;
    }

    /** The students' methods in the order they were run, so that every figure gives a method one colour. */
    private List<String> studentMethods() {
        return entries.stream().filter(e -> e.role().equals("student")).map(Entry::method).distinct().toList();
    }

    /** The selecting metric of the main head on validation per epoch, mean over seeds, one line per method. */
    private XYChart curves(String modality) {
        XYChart chart = new XYChartBuilder().width(ResultFiles.FIGURE_WIDTH).height(ResultFiles.FIGURE_HEIGHT)
                .title("Learning curves of the " + modality + " student (mean over seeds)").xAxisTitle("epoch")
                .yAxisTitle("validation " + metrics.get(0).replace("miou", "mIoU") + " (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (String method : studentMethods()) {
            List<Entry> runs = entries.stream().filter(e -> e.role().equals("student")
                    && e.modality().equals(modality) && e.method().equals(method)).toList();
            if (runs.isEmpty()) {
                continue;
            }
            int epochs = runs.stream().mapToInt(r -> r.outcome().records().size()).min().orElse(0);
            double[] x = new double[epochs];
            double[] y = new double[epochs];
            for (int e = 0; e < epochs; e++) {
                x[e] = e + 1;
                for (Entry run : runs) {
                    EpochRecord record = run.outcome().records().get(e);
                    y[e] += 100 * record.validation().values().iterator().next() / runs.size();
                }
            }
            chart.addSeries(method, x, y);
        }
        return chart;
    }

    /** "mean ± std" with two decimals, or "mean (one seed)" when the standard deviation is NaN. */
    static String meanAndStd(double mean, double std) {
        return Double.isNaN(std) ? String.format(Locale.ROOT, "%.2f (one seed)", mean)
                : String.format(Locale.ROOT, "%.2f ± %.2f", mean, std);
    }

    /** The mean of {@code values}. */
    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The sample standard deviation (n - 1) of {@code values}; NaN for fewer than two. */
    static double std(double[] values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }
}
