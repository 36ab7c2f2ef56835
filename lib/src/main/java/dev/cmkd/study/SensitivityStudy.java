package dev.cmkd.study;

import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.Workers;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.report.VariantTable;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.cli.Settings;
import dev.cmkd.frequency.DcMode;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.results.ResultFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

import tech.tablesaw.api.Table;

/**
 * How FD-CMKD's accuracy on the embedded benchmark depends on its free settings, one factor at a time around
 * the released code's defaults (method.md §8):
 *
 * <ul>
 *   <li><b>cutoff</b>: the fraction of the non-DC spectrum in the low band, 0.125 to 0.875 (default 0.5);
 *   <li><b>DC</b>: the DC bin excluded from both bands (default, the released training code) or kept in the
 *       low band (the authors' analysis notebook). The per-band standardization removes each band's mean, so
 *       with the default scale mode only the heads Φ and Ψ see the difference;
 *   <li><b>λ_low</b>, <b>λ_high</b>, <b>λ_align</b>: the weights of the low-band MSE, the high-band log-MSE and
 *       the shared-classifier terms, 0.25, 1 (default) and 4.
 * </ul>
 *
 * The default point of every factor is the main job's {@code fd-cmkd} run.
 */
public final class SensitivityStudy {

    /**
     * One point of a sweep.
     *
     * @param factor the setting varied
     * @param value its value, as text
     * @param method the method at this point
     */
    public record Point(String factor, String value, MethodSpec method) {}

    /** The study's outcome: every run, and the files written. */
    public record Result(BenchmarkReport report, List<Path> files) implements VariantStudy {

        /** Accuracy per point under {@code protocol}, numbers as fractions. */
        @Override
        public Table table(String protocol) {
            return SensitivityStudy.table(report, protocol);
        }

        /** Every point against the default per student modality: paired by seed, 95 % intervals, Holm's verdicts. */
        @Override
        public Table findings(String protocol) {
            List<String[]> comparisons = new ArrayList<>();
            for (Point point : points()) {
                if (!point.method().name().equals(FdCmkd.NAME)) {
                    comparisons.add(new String[] {point.factor() + " = " + point.value(), point.method().name()});
                }
            }
            return VariantTable.findings("Each point against the default, under " + protocol, report, protocol,
                    FdCmkd.NAME, comparisons);
        }
    }

    private static final double[] CUTOFFS = {0.125, 0.25, 0.5, 0.75, 0.875};
    private static final double[] WEIGHTS = {0.25, 1, 4};

    private SensitivityStudy() {}

    /**
     * Runs the study on the embedded benchmark with the settings of {@code kit sensitivity} ({@code --help} lists them;
     * the runs live beside the main job's, the tables in {@code <output>/sensitivity}).
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties()));
    }

    /** Runs {@code kit sensitivity} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return VariantStudy.command("sensitivity", args, properties, SensitivityStudy::run);
    }

    /** Every point of every sweep, in table order. */
    public static List<Point> points() {
        List<Point> points = new ArrayList<>();
        for (double cutoff : CUTOFFS) {
            points.add(point("cutoff", cutoff, cutoff == 0.5, b -> b.optCutoffRatio(cutoff)));
        }
        points.add(point("DC", DcMode.EXCLUDED, true, b -> b.optDcMode(DcMode.EXCLUDED)));
        points.add(point("DC", DcMode.IN_LOW, false, b -> b.optDcMode(DcMode.IN_LOW)));
        for (double weight : WEIGHTS) {
            points.add(point("λ_low", weight, weight == 1, b -> b.optLowWeight(weight)));
        }
        for (double weight : WEIGHTS) {
            points.add(point("λ_high", weight, weight == 1, b -> b.optHighWeight(weight)));
        }
        for (double weight : WEIGHTS) {
            points.add(point("λ_align", weight, weight == 1, b -> b.optAlignWeight(weight)));
        }
        return points;
    }

    /** The study's methods: each point's, once (the sweeps share the default point, the registered method). */
    public static List<MethodSpec> methods() {
        List<MethodSpec> methods = new ArrayList<>();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (Point point : points()) {
            if (names.add(point.method().name())) {
                methods.add(point.method());
            }
        }
        return methods;
    }

    /**
     * Trains (or reads back) every point's students in both directions for every seed of {@code settings} (the
     * runs live beside the main job's) and writes {@code sensitivity-<protocol>.csv}, {@code results.csv} and one
     * figure per factor, {@code sensitivity-<factor>.png}, to {@code outputDir}.
     */
    public static Result run(Settings settings, Path outputDir) {
        BenchmarkReport report = Runner.run(Workers.SENSITIVITY, AvMnistTtsTask.TYPE, settings, methods());
        List<Path> files = new ArrayList<>();
        for (String protocol : RunOutcome.PROTOCOLS) {
            files.add(ResultFiles.writeCsv(table(report, protocol),
                    outputDir.resolve("sensitivity-" + protocol + ".csv")));
        }
        files.add(ResultFiles.writeCsv(report.results(), outputDir.resolve("results.csv")));
        Table table = table(report, "bestVal");
        for (String factor : new LinkedHashSet<>(table.stringColumn("factor").asList())) {
            Table rows = table.where(table.stringColumn("factor").isEqualTo(factor));
            files.add(ResultFiles.writePng(VariantTable.chart("FD-CMKD sensitivity to " + factor + " (bestVal)",
                    factor, rows, "value"), outputDir.resolve("sensitivity-" + fileName(factor) + ".png")));
        }
        return new Result(report, files);
    }

    /** Accuracy per point: factor, value, method, then per student modality the mean and std over seeds. */
    static Table table(BenchmarkReport report, String protocol) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Point point : points()) {
            rows.add(VariantTable.row("factor", point.factor(), "value", point.value(), "method",
                    point.method().name()));
        }
        return VariantTable.accuracies("FD-CMKD sensitivity, test accuracy under " + protocol, report, protocol,
                rows);
    }

    /** The figure's file name for a factor: "λ_low" becomes "lambda-low". */
    static String fileName(String factor) {
        return factor.replace("λ_", "lambda-").toLowerCase(Locale.ROOT);
    }

    private static Point point(String factor, Object value, boolean isDefault, UnaryOperator<FdCmkd.Builder> option) {
        String text = value instanceof Double number ? trimmed(number) : value.toString();
        if (isDefault) {
            return new Point(factor, text + " (default)", MethodRegistry.spec(FdCmkd.NAME, FeatureLayout.VECTOR));
        }
        String name = FdCmkd.NAME + "-" + fileName(factor) + "-" + text.toLowerCase(Locale.ROOT).replace('_', '-');
        return new Point(factor, text, new MethodSpec(name, (dim, classes) ->
                option.apply(FdCmkd.builder().setFeatureDim(dim).setNumClasses(classes)).build()));
    }

    private static String trimmed(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
