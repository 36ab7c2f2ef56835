package dev.cmkd.sweep;

import dev.cmkd.experiment.SweepPlan;
import dev.cmkd.experiment.Workers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A sweep on this machine, the way Slurm runs it: the teachers, then (when every teacher finished, as {@code
 * afterok}) the students, each run in its own process, {@code kit sweep <name> --task=<phase>:<index>}, {@code
 * workers} at a time, each with {@code OMP_NUM_THREADS} its CPUs and, with GPUs, its own devices ({@code
 * CUDA_VISIBLE_DEVICES}: worker slot {@code s} gets devices {@code s*g .. s*g+g-1}). Each process appends to its
 * task's log ({@link SweepLogs}) as an array task does, so {@code --status} reads both alike. When this process ends,
 * its children are stopped (gracefully: a run stops after its step and resumes later).
 */
public final class LocalSweep {

    private final String name;
    private final SweepPlan plan;
    private final Path output;
    private final Map<String, String> settings;
    private final int workers;
    private final int cpusPerTask;
    private final int gpusPerTask;

    /**
     * Creates the local sweep of {@code plan} ({@code name}: the benchmark as {@code kit sweep} takes it) under
     * {@code output}, each task given {@code settings}, {@code workers} at a time.
     */
    public LocalSweep(String name, SweepPlan plan, Path output, Map<String, String> settings, int workers,
            int cpusPerTask, int gpusPerTask) {
        this.name = name;
        this.plan = plan;
        this.output = output;
        this.settings = new TreeMap<>(settings);
        this.workers = workers;
        this.cpusPerTask = cpusPerTask;
        this.gpusPerTask = gpusPerTask;
    }

    /** Returns the runs and the command of each, without running anything. */
    public String dryRun() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "kit sweep %s (dry run, local, %d at a"
                + " time, %d threads each): %d teacher runs, then %d student runs; nothing run%n", name, workers,
                cpusPerTask, plan.teachers().size(), plan.students().size()));
        for (SweepPlan.PlannedRun run : plan.all()) {
            text.append(String.format(Locale.ROOT, "  %-12s %s (%d epochs)%n", run.task(), run.name(),
                    run.epochs()));
        }
        text.append("each: ").append(String.join(" ", task("<phase>:<index>"))).append('\n');
        return text.toString();
    }

    /** Runs every teacher, then (when all finished) every student; returns whether every run finished. */
    public boolean run() {
        long start = System.nanoTime();
        boolean teachers = phase(plan.teachers());
        if (!teachers) {
            System.out.printf(Locale.ROOT, "kit sweep %s: a teacher failed; its students are not started (as Slurm's"
                    + " afterok)%n", name);
            return false;
        }
        boolean students = phase(plan.students());
        System.out.printf(Locale.ROOT, "kit sweep %s: %d runs in %.1f min%n", name, plan.all().size(),
                (System.nanoTime() - start) / 60e9);
        return students;
    }

    /** Runs {@code runs}, {@code workers} at a time; returns whether all finished. */
    private boolean phase(List<SweepPlan.PlannedRun> runs) {
        Deque<SweepPlan.PlannedRun> waiting = new ArrayDeque<>(runs);
        SweepPlan.PlannedRun[] slotRun = new SweepPlan.PlannedRun[workers];
        Process[] slots = new Process[workers];
        List<Process> started = new ArrayList<>();
        Thread stopper = new Thread(() -> started.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(stopper);
        boolean allFinished = true;
        try {
            while (!waiting.isEmpty() || java.util.Arrays.stream(slots).anyMatch(p -> p != null)) {
                for (int slot = 0; slot < workers; slot++) {
                    if (slots[slot] != null && !slots[slot].isAlive()) {
                        int status = slots[slot].exitValue();
                        appendLine(SweepLogs.log(output, slotRun[slot]), SweepLogs.EXIT + status + " at "
                                + Instant.now());
                        System.out.printf(Locale.ROOT, "%s %-12s %s %s%n", Instant.now(), slotRun[slot].task(),
                                slotRun[slot].name(), status == 0 ? "finished" : "failed with status " + status
                                        + " (log: " + SweepLogs.log(output, slotRun[slot]) + ")");
                        allFinished &= status == 0;
                        slots[slot] = null;
                    }
                    if (slots[slot] == null && !waiting.isEmpty()) {
                        slotRun[slot] = waiting.removeFirst();
                        slots[slot] = start(slotRun[slot], slot);
                        started.add(slots[slot]);
                        System.out.printf(Locale.ROOT, "%s %-12s %s started (pid %d)%n", Instant.now(),
                                slotRun[slot].task(), slotRun[slot].name(), slots[slot].pid());
                    }
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            started.forEach(Process::destroy);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the sweep", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
        return allFinished;
    }

    private Process start(SweepPlan.PlannedRun run, int slot) {
        Path log = SweepLogs.log(output, run);
        try {
            Files.createDirectories(log.getParent());
            appendLine(log, SweepLogs.START + run.task() + ", local worker " + (slot + 1) + "/" + workers + ", at "
                    + Instant.now());
            ProcessBuilder builder = new ProcessBuilder(task(run.task())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("OMP_NUM_THREADS", Integer.toString(cpusPerTask));
            if (gpusPerTask > 0) {
                StringJoiner devices = new StringJoiner(",");
                for (int device = slot * gpusPerTask; device < (slot + 1) * gpusPerTask; device++) {
                    devices.add(Integer.toString(device));
                }
                builder.environment().put("CUDA_VISIBLE_DEVICES", devices.toString());
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the task " + run.task() + ": " + e.getMessage(), e);
        }
    }

    /** The command of one task: {@code kit sweep <name> --task=<task>} with the sweep's settings. */
    private List<String> task(String task) {
        List<String> command = Workers.javaCommand("dev.cmkd.cli.SweepCommand");
        command.add(name);
        command.add("--task=" + task);
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        return command;
    }

    private static void appendLine(Path file, String line) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
