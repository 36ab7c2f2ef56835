package dev.cmkd.experiment;

import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.report.EpochCostReport;
import dev.cmkd.report.PlainText;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.bench.PeakMemory;
import dev.cmkd.cli.Settings;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.model.FeaturePoint;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.Environment;
import dev.cmkd.train.RunSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Runs a benchmark from its settings, the one way every task is run ({@code lib/bin/kit run <name>}, {@code
 * lib/bin/kit main}, the notebooks): the protocol of the settings ({@link Protocol}), each student's rows with its
 * teacher's in {@code <output>/results/<method>-<student>-seed<seed>.csv}, and the tables and figures of the
 * invocation ({@link BenchmarkReport#write}); or the tables of every command run so far ({@link #report}); or the
 * cost of an epoch ({@link #epochCost}).
 */
public final class Runner {

    private static final Set<String> INTEGER_COLUMNS = Set.of("seed", "best_val_epoch", "epochs");

    private Runner() {}

    /**
     * Returns the output folder of {@code settings}: the one given, or the profile's with a suffix for each setting
     * that changes every run's identity from its default ({@code -pre-relu}, {@code -shared-initialisation}, {@code
     * -paper}), so that runs of other settings never meet in one folder.
     */
    public static Path output(TaskType type, Settings settings) {
        Path output = settings.get(TaskRegistry.output(type));
        if (settings.given().containsKey(TaskRegistry.output(type).key())) {
            return output;
        }
        String suffix = (settings.get(TaskRegistry.FEATURE_POINT) == FeaturePoint.PRE_RELU ? "-pre-relu" : "")
                + (settings.get(TaskRegistry.INITIALISATION) == Initialisation.SHARED ? "-shared-initialisation" : "")
                + (settings.get(TaskRegistry.PAPER_PROTOCOL) ? "-paper" : "");
        return Path.of(output + suffix);
    }

    /** Returns the protocol of {@code settings} with {@code methods} (registered ones or variants). */
    public static Protocol protocol(TaskType type, Settings settings, List<MethodSpec> methods) {
        return new Protocol(settings.get(TaskRegistry.SEEDS), settings.get(TaskRegistry.students(type)), methods,
                settings.get(TaskRegistry.TEACHER_EPOCHS), settings.get(TaskRegistry.STUDENT_EPOCHS),
                settings.get(TaskRegistry.BATCH_SIZE), settings.get(TaskRegistry.JOINT));
    }

    /**
     * Returns the experiment of {@code settings}: its task (under the authors' protocol with {@code paperProtocol},
     * {@link PaperProtocol}) and initialisation, its runs in {@code <output>/runs}.
     * This process takes its share of the cores first ({@code cores / workers} intra-op threads, {@link
     * Environment#shareCores}), the thread count in the identity of the runs it trains or reads back, whoever
     * calls: the protocol, a worker, a study that reads the teachers.
     */
    public static Experiment experiment(TaskType type, Settings settings) {
        Environment.shareCores(settings.get(TaskRegistry.WORKERS));
        Path output = output(type, settings);
        Task task = type.factory().create(settings, output);
        return new Experiment(settings.get(TaskRegistry.PAPER_PROTOCOL) ? PaperProtocol.of(task) : task,
                output.resolve("runs"), settings.get(TaskRegistry.INITIALISATION))
                .withLoaderThreads(settings.get(TaskRegistry.LOADER_THREADS));
    }

    /**
     * Runs the protocol of {@code settings} (each run trained, resumed or read back), writes every student's rows
     * with its teacher's as one command's file and the report of all of them to the output folder, and returns it.
     */
    public static BenchmarkReport train(TaskType type, Settings settings) {
        List<MethodSpec> methods = MethodRegistry.specs(settings.get(TaskRegistry.methods(type)), type.layout());
        return train(type, settings, methods);
    }

    /**
     * Runs the protocol of {@code settings} with {@code methods} (registered ones or variants, as the studies run
     * them) and returns its report, writing no table. With {@code workers} above one, that many worker processes
     * train the runs first ({@link Workers}, each worker taking the methods of {@code source}: {@link Workers#RUN},
     * {@link Workers#ABLATION} or {@link Workers#SENSITIVITY}), and this process reads them back; every process
     * takes {@code cores / workers} intra-op threads, the count in every run's identity.
     */
    public static BenchmarkReport run(String source, TaskType type, Settings settings, List<MethodSpec> methods) {
        int workers = settings.get(TaskRegistry.WORKERS);
        Experiment experiment = experiment(type, settings);
        Protocol protocol = protocol(type, settings, methods);
        if (workers > 1) {
            Workers.run(source, type, settings, methods, workers);
        }
        return protocol.run(experiment);
    }

    private static BenchmarkReport train(TaskType type, Settings settings, List<MethodSpec> methods) {
        BenchmarkReport report = run(Workers.RUN, type, settings, methods);
        write(report, output(type, settings));
        return report;
    }

    /**
     * Writes {@code report} as {@code kit run} does: every student's rows with its teacher's as one command's file
     * under {@code <output>/results/}, then the invocation's tables and figure ({@link BenchmarkReport#write}).
     */
    public static void write(BenchmarkReport report, Path output) {
        for (BenchmarkReport command : report.commands()) {
            BenchmarkReport.Entry student = command.entries().get(command.entries().size() - 1);
            ResultFiles.writeCsv(command.results(), output.resolve("results").resolve(student.method() + "-"
                    + student.modality() + "-seed" + student.seed() + ".csv"));
        }
        System.out.println(PlainText.files(report.write(output)));
    }

    /**
     * Gathers the rows of every command under {@code <outputDir>/results/} (each file holds a student and its
     * teacher under every protocol), keeps each (role, modality, teacher, method, seed, protocol) once (a teacher
     * shared by several commands appears in each of their files), writes them to {@code results.csv}, their
     * summary over seeds to {@code summary.csv}, the comparisons with {@code none} and {@code kd} ({@link
     * BenchmarkReport#writeComparisons}) and the figure, atomically, and returns the summary.
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
            throw new IllegalArgumentException("no command results in " + commands + "; fix: run lib/bin/kit run"
                    + " <benchmark> first (or set -Dfdcmkd.output to the folder of earlier runs)");
        }
        Table rows = null;
        Set<String> seen = new HashSet<>();
        for (Path file : files) {
            Table one = readRows(file);
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
        String metric = rows.columnNames().contains("test_miou") ? "test_miou" : "test_accuracy";
        Table summary = BenchmarkReport.summarize(rows, metric);
        ResultFiles.writeCsv(rows.setName("results"), outputDir.resolve("results.csv"));
        ResultFiles.writeCsv(summary, outputDir.resolve("summary.csv"));
        BenchmarkReport.writeComparisons(rows, metric, outputDir);
        String name = metric.substring("test_".length());
        ResultFiles.writePng(BenchmarkReport.accuracyChart(summary, name.equals("miou") ? "mIoU" : name,
                BenchmarkReport.headlineSelection(rows)), outputDir.resolve(name + ".png"));
        return summary;
    }

    /**
     * Reads per-run rows written by a report ({@code results.csv}, or one command's file), in the layout of {@link
     * BenchmarkReport#results()}; rows written before the validation column or the end-of-training trend existed get
     * NaN there.
     */
    public static Table readRows(Path file) {
        Table rows = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypes(
                column -> INTEGER_COLUMNS.contains(column) ? ColumnType.INTEGER
                        : column.startsWith("test_") || column.startsWith("val_") ? ColumnType.DOUBLE
                        : ColumnType.STRING));
        String validation = rows.columnNames().contains("test_miou") ? "val_miou" : "val_accuracy";
        addUnknown(rows, validation, rows.columnNames().contains("best_val_epoch") ? rows.columnIndex("best_val_epoch")
                : rows.columnCount());
        addUnknown(rows, BenchmarkReport.END_TREND, rows.columnIndex("epochs") + 1);
        return rows;
    }

    /** Inserts column {@code name} of NaN at {@code index} if {@code rows} lack it (rows of an older kit). */
    private static void addUnknown(Table rows, String name, int index) {
        if (!rows.columnNames().contains(name)) {
            double[] unknown = new double[rows.rowCount()];
            Arrays.fill(unknown, Double.NaN);
            rows.insertColumn(index, DoubleColumn.create(name, unknown));
        }
    }

    /**
     * Trains one teacher epoch and one FD-CMKD student epoch on the stand-in of {@code type} at the paper's sizes
     * (written under {@code <output>/epoch-cost}, replaced) and returns their wall times and the peak memory.
     */
    public static EpochCostReport epochCost(TaskType type, Settings settings) {
        if (type.costRun() == null) {
            throw new IllegalArgumentException("kit run " + type.name() + ": epoch-cost is measured for the paper's"
                    + " benchmarks only; fix: -Dfdcmkd.mode=train");
        }
        Path workDir = output(type, settings).resolve("epoch-cost");
        ResultFiles.deleteRecursively(workDir);
        TaskType.CostRun cost = type.costRun().create(settings, workDir.resolve("data"));
        Experiment experiment = new Experiment(cost.task(), workDir.resolve("runs"));
        String teacher = cost.task().otherModality(cost.student());
        RunSpec spec = RunSpec.paper(1, cost.batchSize(), 0);
        MethodSpec fdCmkd = MethodRegistry.spec("fd-cmkd", type.layout());
        PeakMemory.reset();
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put(teacher + " teacher", EpochCostReport.wallSeconds(() -> experiment.teacher(teacher, spec)));
        seconds.put(cost.student() + " student (fd-cmkd)", EpochCostReport.wallSeconds(() -> experiment.student(
                cost.student(), fdCmkd, spec, spec)));
        int trained = cost.task().splits(0).train().size() / cost.batchSize() * cost.batchSize();
        return new EpochCostReport(type.name(), cost.setup(), trained, cost.fullTrainSamples(), seconds,
                PeakMemory.peakBytes());
    }
}
