package dev.cmkd.experiment;

import dev.cmkd.results.ResultFiles;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The results of a segmentation benchmark: every run under every selection protocol ({@link RunOutcome}) as
 * test mIoU (and the main head's test pixel accuracy), the mean and standard deviation over seeds, and a
 * figure of the students' mIoU per method and direction. Every row names its data ({@code nyu-depth-v2} or
 * {@code SYNTHETIC}), so that synthetic numbers cannot pass for NYU ones.
 */
public final class SegmentationReport {

    /**
     * One run.
     *
     * @param role {@code teacher} or {@code student}
     * @param modality the network's modality, {@code rgb} or {@code depth}
     * @param teacherModality the teacher's modality for a student, empty for a teacher
     * @param method the method for a student, empty for a teacher
     * @param seed the seed
     * @param run the run
     */
    public record Entry(String role, String modality, String teacherModality, String method, long seed,
            SegmentationExperiment.Run run) {}

    private final String data;
    private final List<Entry> entries = new ArrayList<>();

    /** Creates an empty report for runs on {@code data} (e.g. {@code nyu-depth-v2} or {@code SYNTHETIC}). */
    public SegmentationReport(String data) {
        this.data = data;
    }

    /** Adds a run. */
    public void add(Entry entry) {
        entries.add(entry);
    }

    /** Returns one row per run and protocol, with the environment. */
    public Table results() {
        return Environment.appendTo(runs());
    }

    /** Returns one row per run and protocol, without the environment. */
    private Table runs() {
        Table table = Table.create("results", StringColumn.create("data"), StringColumn.create("role"),
                StringColumn.create("modality"), StringColumn.create("teacher_modality"), StringColumn.create("method"),
                IntColumn.create("seed"), StringColumn.create("protocol"), DoubleColumn.create("test_miou"),
                DoubleColumn.create("test_pixel_accuracy"), IntColumn.create("best_val_epoch"),
                IntColumn.create("epochs"));
        for (Entry entry : entries) {
            RunOutcome outcome = entry.run().outcome();
            for (String protocol : RunOutcome.PROTOCOLS) {
                table.stringColumn("data").append(data);
                table.stringColumn("role").append(entry.role());
                table.stringColumn("modality").append(entry.modality());
                table.stringColumn("teacher_modality").append(entry.teacherModality());
                table.stringColumn("method").append(entry.method());
                table.intColumn("seed").append((int) entry.seed());
                table.stringColumn("protocol").append(protocol);
                table.doubleColumn("test_miou").append(outcome.testAccuracy(protocol));
                table.doubleColumn("test_pixel_accuracy").append(entry.run().testPixelAccuracy(protocol));
                table.intColumn("best_val_epoch").append(outcome.bestValidationEpoch() + 1);
                table.intColumn("epochs").append(outcome.records().size());
            }
        }
        return table;
    }

    /**
     * Returns, per role, modality and method, the test mIoU in percent under each protocol as "mean ± std"
     * over seeds (sample standard deviation), and the number of seeds.
     */
    public Table summary() {
        return BenchmarkReport.formatted(BenchmarkReport.summarize(runs(), "test_miou"))
                .setName("Test mIoU (%), mean ± std over seeds, " + data);
    }

    /** Returns the students' test mIoU (bestVal, mean ± std over seeds) per method, grouped by direction. */
    public CategoryChart chart() {
        CategoryChart chart = new CategoryChartBuilder().width(ResultFiles.FIGURE_WIDTH)
                .height(ResultFiles.FIGURE_HEIGHT).title("Student test mIoU, " + data + " (bestVal, mean ± std over"
                        + " seeds)").xAxisTitle("direction (teacher -> student)").yAxisTitle("test mIoU (%)").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        List<String> directions = entries.stream().filter(e -> e.role().equals("student"))
                .map(e -> e.teacherModality() + " -> " + e.modality()).distinct().sorted().toList();
        List<String> methods = entries.stream().filter(e -> e.role().equals("student")).map(Entry::method).distinct()
                .toList();
        for (String method : methods) {
            List<Double> means = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (String direction : directions) {
                double[] values = entries.stream().filter(e -> e.role().equals("student") && e.method().equals(method)
                        && direction.equals(e.teacherModality() + " -> " + e.modality()))
                        .mapToDouble(e -> 100 * e.run().outcome().testAccuracy("bestVal")).toArray();
                means.add(values.length == 0 ? 0 : BenchmarkReport.mean(values));
                errors.add(values.length < 2 ? 0 : BenchmarkReport.std(values));
            }
            chart.addSeries(method, directions, means, errors);
        }
        return chart;
    }

    /**
     * Writes results.csv, summary.csv (means and standard deviations as fractions, as {@link
     * BenchmarkReport#summarize}) and miou.png to {@code dir}; returns the paths.
     */
    public List<Path> write(Path dir) {
        return List.of(ResultFiles.writeCsv(results(), dir.resolve("results.csv")),
                ResultFiles.writeCsv(BenchmarkReport.summarize(runs(), "test_miou"), dir.resolve("summary.csv")),
                ResultFiles.writePng(chart(), dir.resolve("miou.png")));
    }
}
