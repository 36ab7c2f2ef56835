package dev.cmkd.sweep;

import dev.cmkd.experiment.SweepPlan;
import dev.cmkd.results.ResultFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A sweep as two Slurm job arrays: the teachers, one array task per teacher run, and the students, one per student
 * (or joint) run, submitted with {@code --dependency=afterok:<teachers>} so that they start once every teacher has
 * succeeded. Each array task runs {@code lib/bin/kit sweep <name> --task=<phase>:$SLURM_ARRAY_TASK_ID} with the
 * sweep's settings (a run of the expansion, trained with its run directory's lock and resume), with {@code
 * OMP_NUM_THREADS} its CPUs, and appends to its own log ({@link SweepLogs}, {@code --open-mode=append}), so a
 * requeued attempt continues the same log and the same run. The scripts are written to {@code <output>/sweep/} and
 * the job ids to {@code <output>/sweep/jobs.txt}, which {@link SweepStatus} reads. The output folder (and the kit)
 * must be on a file system every node shares.
 *
 * <p>Built with {@link #builder()}: {@code setName}, {@code setPlan}, {@code setOutput} and {@code setSettings} are
 * required; partition, CPUs and GPUs per task, time limit, memory, requeue and further sbatch flags are optional.
 */
public final class SlurmArrays {

    /** The placeholder of the teachers' job id in a dry run's students script. */
    static final String TEACHERS_JOB = "<the teachers' job id>";

    private final String name;
    private final SweepPlan plan;
    private final Path output;
    private final Map<String, String> settings;
    private final String partition;
    private final int cpusPerTask;
    private final int gpusPerTask;
    private final String time;
    private final String memory;
    private final boolean requeue;
    private final List<String> extraFlags;
    private final Path kitRoot;

    private SlurmArrays(Builder builder) {
        name = builder.name;
        plan = builder.plan;
        output = builder.output;
        settings = Map.copyOf(builder.settings);
        partition = builder.partition;
        cpusPerTask = builder.cpusPerTask;
        gpusPerTask = builder.gpusPerTask;
        time = builder.time;
        memory = builder.memory;
        requeue = builder.requeue;
        extraFlags = builder.extraFlags == null ? List.of() : List.of(builder.extraFlags.trim().split("\\s+"));
        kitRoot = builder.kitRoot != null ? builder.kitRoot : kitRoot();
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the sbatch script of {@code phase}; the students' depends on the job {@code teachersJob}. */
    public String script(SweepPlan.Phase phase, String teachersJob) {
        int tasks = plan.runs(phase).size();
        StringBuilder script = new StringBuilder("#!/bin/bash\n");
        script.append("# kit sweep ").append(name).append(": the ").append(phase.label()).append(" of ")
                .append(output).append(", one array task per run (").append(tasks).append(")\n");
        List<String> flags = new ArrayList<>();
        flags.add("--job-name=cmkd-" + name + "-" + phase.label());
        flags.add("--array=0-" + (tasks - 1));
        if (partition != null) {
            flags.add("--partition=" + partition);
        }
        flags.add("--ntasks=1");
        flags.add("--cpus-per-task=" + cpusPerTask);
        if (gpusPerTask > 0) {
            flags.add("--gpus-per-task=" + gpusPerTask);
        }
        flags.add("--time=" + time);
        flags.add("--mem=" + memory);
        flags.add("--output=" + SweepLogs.dir(output).resolve("logs").resolve(phase.label() + "-%a.log"));
        flags.add("--open-mode=append");
        flags.add(requeue ? "--requeue" : "--no-requeue");
        if (phase == SweepPlan.Phase.STUDENTS) {
            flags.add("--dependency=afterok:" + teachersJob);
            flags.add("--kill-on-invalid-dep=yes");
        }
        flags.addAll(extraFlags);
        flags.forEach(flag -> script.append("#SBATCH ").append(flag).append('\n'));
        script.append("# the runs, by array task:\n");
        for (SweepPlan.PlannedRun run : plan.runs(phase)) {
            script.append(String.format(Locale.ROOT, "#   %3d  %s (%d epochs)%n", run.index(), run.name(),
                    run.epochs()));
        }
        script.append("set -u\n");
        script.append("echo \"").append(SweepLogs.START).append(phase.label()).append(":${SLURM_ARRAY_TASK_ID}, job"
                + " ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, requeued ${SLURM_RESTART_COUNT:-0} times, on"
                + " $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n");
        script.append("export OMP_NUM_THREADS=").append(cpusPerTask).append('\n');
        script.append("cd ").append(quoted(kitRoot.toString())).append('\n');
        script.append("KIT_SKIP_BUILD=1 lib/bin/kit sweep ").append(quoted(name)).append(" --task=")
                .append(phase.label()).append(":${SLURM_ARRAY_TASK_ID}");
        settings.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> script.append(" \\\n    ")
                .append(quoted("--" + entry.getKey() + "=" + entry.getValue())));
        script.append('\n');
        script.append("status=$?\n");
        script.append("echo \"").append(SweepLogs.EXIT).append("${status} at $(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n");
        script.append("exit ${status}\n");
        return script.toString();
    }

    /** Returns both scripts and the commands that would submit them, without submitting anything. */
    public String dryRun() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "kit sweep %s (dry run): %d teacher runs, %d student runs; nothing"
                + " submitted%n%n", name, plan.teachers().size(), plan.students().size()));
        Path dir = SweepLogs.dir(output);
        text.append("# ").append(dir.resolve("teachers.sbatch")).append('\n')
                .append(script(SweepPlan.Phase.TEACHERS, TEACHERS_JOB)).append('\n');
        if (!plan.students().isEmpty()) {
            text.append("# ").append(dir.resolve("students.sbatch")).append('\n')
                    .append(script(SweepPlan.Phase.STUDENTS, TEACHERS_JOB)).append('\n');
        }
        text.append("# submitted as:\n#   teachers=$(sbatch --parsable ").append(dir.resolve("teachers.sbatch"))
                .append(")\n");
        if (!plan.students().isEmpty()) {
            text.append("#   sbatch --parsable ").append(dir.resolve("students.sbatch"))
                    .append("   (its --dependency names $teachers)\n");
        }
        return text.toString();
    }

    /**
     * Writes both scripts to {@code <output>/sweep/}, submits them (the students' depending on the teachers' job) and
     * returns what it did; the job ids are appended to {@code <output>/sweep/jobs.txt}.
     *
     * @throws IllegalStateException when sbatch fails, with its output
     */
    public String submit() {
        Path dir = SweepLogs.dir(output);
        try {
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve("logs"), e);
        }
        Path teachersScript = ResultFiles.writeString(script(SweepPlan.Phase.TEACHERS, TEACHERS_JOB),
                dir.resolve("teachers.sbatch"));
        String teachers = sbatch(teachersScript);
        record(SweepPlan.Phase.TEACHERS, teachers);
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "kit sweep %s: submitted the %d teacher"
                + " runs as job array %s (%s)%n", name, plan.teachers().size(), teachers, teachersScript));
        if (!plan.students().isEmpty()) {
            Path studentsScript = ResultFiles.writeString(script(SweepPlan.Phase.STUDENTS, teachers),
                    dir.resolve("students.sbatch"));
            String students = sbatch(studentsScript);
            record(SweepPlan.Phase.STUDENTS, students);
            text.append(String.format(Locale.ROOT, "kit sweep %s: submitted the %d student runs as job array %s,"
                    + " after every teacher succeeded (%s)%n", name, plan.students().size(), students,
                    studentsScript));
        }
        text.append(String.format(Locale.ROOT, "logs: %s; progress: lib/bin/kit sweep %s ... --status%n",
                dir.resolve("logs"), name));
        return text.toString();
    }

    private void record(SweepPlan.Phase phase, String job) {
        try {
            Files.writeString(SweepLogs.jobs(output), phase.label() + " " + job + " " + Instant.now() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + SweepLogs.jobs(output), e);
        }
    }

    /** Submits {@code script} and returns its job id. */
    private static String sbatch(Path script) {
        String out = Slurm.command(List.of("sbatch", "--parsable", script.toString()));
        String job = out.strip().split(";")[0];
        if (!job.matches("\\d+")) {
            throw new IllegalStateException("sbatch " + script + " printed no job id: " + out);
        }
        return job;
    }

    /** Returns {@code text} as one shell word. */
    static String quoted(String text) {
        return text.matches("[A-Za-z0-9_.,:/=@%+-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    /** The kit's folder: the nearest folder at or above the working directory with {@code lib/bin/kit}. */
    static Path kitRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("lib/bin/kit"))) {
                return dir;
            }
        }
        throw new IllegalStateException("kit sweep: cannot find lib/bin/kit at or above " + Path.of("")
                .toAbsolutePath() + "; fix: run the kit from its folder (lib/bin/kit does)");
    }

    /** The Slurm commands the kit runs. */
    static final class Slurm {

        private Slurm() {}

        /**
         * Runs a Slurm command and returns its output.
         *
         * @throws IllegalArgumentException when it is not installed
         * @throws IllegalStateException when it fails, with its status and output
         */
        static String command(List<String> command) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroy();
                    throw new IllegalStateException(command.get(0) + " did not answer in 120 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed with status "
                            + process.exitValue() + ": " + out.strip());
                }
                return out;
            } catch (IOException e) {
                throw new IllegalArgumentException("kit sweep: cannot run " + command.get(0) + " (" + e.getMessage()
                        + "); fix: run it where Slurm's commands are installed, or --executor=local");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + command.get(0), e);
            }
        }
    }

    /** Builds {@link SlurmArrays}. */
    public static final class Builder {
        private String name;
        private SweepPlan plan;
        private Path output;
        private Map<String, String> settings;
        private String partition;
        private int cpusPerTask = 1;
        private int gpusPerTask;
        private String time = "24:00:00";
        private String memory = "16G";
        private boolean requeue = true;
        private String extraFlags;
        private Path kitRoot;

        private Builder() {}

        /** Sets the benchmark's name as {@code kit sweep} takes it (e.g. {@code crema-d}, {@code embedded}). */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /** Sets the expanded protocol. */
        public Builder setPlan(SweepPlan plan) {
            this.plan = plan;
            return this;
        }

        /** Sets the output folder (absolute, on a shared file system). */
        public Builder setOutput(Path output) {
            this.output = output;
            return this;
        }

        /** Sets the settings every task is given, key to text. */
        public Builder setSettings(Map<String, String> settings) {
            this.settings = settings;
            return this;
        }

        /** Sets the partition (null: the cluster's default). */
        public Builder optPartition(String partition) {
            this.partition = partition;
            return this;
        }

        /** Sets the CPUs of each task (default 1). */
        public Builder optCpusPerTask(int cpusPerTask) {
            this.cpusPerTask = cpusPerTask;
            return this;
        }

        /** Sets the GPUs of each task (default 0). */
        public Builder optGpusPerTask(int gpusPerTask) {
            this.gpusPerTask = gpusPerTask;
            return this;
        }

        /** Sets the time limit of each task (default 24:00:00). */
        public Builder optTime(String time) {
            this.time = time;
            return this;
        }

        /** Sets the memory of each task (default 16G). */
        public Builder optMemory(String memory) {
            this.memory = memory;
            return this;
        }

        /** Sets whether Slurm may requeue a task (default true). */
        public Builder optRequeue(boolean requeue) {
            this.requeue = requeue;
            return this;
        }

        /** Sets further sbatch flags, separated by spaces (null: none). */
        public Builder optExtraFlags(String extraFlags) {
            this.extraFlags = extraFlags;
            return this;
        }

        /** Sets the kit's folder (default: found from the working directory). */
        public Builder optKitRoot(Path kitRoot) {
            this.kitRoot = kitRoot;
            return this;
        }

        /** Builds the arrays; the required settings must be set. */
        public SlurmArrays build() {
            if (name == null || plan == null || output == null || settings == null) {
                throw new IllegalStateException("SlurmArrays needs a name, a plan, an output folder and settings");
            }
            return new SlurmArrays(this);
        }
    }
}
