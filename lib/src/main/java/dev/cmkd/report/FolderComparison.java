package dev.cmkd.report;

import dev.cmkd.cli.Cli;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Options;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.experiment.Runner;
import dev.cmkd.results.ResultFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The same benchmark run two ways, compared method by method ({@code lib/bin/kit compare REFERENCE COMPARED}): for
 * every student modality and method that both output folders hold, the compared folder's students minus the
 * reference folder's, paired by seed, as the mean difference with its 95 % CI from the t distribution with n − 1
 * degrees of freedom and Holm over the table ({@link PairedComparison#table}). For example the pre-ReLU feature
 * against the post-ReLU one ({@code -Dfdcmkd.featurePoint=pre-relu}), or the authors' protocol against the held-out
 * one ({@code -Dfdcmkd.paperProtocol=true}).
 *
 * <p>Each side is read under the selection its folder leads with ({@link BenchmarkReport#headlineSelection}:
 * {@code paperBestTest} under the authors' protocol, {@code bestVal} otherwise) unless {@code selection} names one.
 * The pairs share their seed, and their teacher when the two folders' teachers of that seed are the same run (equal
 * test accuracy at every selection); the conclusions say which.
 */
public final class FolderComparison {

    /** Which epoch of each run is compared. */
    public static final Option<String> SELECTION = Option.choice("selection", Stream.concat(Stream.of("headline"),
            RunOutcome.PROTOCOLS.stream()).toList(), "the epoch of each run that is compared: headline, the one"
            + " each folder's tables lead with (paperBestTest under the authors' protocol, bestVal otherwise), or"
            + " one selection for both", "headline", "headline");

    /** Which split's metric is compared. */
    public static final Option<String> SPLIT = Option.choice("split", List.of("test", "validation"), "the split"
            + " whose accuracy (mIoU) is compared at the selected epoch: test, or validation (e.g. a convergence"
            + " check: a run trained twice as long against the default, --split=validation --selection=bestVal)",
            "test", "test");

    /** The selection column's value of both sides' rows once merged. */
    private static final String COMPARED = "compared";

    /**
     * The comparison.
     *
     * @param table the differences, in {@link PairedComparison#table}'s layout
     * @param teachers whether the two folders' teachers are the same runs, in a sentence
     */
    public record Result(Table table, String teachers) {

        /** Returns the table for reading, the sentence on the teachers and the conclusions, as lines. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>(PlainText.table(PairedComparison.formatted(table)).lines().toList());
            lines.add("");
            lines.add(teachers);
            lines.addAll(PairedComparison.conclusions(table));
            return lines;
        }
    }

    private FolderComparison() {}

    /** Runs {@code kit compare}. */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties()));
    }

    /** Runs {@code kit compare} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, positional -> new Options("kit compare", List.of(SELECTION, SPLIT)),
                (settings, positional) -> {
                    if (positional.size() != 2) {
                        throw new IllegalArgumentException("kit compare: name two output folders, the reference"
                                + " and the compared one; fix: lib/bin/kit compare results/embedded"
                                + " results/embedded-pre-relu");
                    }
                    Path reference = Path.of(positional.get(0));
                    Path compared = Path.of(positional.get(1));
                    Result result = compare(reference, compared, settings.get(SELECTION), settings.get(SPLIT));
                    String text = String.join(System.lineSeparator(), result.lines()) + System.lineSeparator();
                    System.out.print(text);
                    String name = "compared-with-" + reference.getFileName()
                            + (settings.get(SPLIT).equals("test") ? "" : "-" + settings.get(SPLIT));
                    Path csv = ResultFiles.writeCsv(result.table(), compared.resolve(name + ".csv"));
                    System.out.println("wrote " + csv);
                    System.out.println("wrote " + ResultFiles.writeString(text, compared.resolve(name + ".txt")));
                });
    }

    /**
     * Compares the students of {@code compared} with those of {@code reference} (output folders with a {@code
     * results.csv}) under {@code selection} ({@code headline} or one of {@link RunOutcome#PROTOCOLS}) on the test
     * split.
     */
    public static Result compare(Path reference, Path compared, String selection) {
        return compare(reference, compared, selection, "test");
    }

    /** Compares as {@link #compare(Path, Path, String)} does, on {@code split} ({@code test} or {@code validation}). */
    public static Result compare(Path reference, Path compared, String selection, String split) {
        Table a = rows(reference);
        Table b = rows(compared);
        String selectionA = selection.equals("headline") ? BenchmarkReport.headlineSelection(a) : selection;
        String selectionB = selection.equals("headline") ? BenchmarkReport.headlineSelection(b) : selection;
        String measure = a.columnNames().contains("test_miou") ? "miou" : "accuracy";
        String metric = (split.equals("test") ? "test_" : "val_") + measure;
        if (split.equals("validation") && (selectionA.equals("paperBestTest") || selectionB.equals("paperBestTest"))) {
            throw new IllegalArgumentException("kit compare: the validation " + measure + " is not defined under"
                    + " paperBestTest (it selects on test); fix: --selection=bestVal or --selection=lastEpoch");
        }
        String labelA = reference.getFileName().toString();
        String labelB = compared.getFileName().toString();
        if (labelA.equals(labelB)) {
            labelA += " (reference)";
            labelB += " (compared)";
        }
        Table both = side(a, selectionA, labelA, metric).append(side(b, selectionB, labelB, metric));
        List<PairedComparison.Pairing> pairings = new ArrayList<>();
        Set<String> modalities = new LinkedHashSet<>(PairedComparison.studentModalities(a));
        modalities.addAll(PairedComparison.studentModalities(b));
        for (String modality : modalities) {
            for (String method : methods(a, modality)) {
                if (methods(b, modality).contains(method)) {
                    pairings.add(new PairedComparison.Pairing(method, both, modality, label(method, labelA),
                            label(method, labelB)));
                }
            }
        }
        if (pairings.isEmpty()) {
            throw new IllegalArgumentException("kit compare: " + reference + " and " + compared + " hold no student"
                    + " of the same modality and method; fix: run the same methods in both folders");
        }
        String title = String.format(Locale.ROOT, "%s (%s) minus %s (%s), %s %s per student and method", labelB,
                selectionB, labelA, selectionA, split, measure);
        return new Result(PairedComparison.table(title, pairings, COMPARED, metric), teachers(a, b, labelA, labelB,
                "test_" + measure));
    }

    private static Table rows(Path folder) {
        Path file = folder.resolve("results.csv");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("kit compare: no " + file + "; fix: run lib/bin/kit run <benchmark>"
                    + " (or -Dfdcmkd.mode=report) with -Dfdcmkd.output=" + folder + " first");
        }
        return Runner.readRows(file);
    }

    /** One folder's student rows under {@code selection}, each method labelled with the folder. */
    private static Table side(Table rows, String selection, String label, String metric) {
        Table kept = rows.where(rows.stringColumn("protocol").isEqualTo(selection)
                .and(rows.stringColumn("role").isEqualTo("student")))
                .selectColumns("role", "modality", "method", "seed", "protocol", BenchmarkReport.STATUS, metric);
        kept.stringColumn("protocol").set(kept.stringColumn("protocol").isNotMissing(), COMPARED);
        for (int row = 0; row < kept.rowCount(); row++) {
            kept.stringColumn("method").set(row, label(kept.stringColumn("method").get(row), label));
        }
        return kept;
    }

    private static String label(String method, String folder) {
        return method + " [" + folder + "]";
    }

    private static List<String> methods(Table rows, String modality) {
        return rows.where(rows.stringColumn("role").isEqualTo("student").and(rows.stringColumn("modality")
                .isEqualTo(modality))).stringColumn("method").asList().stream().distinct().toList();
    }

    /** Whether the teachers of both folders are the same runs: equal test metric, seed by seed, every selection. */
    private static String teachers(Table a, Table b, String labelA, String labelB, String metric) {
        Table ta = teacherRows(a);
        Table tb = teacherRows(b);
        boolean same = ta.rowCount() > 0 && ta.rowCount() == tb.rowCount();
        for (int row = 0; same && row < ta.rowCount(); row++) {
            same = ta.getString(row, "key").equals(tb.getString(row, "key"))
                    && ta.doubleColumn(metric).getDouble(row) == tb.doubleColumn(metric).getDouble(row);
        }
        return same ? "Teachers: the same runs in " + labelA + " and " + labelB + " (equal test " + metric.substring(5)
                + " at every seed and selection), so each pair shares its seed and its teacher."
                : "Teachers: " + labelA + " and " + labelB + " hold different teachers, so each pair shares its seed"
                + " only.";
    }

    private static Table teacherRows(Table rows) {
        Table teachers = rows.where(rows.stringColumn("role").isEqualTo("teacher"));
        Table keyed = teachers.copy();
        StringColumn key = StringColumn.create("key");
        for (int row = 0; row < teachers.rowCount(); row++) {
            key.append(teachers.getString(row, "modality") + "|" + teachers.getString(row, "seed") + "|"
                    + teachers.getString(row, "protocol"));
        }
        keyed.addColumns(key);
        return keyed.sortAscendingOn("key");
    }
}
