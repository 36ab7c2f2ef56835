package dev.cmkd.report;

import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.Workers;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.study.AblationStudy;
import dev.cmkd.study.SimilarityFindings;
import dev.cmkd.study.SimilarityStudy;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.cli.Settings;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.results.ResultFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The kit's numbers beside the paper's. Two tables:
 *
 * <ul>
 *   <li><b>claims</b>: each claim the paper's known numbers support, with the paper's evidence (from
 *       {@link PaperNumbers}), the kit's measurement on the embedded benchmark, and a verdict computed from the
 *       measurement; differences of accuracy are paired by seed, with a 95 % confidence interval, and judged
 *       after Holm's correction over every accuracy comparison of the table ({@link PairedComparison});
 *   <li><b>paper versus kit</b>: every row of the paper's numbers with the kit's value for the same dataset,
 *       student modality, method and metric where the kit has run it ({@code results/real/<dataset>/summary.csv});
 *       empty where either side is unknown.
 * </ul>
 */
public final class PaperComparison {

    /** The paper's metrics a kit summary holds: accuracy (classification) and mIoU (segmentation), as fractions. */
    private static final Set<String> KIT_METRICS = Set.of("top1_accuracy", "miou");

    /** The ablation's rows of the frequency claim: no component, and the frequency split alone. */
    private static final String PLAIN = AblationStudy.ROWS.get(0).method().name();
    private static final String FREQUENCY = AblationStudy.ROWS.get(1).method().name();
    private static final String FREQUENCY_ONLY = "frequency only vs plain";

    /**
     * The comparison.
     *
     * @param claims one row per claim: claim, paper evidence, kit measurement, verdict
     * @param accuracyComparisons the claims' accuracy comparisons, one Holm family ({@link PairedComparison#table})
     * @param paperVersusKit the paper's numbers with the kit's value beside each
     * @param files the CSV files written
     */
    public record Result(Table claims, Table accuracyComparisons, Table paperVersusKit, List<Path> files) {

        /** The accuracy comparisons' conclusions, as sentences ({@link PairedComparison#conclusions}). */
        public List<String> conclusions() {
            return PairedComparison.conclusions(accuracyComparisons);
        }
    }

    private PaperComparison() {}

    /**
     * Builds both tables from the embedded benchmark's runs (trained first if missing), the ablation and the
     * similarity study, with accuracies under {@code protocol}, and writes {@code claims.csv}, {@code
     * accuracy-comparisons.csv} and {@code paper-versus-kit.csv} to {@code outputDir}. Real benchmarks' summaries
     * are looked up in {@code resultsRoot/real/<dataset>/summary.csv}.
     */
    public static Result run(Settings settings, String protocol, Path resultsRoot, Path outputDir) {
        Table paper = PaperNumbers.load();
        TaskType type = AvMnistTtsTask.TYPE;
        Path output = Runner.output(type, settings);
        BenchmarkReport main = Runner.run(Workers.RUN, type, settings, MethodRegistry.specs(
                MethodRegistry.defaults(type.layout(), type.stageMaps()), type.layout()));
        BenchmarkReport ablation = AblationStudy.run(settings, output.resolve("ablation")).report();
        SimilarityFindings similarity = SimilarityStudy.builder().setSettings(settings).build()
                .run(output.resolve("similarity")).findings();
        Table comparisons = accuracyComparisons(main.results(), ablation.results(), protocol, main.metricColumn());
        Table claims = claims(paper, comparisons, similarity.byBand("cosine"), similarity.pattern(),
                similarity.byBand("cka"), protocol);
        Table versus = paperVersusKit(paper, resultsRoot, protocol);
        List<Path> files = List.of(ResultFiles.writeCsv(claims, outputDir.resolve("claims.csv")),
                ResultFiles.writeCsv(comparisons, outputDir.resolve("accuracy-comparisons.csv")),
                ResultFiles.writeCsv(versus, outputDir.resolve("paper-versus-kit.csv")));
        return new Result(claims, comparisons, versus, files);
    }

    /**
     * The accuracy comparisons the claims rest on, one family for Holm's correction: per student modality of the
     * ablation, frequency only ({@code fd-cmkd-f}) against no component ({@code fd-cmkd-plain}); per student
     * modality of the main job, {@code fd-cmkd} against every other method. Each is paired by seed within its own
     * per-run rows ({@link BenchmarkReport#results()}).
     */
    static Table accuracyComparisons(Table mainResults, Table ablationResults, String protocol, String metric) {
        List<PairedComparison.Pairing> pairings = new ArrayList<>();
        for (String modality : PairedComparison.studentModalities(ablationResults)) {
            pairings.add(new PairedComparison.Pairing(FREQUENCY_ONLY, ablationResults, modality, PLAIN, FREQUENCY));
        }
        for (String modality : PairedComparison.studentModalities(mainResults)) {
            List<String> methods = new ArrayList<>();
            for (int row = 0; row < mainResults.rowCount(); row++) {
                String method = mainResults.getString(row, "method");
                if (mainResults.getString(row, "role").equals("student")
                        && mainResults.getString(row, "modality").equals(modality) && !methods.contains(method)) {
                    methods.add(method);
                }
            }
            if (!methods.remove(FdCmkd.NAME)) {
                continue;
            }
            methods.forEach(method -> pairings.add(new PairedComparison.Pairing(FdCmkd.NAME + " vs " + method,
                    mainResults, modality, method, FdCmkd.NAME)));
        }
        return PairedComparison.table("The claims' accuracy comparisons on AV-MNIST-TTS (" + protocol + ")",
                pairings, protocol, metric);
    }

    /**
     * The claims table. The similarity claim is judged on the two teachers' post-ReLU features (the released code's
     * point) twice: as measured (the gap {@code cos(low with DC) − cos(high)} above 0) and beyond the mean-only null
     * ({@link dev.cmkd.analysis.MeanOnlyNull}: the gap less the one two vectors sharing only their means would give),
     * from the 95 % intervals over seeds of {@code pattern} ({@link dev.cmkd.study.SimilarityFindings#pattern()}).
     */
    static Table claims(Table paper, Table comparisons, Table cosine, Table pattern, Table cka, String protocol) {
        Table claims = Table.create("Claims: the paper's evidence and the kit's measurement on AV-MNIST-TTS ("
                + protocol + ")", StringColumn.create("claim"), StringColumn.create("paper evidence"),
                StringColumn.create("paper source"), StringColumn.create("kit measurement"),
                StringColumn.create("verdict on our data"));
        String analysis = "similarity analysis";
        double paperLow = known(paper, analysis, "crema-d", "", "unimodal teachers", "cosine_low_with_dc");
        double paperHigh = known(paper, analysis, "crema-d", "", "unimodal teachers", "cosine_high");
        double paperRaw = known(paper, analysis, "crema-d", "", "unimodal teachers", "cosine_raw");
        double low = band(cosine, "low with DC");
        double lowWithoutDc = band(cosine, "low without DC");
        double high = band(cosine, "high");
        add(claims, "The two teachers' low bands agree across modalities, their high bands do not",
                String.format(Locale.ROOT, "cosine low (with DC) %.4f, high %.4f, raw %.4f; gap %+.3f", paperLow,
                        paperHigh, paperRaw, paperLow - paperHigh),
                source(paper, "cosine_low_with_dc"),
                String.format(Locale.ROOT, "cosine low with DC %.3f (without DC %.3f), high %.3f, raw %.3f; %s",
                        low, lowWithoutDc, high, band(cosine, "raw"), gaps(pattern)),
                similarityVerdict(pattern));
        double paperCkaLow = known(paper, "Fig. 1 (earlier version)", "ave", "", "unimodal teachers", "cka_low");
        double paperCkaRaw = known(paper, "Fig. 1 (earlier version)", "ave", "", "unimodal teachers", "cka_raw");
        double ckaLow = band(cka, "low with DC");
        double ckaRaw = band(cka, "raw");
        add(claims, "Linear CKA of the low band is slightly above that of the whole feature",
                String.format(Locale.ROOT, "about %.2f vs %.2f (AVE)", paperCkaLow, paperCkaRaw),
                source(paper, "cka_low"),
                String.format(Locale.ROOT, "CKA low with DC %.3f (without DC %.3f), raw %.3f", ckaLow,
                        band(cka, "low without DC"), ckaRaw),
                ckaLow > ckaRaw ? "holds (low above raw)" : "does not hold (low not above raw)");
        double before = known(paper, "Table 3", "crema-d", "audio", "fd-cmkd-plain", "top1_accuracy");
        double after = known(paper, "Table 3", "crema-d", "audio", "fd-cmkd-f", "top1_accuracy");
        int family = PairedComparison.family(comparisons);
        for (int row = 0; row < comparisons.rowCount(); row++) {
            String modality = comparisons.stringColumn("student").get(row);
            String verdict = comparisons.stringColumn("verdict").get(row);
            String measurement = measurement(comparisons, row, family);
            boolean tested = verdict.equals(PairedComparison.HIGHER) || verdict.equals(PairedComparison.LOWER)
                    || verdict.equals(PairedComparison.NO_DIFFERENCE);
            if (comparisons.stringColumn("comparison").get(row).equals(FREQUENCY_ONLY)) {
                add(claims, "Adding the frequency decomposition alone barely changes accuracy (" + modality
                                + " student)",
                        String.format(Locale.ROOT, "%.1f → %.1f (CREMA-D, audio student)", before, after),
                        source(paper, "top1_accuracy", "Table 3"), measurement,
                        !tested ? "undetermined (" + verdict + ")" : verdict.equals(PairedComparison.NO_DIFFERENCE)
                                ? "not contradicted (no difference detected; the interval bounds the change)"
                                : "does not hold (" + verdict + " after Holm)");
            } else {
                String method = comparisons.stringColumn("reference").get(row);
                add(claims, "FD-CMKD beats " + method + " (" + modality + " student)",
                        "Table 1 values not obtained", "see paper-versus-kit", measurement,
                        !tested ? "undetermined (" + verdict + ")" : verdict.equals(PairedComparison.HIGHER)
                                ? "holds (higher after Holm)" : verdict.equals(PairedComparison.LOWER)
                                ? "does not hold (lower after Holm)" : "not shown (no difference detected)");
            }
        }
        return claims;
    }

    /** "compared vs reference: +1.23 [−0.40, +2.86] points, n = 5 seeds, Holm p = 0.031 over 16 comparisons". */
    private static String measurement(Table comparisons, int row, int family) {
        return comparisons.stringColumn("method").get(row) + " vs " + comparisons.stringColumn("reference").get(row)
                + ": " + PairedComparison.interval(comparisons, row, 2) + " points (95 % CI, paired), n = "
                + comparisons.intColumn("seeds").getInt(row) + " seeds, Holm p = "
                + PairedComparison.pValue(comparisons.doubleColumn("p_holm").getDouble(row)) + " over " + family
                + " comparisons";
    }

    /**
     * The paper's numbers with the kit's beside them: {@code kit_value} from {@code real/<dataset>/summary.csv} under
     * {@code protocol}, and {@code kit_value_paper_protocol} from the authors' protocol's runs ({@code
     * real/<dataset>-paper/summary.csv}, {@link dev.cmkd.experiment.PaperProtocol}) under {@code paperBestTest}, the
     * like-for-like number; each with the file it came from, empty where the kit has not run it.
     */
    static Table paperVersusKit(Table paper, Path resultsRoot, String protocol) {
        Table table = paper.copy().setName("The paper's numbers and the kit's (" + protocol + "; the authors' protocol"
                + " beside it)");
        Path real = resultsRoot.resolve("real");
        table.addColumns(kitValues(paper, dataset -> real.resolve(dataset), protocol, "kit_value", "kit_source"));
        return table.addColumns(kitValues(paper, dataset -> real.resolve(dataset + "-paper"), "paperBestTest",
                "kit_value_paper_protocol", "kit_source_paper_protocol"));
    }

    /** The kit's value of each paper row in percent, from the summary in {@code folder(dataset)}, and its source. */
    private static Column<?>[] kitValues(Table paper, Function<String, Path> folder, String protocol, String name,
            String sourceName) {
        DoubleColumn kit = DoubleColumn.create(name);
        StringColumn kitSource = StringColumn.create(sourceName);
        for (int row = 0; row < paper.rowCount(); row++) {
            Path summary = folder.apply(paper.stringColumn("dataset").get(row)).resolve("summary.csv");
            int found = -1;
            Table kitSummary = null;
            if (KIT_METRICS.contains(paper.stringColumn("metric").get(row)) && Files.exists(summary)) {
                kitSummary = Table.read().csv(summary.toFile());
                found = BenchmarkReport.find(kitSummary, "student", paper.stringColumn("student_modality").get(row),
                        paper.stringColumn("method").get(row));
            }
            if (found < 0) {
                kit.appendMissing();
                kitSource.append("");
            } else {
                kit.append(100 * kitSummary.doubleColumn(protocol + "_mean").getDouble(found));
                kitSource.append(summary.toString());
            }
        }
        return new Column<?>[] {kit, kitSource};
    }

    private static double known(Table paper, String table, String dataset, String modality, String method,
            String metric) {
        OptionalDouble value = PaperNumbers.value(paper, table, dataset, modality, method, metric);
        return value.orElseThrow(() -> new IllegalStateException("the paper number " + metric + " of " + table
                + " has no value in " + PaperNumbers.RESOURCE));
    }

    private static String source(Table paper, String metric) {
        return source(paper, metric, null);
    }

    private static String source(Table paper, String metric, String table) {
        for (int row = 0; row < paper.rowCount(); row++) {
            if (paper.stringColumn("metric").get(row).equals(metric) && !paper.doubleColumn("value").isMissing(row)
                    && (table == null || paper.stringColumn("table").get(row).equals(table))) {
                return paper.stringColumn("source").get(row) + " [" + paper.stringColumn("confidence").get(row) + "]";
            }
        }
        throw new IllegalStateException("no sourced value for " + metric + " in " + PaperNumbers.RESOURCE);
    }

    /** The two teachers' post-ReLU row of the similarity pattern table. */
    private static Row teachers(Table pattern) {
        for (Row row : pattern) {
            if (row.getString("kind").equals("teachers") && row.getString("feature").equals("post-relu")) {
                return row;
            }
        }
        throw new IllegalArgumentException("the similarity pattern table has no post-ReLU teacher row");
    }

    private static String gaps(Table pattern) {
        Row row = teachers(pattern);
        return "gap " + interval(row, "gap") + ", the mean-only null's " + interval(row, "null_gap") + ", beyond the"
                + " null " + interval(row, "beyond") + " (95 % CI over " + row.getInt("seeds") + " seeds)";
    }

    private static String interval(Row row, String column) {
        return SimilarityFindings.interval(row, column, true) + (Double.isNaN(row.getDouble(column + "_lower"))
                ? " (one seed)" : "");
    }

    private static String similarityVerdict(Table pattern) {
        Row row = teachers(pattern);
        if (Double.isNaN(row.getDouble("gap_lower"))) {
            return row.getDouble("gap") > 0 ? "low above high on one seed: no interval, no verdict"
                    : "does not hold (low not above high)";
        }
        if (row.getDouble("gap_lower") <= 0) {
            return "does not hold (low not above high)";
        }
        return row.getDouble("beyond_lower") > 0 ? "holds, beyond the mean-only null"
                : "holds as measured, but not beyond the mean-only null: the shared mean alone gives the gap";
    }

    private static double band(Table similarity, String band) {
        int row = similarity.stringColumn("band").indexOf(band);
        return similarity.doubleColumn(1).getDouble(row);
    }

    private static void add(Table claims, String... values) {
        for (int i = 0; i < values.length; i++) {
            claims.stringColumn(i).append(values[i]);
        }
    }
}
