package dev.cmkd.cli;

import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.Protocol;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.SweepPlan;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.report.PlainText;
import dev.cmkd.sweep.LocalSweep;
import dev.cmkd.sweep.SlurmArrays;
import dev.cmkd.sweep.SweepStatus;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.train.Environment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code lib/bin/kit sweep <benchmark|embedded>}: a benchmark's whole protocol (the settings of {@code kit run
 * <benchmark>}, the same keys with the same meaning; {@code embedded} is {@code kit main}'s) expanded into its runs
 * ({@link SweepPlan}: the teachers, then the students) and trained one run per process, locally ({@link LocalSweep},
 * {@code workers} at a time) or as two Slurm job arrays, the students' depending on the teachers' ({@link
 * SlurmArrays}); {@code --status} tells per run whether it finished, runs or failed ({@link SweepStatus}), and {@code
 * --report} writes the tables and figure of {@code kit run} from the finished runs. Each process (a local child or a
 * Slurm array task) is {@code kit sweep ... --task=<phase>:<index>}: it trains that run of the expansion with the
 * existing machinery (its run directory's lock, resume from the last committed epoch, a finished run read back at
 * once) and takes {@code cpusPerTask} intra-op threads, which are part of every run's identity.
 */
public final class SweepCommand {

    /** The name that selects {@code kit main}'s protocol: the embedded benchmark with the main job's methods. */
    public static final String EMBEDDED = "embedded";

    /** Where the runs go. */
    public static final Option<String> EXECUTOR = Option.choice("executor", List.of("local", "slurm"), "local: the"
            + " runs on this machine, workers at a time, each in its own process (one device each with gpusPerTask);"
            + " slurm: teachers as one job array, students as a second array that starts after every teacher"
            + " succeeded (--dependency=afterok), one array task per run", "local", "local");
    /** Print what would run without running it. */
    public static final Option<Boolean> DRY_RUN = Option.flag("dryRun", "print the runs (local) or the sbatch"
            + " scripts (slurm) without running or submitting anything", false, false);
    /** The status of every run. */
    public static final Option<Boolean> STATUS = Option.flag("status", "print per run whether it finished, is"
            + " running, queued, failed (with its log's last lines) or not started, from the shared output folder",
            false, false);
    /** The tables and figure of the finished sweep. */
    public static final Option<Boolean> REPORT = Option.flag("report", "write the tables and figure of kit run"
            + " (results/, results.csv, summary.csv, comparisons, the figure) from the finished runs; refused while a"
            + " run has not finished", false, false);
    /** One run of the expansion: what a Slurm array task or a local child runs. */
    public static final Option<String> TASK = new Option<>("task", "teachers:<index>|students:<index>", "train"
            + " only this run of the expansion (the scripts set it from SLURM_ARRAY_TASK_ID): resumed from its last"
            + " committed epoch, read back at once when finished, refused when another process holds it", null, null,
            text -> {
                String[] parts = text.trim().split(":");
                if (parts.length != 2 || !parts[1].matches("\\d+")) {
                    throw new IllegalArgumentException("not of the form teachers:<index> or students:<index>");
                }
                SweepPlan.Phase.of(parts[0]);
                return parts[0] + ":" + Integer.parseInt(parts[1]);
            });
    /** The CPUs, and intra-op threads, of each run. */
    public static final Option<Integer> CPUS_PER_TASK = Option.integer("cpusPerTask", 1, "CPUs of each run: its"
            + " engine's intra-op threads (part of a run's identity: keep it for runs to be read back) and sbatch's"
            + " --cpus-per-task", 4, 1);
    /** GPUs of each run. */
    public static final Option<Integer> GPUS_PER_TASK = Option.integer("gpusPerTask", 0, "GPUs of each run:"
            + " sbatch's --gpus-per-task; locally each of the workers gets its own (CUDA_VISIBLE_DEVICES)", 0, 0);
    /** The Slurm partition. */
    public static final Option<String> PARTITION = text("partition", "the Slurm partition (sbatch --partition);"
            + " none: the cluster's default", null, null);
    /** The time limit of each run. */
    public static final Option<String> TIME = new Option<>("time", "[days-]hours:minutes:seconds", "the time limit"
            + " of each array task (sbatch --time); a run stopped by it resumes when requeued or resubmitted",
            "24:00:00", "00:30:00", text -> {
                if (!text.trim().matches("(\\d+-)?\\d+(:\\d\\d){0,2}")) {
                    throw new IllegalArgumentException("not a Slurm time such as 12:00:00 or 1-00:00:00");
                }
                return text.trim();
            });
    /** The memory of each run. */
    public static final Option<String> MEM = new Option<>("mem", "<number>[K|M|G|T]", "the memory of each array"
            + " task (sbatch --mem)", "16G", "4G", text -> {
                if (!text.trim().matches("\\d+[KMGT]?")) {
                    throw new IllegalArgumentException("not a Slurm memory size such as 16G or 4000M");
                }
                return text.trim();
            });
    /** Further sbatch flags. */
    public static final Option<String> SBATCH_FLAGS = text("sbatchFlags", "further sbatch flags, separated by"
            + " spaces, each written as an #SBATCH line (e.g. --account=abc --qos=normal --constraint=a100)", null,
            null);
    /** Requeue on preemption or node failure. */
    public static final Option<Boolean> REQUEUE = Option.flag("requeue", "let Slurm requeue a preempted task"
            + " (sbatch --requeue); the requeued task resumes its run from the last committed epoch", true, true);

    /** The sweep's own keys, which the tasks do not need. */
    private static final Set<String> CONTROL = Set.of(EXECUTOR.key(), DRY_RUN.key(), STATUS.key(), REPORT.key(),
            TASK.key(), GPUS_PER_TASK.key(), PARTITION.key(), TIME.key(), MEM.key(), SBATCH_FLAGS.key(), REQUEUE.key(),
            TaskRegistry.WORKERS.key(), TaskRegistry.MODE.key());

    private SweepCommand() {}

    /** Runs the command; a setting that cannot be used ends it with status 2 and one line; a failed run with 1. */
    public static void main(String[] args) {
        int status = run(args, System.getProperties());
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs {@code kit sweep} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        AtomicInteger failed = new AtomicInteger();
        int status = Cli.run(args, properties, SweepCommand::options, (settings, positional) -> {
            if (!run(positional.get(0), settings)) {
                failed.set(1);
            }
        });
        return status != 0 ? status : failed.get();
    }

    /** Returns the options table of {@code kit sweep <positional[0]>}. */
    static Options options(List<String> positional) {
        if (positional.size() != 1) {
            throw new Options.InvalidOption("kit sweep: name one benchmark, one of " + TaskRegistry.names() + " or "
                    + EMBEDDED + "; got " + positional + "; fix: lib/bin/kit sweep <benchmark> [--key=value ...]");
        }
        String name = positional.get(0);
        TaskType type = type(name);
        List<Option<?>> options = new ArrayList<>(name.equals(EMBEDDED) ? MainJob.options().options()
                : TaskRegistry.options("kit sweep " + name, type).options());
        options.removeIf(option -> option.key().equals(Options.PROFILE.key())
                || option.key().equals(TaskRegistry.MODE.key()));
        options.replaceAll(option -> option.key().equals(TaskRegistry.WORKERS.key()) ? new Option<>(
                TaskRegistry.WORKERS.key(), TaskRegistry.WORKERS.type(), "local executor: the runs trained side by"
                        + " side, each in its own process with cpusPerTask threads (and its own gpusPerTask GPUs)", 1,
                1, TaskRegistry.WORKERS.parse()) : option);
        options.addAll(List.of(EXECUTOR, DRY_RUN, STATUS, REPORT, TASK, CPUS_PER_TASK, GPUS_PER_TASK, PARTITION, TIME,
                MEM, SBATCH_FLAGS, REQUEUE));
        return new Options("kit sweep " + name, options);
    }

    /** Returns the benchmark named {@code name} ({@code embedded}: AV-MNIST-TTS). */
    static TaskType type(String name) {
        return name.equals(EMBEDDED) ? AvMnistTtsTask.TYPE : TaskRegistry.get(name);
    }

    /** Returns the plan of {@code settings}: its protocol expanded over the benchmark's modalities. */
    public static SweepPlan plan(TaskType type, Settings settings) {
        Protocol protocol = Runner.protocol(type, settings, MethodRegistry.specs(settings.get(TaskRegistry.methods(
                type)), type.layout()));
        return SweepPlan.of(protocol, type.modalities(), output(type, settings).resolve("runs"));
    }

    /** Returns the output folder of {@code settings}, absolute (array tasks may start elsewhere). */
    public static Path output(TaskType type, Settings settings) {
        return Runner.output(type, settings).toAbsolutePath().normalize();
    }

    /**
     * Returns the settings a task (an array task or a local child) is given: those of the protocol, as given, with
     * the output folder made absolute and the CPUs per task, without the sweep's own keys.
     */
    public static Map<String, String> taskSettings(TaskType type, Settings settings) {
        Map<String, String> given = new TreeMap<>(settings.given());
        given.keySet().removeAll(CONTROL);
        given.put(TaskRegistry.output(type).key(), output(type, settings).toString());
        given.put(CPUS_PER_TASK.key(), Integer.toString(settings.get(CPUS_PER_TASK)));
        given.put(Options.PROFILE.key(), settings.profile().label());
        return given;
    }

    /** Runs what {@code settings} ask for; returns false when a run (or a local sweep's run) failed. */
    static boolean run(String name, Settings settings) throws Exception {
        TaskType type = type(name);
        SweepPlan plan = plan(type, settings);
        checkOneAction(settings);
        String task = settings.get(TASK);
        if (task != null) {
            return runTask(type, settings, plan, task);
        }
        if (settings.get(STATUS)) {
            System.out.print(new SweepStatus(plan, output(type, settings)).text());
            return true;
        }
        if (settings.get(REPORT)) {
            report(type, settings, plan);
            return true;
        }
        if (settings.get(EXECUTOR).equals("slurm")) {
            SlurmArrays arrays = SlurmArrays.builder().setName(name).setPlan(plan).setOutput(output(type, settings))
                    .setSettings(taskSettings(type, settings)).optPartition(settings.get(PARTITION))
                    .optCpusPerTask(settings.get(CPUS_PER_TASK)).optGpusPerTask(settings.get(GPUS_PER_TASK))
                    .optTime(settings.get(TIME)).optMemory(settings.get(MEM)).optRequeue(settings.get(REQUEUE))
                    .optExtraFlags(settings.get(SBATCH_FLAGS)).build();
            if (settings.get(DRY_RUN)) {
                System.out.print(arrays.dryRun());
            } else {
                System.out.print(arrays.submit());
            }
            return true;
        }
        LocalSweep local = new LocalSweep(name, plan, output(type, settings), taskSettings(type, settings),
                settings.get(TaskRegistry.WORKERS), settings.get(CPUS_PER_TASK), settings.get(GPUS_PER_TASK));
        if (settings.get(DRY_RUN)) {
            System.out.print(local.dryRun());
            return true;
        }
        if (!local.run()) {
            System.out.print(new SweepStatus(plan, output(type, settings)).text());
            return false;
        }
        report(type, settings, plan);
        return true;
    }

    private static void checkOneAction(Settings settings) {
        int actions = (settings.get(TASK) != null ? 1 : 0) + (settings.get(STATUS) ? 1 : 0)
                + (settings.get(REPORT) ? 1 : 0) + (settings.get(DRY_RUN) ? 1 : 0);
        if (actions > 1) {
            throw new Options.InvalidOption("kit sweep: --task, --status, --report and --dryRun are separate actions;"
                    + " fix: give one of them");
        }
    }

    /** Trains one run of the plan in this process; returns whether it finished. */
    private static boolean runTask(TaskType type, Settings settings, SweepPlan plan, String task) {
        String[] parts = task.split(":");
        SweepPlan.PlannedRun run = plan.run(SweepPlan.Phase.of(parts[0]), Integer.parseInt(parts[1]));
        System.out.printf(Locale.ROOT, "sweep task %s: %s (%d epochs) in %s%n", task, run.name(), run.epochs(),
                run.dir());
        Experiment experiment = Runner.experiment(type, settings);
        Environment.useThreads(settings.get(CPUS_PER_TASK));
        RunOutcome outcome = plan.train(experiment, run);
        if (!outcome.finished()) {
            System.out.printf(Locale.ROOT, "sweep task %s: %s failed: %s%n", task, run.name(), outcome.failure());
            return false;
        }
        System.out.printf(Locale.ROOT, "sweep task %s: %s finished%n", task, run.name());
        return true;
    }

    /** Reads every finished run back and writes the tables and figure of {@code kit run}. */
    private static void report(TaskType type, Settings settings, SweepPlan plan) {
        Path output = output(type, settings);
        List<String> unfinished = new SweepStatus(plan, output).unfinished();
        if (!unfinished.isEmpty()) {
            throw new IllegalArgumentException(unfinished.size() + " of " + plan.all().size() + " runs have not"
                    + " finished (" + String.join(", ", unfinished.stream().limit(6).toList())
                    + (unfinished.size() > 6 ? ", ..." : "") + "); fix: kit sweep " + type.name() + " ... --status"
                    + " shows why; resubmit the sweep (finished runs exit at once, the others resume)");
        }
        Experiment experiment = Runner.experiment(type, settings);
        Environment.useThreads(settings.get(CPUS_PER_TASK));
        BenchmarkReport report = plan.protocol().run(experiment);
        Runner.write(report, output);
        System.out.println(PlainText.table(BenchmarkReport.formatted(report.summary())));
    }

    private static Option<String> text(String key, String help, String full, String ci) {
        return new Option<>(key, "text", help, full, ci, value -> {
            if (value.isBlank()) {
                throw new IllegalArgumentException("empty");
            }
            return value.trim();
        });
    }
}
