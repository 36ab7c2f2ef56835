package dev.cmkd.report;

import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.study.AblationStudy;
import dev.cmkd.study.SimilarityStudy;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;
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

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The kit's numbers beside the paper's. Two tables:
 *
 * <ul>
 *   <li><b>claims</b>: each claim the paper's known numbers support, with the paper's evidence (from
 *       {@link PaperNumbers}), the kit's measurement on the embedded benchmark, and a verdict computed from the
 *       measurement; differences of accuracy are judged against their seed noise ({@link AccuracyDifference});
 *   <li><b>paper versus kit</b>: every row of the paper's numbers with the kit's value for the same dataset,
 *       student modality, method and metric where the kit has run it ({@code results/real/<dataset>/summary.csv});
 *       empty where either side is unknown.
 * </ul>
 */
public final class PaperComparison {

    /** The paper's metrics a kit summary holds: accuracy (classification) and mIoU (segmentation), as fractions. */
    private static final Set<String> KIT_METRICS = Set.of("top1_accuracy", "miou");

    /**
     * The comparison.
     *
     * @param claims one row per claim: claim, paper evidence, kit measurement, verdict
     * @param paperVersusKit the paper's numbers with the kit's value beside each
     * @param files the CSV files written
     */
    public record Result(Table claims, Table paperVersusKit, List<Path> files) {}

    private PaperComparison() {}

    /**
     * Builds both tables from the embedded benchmark's runs (trained first if missing), the ablation and the
     * similarity study, with accuracies under {@code protocol}, and writes {@code claims.csv} and
     * {@code paper-versus-kit.csv} to {@code outputDir}. Real benchmarks' summaries are looked up in
     * {@code resultsRoot/real/<dataset>/summary.csv}.
     */
    public static Result run(Settings settings, String protocol, Path resultsRoot, Path outputDir) {
        Table paper = PaperNumbers.load();
        TaskType type = AvMnistTtsTask.TYPE;
        Path output = Runner.output(type, settings);
        Table main = Runner.run(type, settings, MethodRegistry.specs(MethodRegistry.names(type.layout()),
                type.layout())).summary();
        Table ablation = AblationStudy.run(settings, output.resolve("ablation")).table(protocol);
        SimilarityStudy.Result similarity = SimilarityStudy.run(settings, settings.get(TaskRegistry.SEEDS).get(0), 0.5,
                output.resolve("similarity"));
        Table claims = claims(paper, main, ablation, similarity.cosine(), similarity.cka(), protocol);
        Table versus = paperVersusKit(paper, resultsRoot, protocol);
        List<Path> files = List.of(ResultFiles.writeCsv(claims, outputDir.resolve("claims.csv")),
                ResultFiles.writeCsv(versus, outputDir.resolve("paper-versus-kit.csv")));
        return new Result(claims, versus, files);
    }

    static Table claims(Table paper, Table main, Table ablation, Table cosine, Table cka, String protocol) {
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
                String.format(Locale.ROOT, "cosine low with DC %.3f (without DC %.3f), high %.3f, raw %.3f; gap %+.3f",
                        low, lowWithoutDc, high, band(cosine, "raw"), low - high),
                low > high ? "holds (low above high)" : "does not hold (low not above high)");
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
        for (String modality : modalities(ablation)) {
            int plain = ablation.stringColumn("method").indexOf("fd-cmkd-plain");
            int frequency = ablation.stringColumn("method").indexOf("fd-cmkd-f");
            AccuracyDifference d = AccuracyDifference.betweenVariants(ablation, modality, frequency, plain);
            add(claims, "Adding the frequency decomposition alone barely changes accuracy (" + modality
                            + " student)",
                    String.format(Locale.ROOT, "%.1f → %.1f (CREMA-D, audio student)", before, after),
                    source(paper, "top1_accuracy", "Table 3"), d.text("plain → frequency only"),
                    Double.isNaN(d.standardError()) ? "undetermined (one seed: noise unknown)" : d.beyondNoise()
                            ? "does not hold (a change beyond seed noise)" : "holds (within seed noise)");
        }
        for (String modality : modalities(main)) {
            int fdCmkd = BenchmarkReport.find(main, "student", modality, FdCmkd.NAME);
            if (fdCmkd < 0) {
                continue;
            }
            for (int row = 0; row < main.rowCount(); row++) {
                String method = main.stringColumn("method").get(row);
                if (!main.stringColumn("role").get(row).equals("student") || method.equals(FdCmkd.NAME)
                        || !main.stringColumn("modality").get(row).equals(modality)) {
                    continue;
                }
                AccuracyDifference d = AccuracyDifference.between(main, protocol, fdCmkd, row);
                add(claims, "FD-CMKD beats " + method + " (" + modality + " student)",
                        "Table 1 values not obtained", "see paper-versus-kit", d.text(method + " → fd-cmkd"),
                        d.verdict());
            }
        }
        return claims;
    }

    static Table paperVersusKit(Table paper, Path resultsRoot, String protocol) {
        Table table = paper.copy().setName("The paper's numbers and the kit's (" + protocol + ")");
        DoubleColumn kit = DoubleColumn.create("kit_value");
        StringColumn kitSource = StringColumn.create("kit_source");
        for (int row = 0; row < paper.rowCount(); row++) {
            String dataset = paper.stringColumn("dataset").get(row);
            Path summary = resultsRoot.resolve("real").resolve(dataset).resolve("summary.csv");
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
        return table.addColumns(kit, kitSource);
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

    private static double band(Table similarity, String band) {
        int row = similarity.stringColumn("band").indexOf(band);
        return similarity.doubleColumn(1).getDouble(row);
    }

    private static List<String> modalities(Table table) {
        List<String> modalities = new ArrayList<>();
        if (table.columnNames().contains("role")) {
            for (int row = 0; row < table.rowCount(); row++) {
                String modality = table.stringColumn("modality").get(row);
                if (table.stringColumn("role").get(row).equals("student") && !modalities.contains(modality)) {
                    modalities.add(modality);
                }
            }
        } else {
            table.columnNames().stream().filter(name -> name.endsWith("_mean"))
                    .forEach(name -> modalities.add(name.substring(0, name.length() - "_mean".length())));
        }
        return modalities;
    }

    private static void add(Table claims, String... values) {
        for (int i = 0; i < values.length; i++) {
            claims.stringColumn(i).append(values[i]);
        }
    }
}
