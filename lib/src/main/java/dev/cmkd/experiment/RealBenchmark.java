package dev.cmkd.experiment;

import dev.cmkd.data.loading.DatasetException;
import dev.cmkd.results.ResultFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The command line of the real benchmarks ({@code lib/bin/kit real <dataset>}): one command per (dataset,
 * method, direction, seed) of any benchmark of {@link RealBenchmarks}. Settings are system properties:
 *
 * <pre>
 *   -Dfdcmkd.dataset=crema-d|ave|vggsound-50|crisismmd|nyu-depth-v2   required (kit real &lt;dataset&gt; sets it)
 *   -Dfdcmkd.method=fd-cmkd    one of the benchmark's methods
 *   -Dfdcmkd.student=&lt;modality&gt;   the student's modality (default: the benchmark's first)
 *   -Dfdcmkd.seed=0            -Dfdcmkd.profile=full|ci   -Dfdcmkd.fixture=true (a synthetic stand-in: no data needed)
 *   -Dfdcmkd.mode=train|epoch-cost|report|list
 * </pre>
 *
 * plus each benchmark's own (data and output folders, size overrides: see {@link AudioVisualBenchmark}, {@link
 * dev.cmkd.experiment.crisis.CrisisMmdBenchmark}, {@link SegmentationBenchmark}). {@code train} trains (or
 * resumes, or reads back) the teacher of the other modality, then the student, and prints their accuracy.
 * {@code epoch-cost} trains one teacher epoch and one FD-CMKD student epoch on a synthetic stand-in at the
 * paper's sizes under {@code <output>/epoch-cost} and prints the time per epoch, per sample, the extrapolation to
 * the full training split, and the peak memory. {@code report} gathers the rows of every command run so far
 * into {@code results.csv}, {@code summary.csv} and a figure in the output directory ({@link #report}); notebook 6
 * reads the summary. {@code list} prints every benchmark with its modalities and methods.
 */
public final class RealBenchmark {

    private static final Set<String> INTEGER_COLUMNS = Set.of("seed", "best_val_epoch", "epochs");
    private static final Set<String> DOUBLE_COLUMNS = Set.of("test_accuracy", "test_miou", "test_pixel_accuracy");

    private RealBenchmark() {}

    /**
     * Runs the mode of {@code -Dfdcmkd.mode} (see the class comment); a wrong setting or missing data ends the
     * process with status 2 and one line that says what to fix.
     */
    public static void main(String[] args) {
        try {
            run();
        } catch (IllegalArgumentException | DatasetException e) {
            System.err.println("kit real: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run() {
        String mode = System.getProperty("fdcmkd.mode", "train");
        if ("list".equals(mode)) {
            for (String name : RealBenchmarks.names()) {
                Benchmark benchmark = RealBenchmarks.get(name);
                System.out.printf("%-14s %-18s %s%n%14s methods: %s%n", name, String.join(" <-> ",
                        benchmark.modalities()), benchmark.description(), "", String.join(", ", benchmark.methods()));
            }
            return;
        }
        String dataset = System.getProperty("fdcmkd.dataset");
        if (dataset == null) {
            throw new IllegalArgumentException("name a dataset, one of " + RealBenchmarks.names()
                    + ": lib/bin/kit real <dataset> (or -Dfdcmkd.dataset=<dataset>)");
        }
        Benchmark benchmark = RealBenchmarks.get(dataset);
        Path output = benchmark.outputDir();
        switch (mode) {
            case "epoch-cost" -> System.out.print(benchmark.epochCost(output.resolve("epoch-cost")));
            case "report" -> {
                System.out.println(BenchmarkReport.formatted(report(output)).printAll());
                System.out.println("wrote results.csv, summary.csv and the figure in " + output);
            }
            case "train" -> {
                String method = System.getProperty("fdcmkd.method", "fd-cmkd");
                String student = System.getProperty("fdcmkd.student", benchmark.modalities().get(0));
                benchmark.checkCommand(method, student);
                System.out.println(benchmark.run(method, student, Long.getLong("fdcmkd.seed", 0L)).printAll());
            }
            default -> throw new IllegalArgumentException("unknown -Dfdcmkd.mode '" + mode
                    + "'; known: train, epoch-cost, report, list");
        }
    }

    /**
     * Gathers the rows of every command under {@code <outputDir>/results/} (each file holds a teacher and a
     * student under every protocol), keeps each (role, modality, teacher, method, seed, protocol) once (a teacher
     * shared by several commands appears in each of their files), writes them to {@code results.csv} and their
     * summary over seeds ({@link BenchmarkReport#summarize}: test accuracy, or test mIoU for segmentation) to
     * {@code summary.csv} and its figure to {@code accuracy.png} (or {@code miou.png}), atomically, and returns
     * the summary.
     *
     * @throws IllegalArgumentException when no command has written its rows there yet
     */
    public static Table report(Path outputDir) {
        Path commands = outputDir.resolve("results");
        List<Path> files;
        try (Stream<Path> listing = Files.isDirectory(commands) ? Files.list(commands) : Stream.empty()) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + commands, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no command results in " + commands + "; run lib/bin/kit real <dataset>"
                    + " -Dfdcmkd.method=... -Dfdcmkd.student=... -Dfdcmkd.seed=... first (or set -Dfdcmkd.output)");
        }
        Table rows = null;
        Set<String> seen = new HashSet<>();
        for (Path file : files) {
            Table one = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypes(
                    column -> INTEGER_COLUMNS.contains(column) ? ColumnType.INTEGER
                            : DOUBLE_COLUMNS.contains(column) ? ColumnType.DOUBLE : ColumnType.STRING));
            Table kept = one.emptyCopy();
            for (int row = 0; row < one.rowCount(); row++) {
                String key = String.join("|", one.getString(row, "role"), one.getString(row, "modality"),
                        one.getString(row, "teacher_modality"), one.getString(row, "method"),
                        one.getString(row, "seed"), one.getString(row, "protocol"));
                if (seen.add(key)) {
                    kept.addRow(row, one);
                }
            }
            rows = rows == null ? kept : rows.append(kept);
        }
        boolean segmentation = rows.columnNames().contains("test_miou");
        Table summary = BenchmarkReport.summarize(rows, segmentation ? "test_miou" : "test_accuracy");
        ResultFiles.writeCsv(rows.setName("results"), outputDir.resolve("results.csv"));
        ResultFiles.writeCsv(summary, outputDir.resolve("summary.csv"));
        ResultFiles.writePng(BenchmarkReport.accuracyChart(summary, segmentation ? "mIoU" : "accuracy"),
                outputDir.resolve(segmentation ? "miou.png" : "accuracy.png"));
        return summary;
    }
}
