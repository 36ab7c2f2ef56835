package dev.cmkd.study;

import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.Workers;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.report.VariantTable;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.cli.Settings;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NoDistillation;
import dev.cmkd.method.ScaleMode;
import dev.cmkd.results.ResultFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import tech.tablesaw.api.Table;

/**
 * The paper's component ablation (its Table 3) on the embedded benchmark. FD-CMKD is run with each of its four
 * components on or off:
 *
 * <ul>
 *   <li><b>Frequency</b>: split the feature into low and high bands ({@link FdCmkd.Builder#optFrequencySplit});
 *       off, the whole feature is matched as one band with one student head;
 *   <li><b>Scale</b>: standardize each band before matching it ({@link FdCmkd.Builder#optScaleMode}, per band
 *       or none);
 *   <li><b>Log</b>: the signed log before the high band's MSE ({@link FdCmkd.Builder#optSignedLog});
 *   <li><b>Align</b>: the shared classifiers Φ on both modalities' bands ({@link FdCmkd.Builder#optSharedClassifier}).
 * </ul>
 *
 * The rows add the components one at a time, then leave each one out of the full method, plus the student
 * without distillation as the reference. The table has the paper's layout: a check mark per component, one
 * column of test accuracy per student modality. The full method's runs are the main job's {@code fd-cmkd} runs.
 */
public final class AblationStudy {

    /**
     * One row: which components are on.
     *
     * @param frequency the low/high split
     * @param scale per-band standardization
     * @param log the signed log on the high band
     * @param align the shared classifiers
     */
    public record Components(boolean frequency, boolean scale, boolean log, boolean align) {

        /** The enabled components' initials, "F+S+L+A"; "plain" when none is on. */
        public String label() {
            String label = Stream.of(frequency ? "F" : "", scale ? "S" : "", log ? "L" : "", align ? "A" : "")
                    .filter(initial -> !initial.isEmpty()).collect(Collectors.joining("+"));
            return label.isEmpty() ? "plain" : label;
        }

        /** The method of this row: the registered {@code fd-cmkd} when every component is on. */
        public MethodSpec method() {
            if (frequency && scale && log && align) {
                return MethodRegistry.spec(FdCmkd.NAME, FeatureLayout.VECTOR);
            }
            return new MethodSpec(FdCmkd.NAME + "-" + label().toLowerCase(Locale.ROOT), (dim, classes) ->
                    FdCmkd.builder().setFeatureDim(dim).setNumClasses(classes).optFrequencySplit(frequency)
                            .optScaleMode(scale ? ScaleMode.PER_BAND : ScaleMode.NONE).optSignedLog(log)
                            .optSharedClassifier(align).build());
        }
    }

    /** The rows, in table order: components added one at a time, then each left out of the full method. */
    public static final List<Components> ROWS = List.of(
            new Components(false, false, false, false),
            new Components(true, false, false, false),
            new Components(true, true, false, false),
            new Components(true, true, true, false),
            new Components(true, true, true, true),
            new Components(false, true, true, true),
            new Components(true, false, true, true),
            new Components(true, true, false, true));

    /**
     * The study's outcome.
     *
     * @param report every run (teachers and students)
     * @param files the files written
     */
    public record Result(BenchmarkReport report, List<Path> files) implements VariantStudy {

        /** The ablation in the paper's layout under {@code protocol}, numbers as fractions. */
        @Override
        public Table table(String protocol) {
            return AblationStudy.table(report, protocol);
        }

        /**
         * The full method against the student without distillation, the row with no component, and the method with
         * each component left out, per student modality: paired by seed, with 95 % intervals and Holm's verdicts.
         */
        @Override
        public Table findings(String protocol) {
            List<String[]> comparisons = new ArrayList<>();
            comparisons.add(new String[] {"without distillation", NoDistillation.NAME});
            comparisons.add(new String[] {"no component (plain)", ROWS.get(0).method().name()});
            String[] names = {"Frequency", "Scale", "Log", "Align"};
            for (int left = 0; left < names.length; left++) {
                Components row = new Components(left != 0, left != 1, left != 2, left != 3);
                comparisons.add(new String[] {"without " + names[left], row.method().name()});
            }
            return VariantTable.findings("What each component does, under " + protocol + " (the reference is"
                    + " the full method)", report, protocol, FdCmkd.NAME, comparisons);
        }
    }

    private AblationStudy() {}

    /**
     * Runs the study on the embedded benchmark with the settings of {@code kit ablation} ({@code --help} lists them;
     * the runs live beside the main job's, the tables in {@code <output>/ablation}).
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties()));
    }

    /** Runs {@code kit ablation} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return VariantStudy.command("ablation", args, properties, AblationStudy::run);
    }

    /** The study's methods: the student without distillation, then each row's. */
    public static List<MethodSpec> methods() {
        List<MethodSpec> methods = new ArrayList<>();
        methods.add(MethodRegistry.spec(NoDistillation.NAME, FeatureLayout.VECTOR));
        ROWS.forEach(row -> methods.add(row.method()));
        return methods;
    }

    /**
     * Trains (or reads back) every row's students in both directions for every seed of {@code settings} (the
     * runs live beside the main job's, in {@code <output>/runs}) and writes {@code ablation-<protocol>.csv}
     * per protocol, {@code results.csv} and {@code ablation.png} to {@code outputDir}.
     */
    public static Result run(Settings settings, Path outputDir) {
        BenchmarkReport report = Runner.run(Workers.ABLATION, AvMnistTtsTask.TYPE, settings, methods());
        List<Path> files = new ArrayList<>();
        for (String protocol : RunOutcome.PROTOCOLS) {
            files.add(ResultFiles.writeCsv(table(report, protocol),
                    outputDir.resolve("ablation-" + protocol + ".csv")));
        }
        files.add(ResultFiles.writeCsv(report.results(), outputDir.resolve("results.csv")));
        files.add(ResultFiles.writePng(VariantTable.chart("Component ablation of FD-CMKD (bestVal)",
                "enabled components (F frequency, S scale, L log, A align)", table(report, "bestVal"), "label"),
                outputDir.resolve("ablation.png")));
        return new Result(report, files);
    }

    /** The ablation in the paper's layout: a check mark per component, accuracy per student modality. */
    static Table table(BenchmarkReport report, String protocol) {
        List<Map<String, String>> rows = new ArrayList<>();
        rows.add(VariantTable.row("Frequency", "", "Scale", "", "Log", "", "Align", "", "label", "no distillation",
                "method", NoDistillation.NAME));
        for (Components row : ROWS) {
            rows.add(VariantTable.row("Frequency", mark(row.frequency()), "Scale", mark(row.scale()), "Log",
                    mark(row.log()), "Align", mark(row.align()), "label", row.label(), "method", row.method().name()));
        }
        return VariantTable.accuracies("Component ablation, test accuracy under " + protocol, report, protocol, rows);
    }

    private static String mark(boolean on) {
        return on ? "✓" : "";
    }
}
