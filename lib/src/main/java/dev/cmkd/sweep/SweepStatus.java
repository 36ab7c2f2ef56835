package dev.cmkd.sweep;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.experiment.SweepPlan;
import dev.cmkd.report.PlainText;
import dev.cmkd.train.RunDirectory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The state of every run of a sweep, read from the shared output folder: its committed epochs (the run directory's
 * manifest), whether a process holds its lock, its task log ({@link SweepLogs}) and, when the sweep was submitted to
 * Slurm and {@code squeue} answers, its array task's state. A run is
 *
 * <ul>
 *   <li>{@code finished}: every epoch committed;
 *   <li>{@code running}: a process holds its lock, or Slurm runs its task;
 *   <li>{@code queued}: its Slurm task waits (for resources, or for the teachers);
 *   <li>{@code failed}: its task's last attempt ended with a status other than 0 (e.g. a NaN loss, a damaged file);
 *   <li>{@code stopped}: its task's last attempt ended without a status or by a signal (cancelled, preempted, out
 *       of time or memory), so resubmitting resumes it;
 *   <li>{@code not started}: none of these.
 * </ul>
 */
public final class SweepStatus {

    /** The lowest exit status of a process ended by a signal (128 + its number: SIGTERM from scancel is 143). */
    private static final int SIGNALLED = 128;

    /** The log lines quoted for a failed or stopped run. */
    private static final int TAIL_LINES = 6;

    private final SweepPlan plan;
    private final Path output;

    /** Creates the status of {@code plan}'s runs under {@code output}. */
    public SweepStatus(SweepPlan plan, Path output) {
        this.plan = plan;
        this.output = output;
    }

    /** One run's state. */
    public record RunState(SweepPlan.PlannedRun run, String state, int epochsDone, int attempts, List<String> tail) {}

    /** Returns the state of every run, teachers first. */
    public List<RunState> states() {
        Map<String, String> slurm = slurmStates();
        List<RunState> states = new ArrayList<>();
        for (SweepPlan.PlannedRun run : plan.all()) {
            int epochs = committedEpochs(run.dir());
            Path log = SweepLogs.log(output, run);
            String queued = slurm.get(run.task());
            String state;
            if (epochs >= run.epochs()) {
                state = "finished";
            } else if (locked(run.dir()) || "R".equals(queued) || "CG".equals(queued)) {
                state = "running";
            } else if (queued != null) {
                state = "queued";
            } else if (Files.exists(log)) {
                Integer exit = SweepLogs.lastExitStatus(log);
                state = exit == null || exit >= SIGNALLED ? "stopped" : exit == 0 ? "not finished" : "failed";
            } else {
                state = "not started";
            }
            List<String> tail = state.equals("failed") || state.equals("stopped") || state.equals("not finished")
                    ? SweepLogs.tail(log, TAIL_LINES) : List.of();
            states.add(new RunState(run, state, epochs, SweepLogs.attempts(log), tail));
        }
        return states;
    }

    /** Returns the names of the runs that have not finished. */
    public List<String> unfinished() {
        List<String> names = new ArrayList<>();
        for (SweepPlan.PlannedRun run : plan.all()) {
            if (committedEpochs(run.dir()) < run.epochs()) {
                names.add(run.name());
            }
        }
        return names;
    }

    /** Returns the states as a table, the counts per state and the last lines of every failed or stopped run's log. */
    public String text() {
        List<RunState> states = states();
        Table table = Table.create("sweep status of " + output,
                StringColumn.create("task"), StringColumn.create("run"), StringColumn.create("state"),
                StringColumn.create("epochs"), IntColumn.create("attempts"));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RunState state : states) {
            table.stringColumn("task").append(state.run().task());
            table.stringColumn("run").append(state.run().name());
            table.stringColumn("state").append(state.state());
            table.stringColumn("epochs").append(state.epochsDone() + "/" + state.run().epochs());
            table.intColumn("attempts").append(state.attempts());
            counts.merge(state.state(), 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder(PlainText.table(table)).append('\n');
        List<String> parts = new ArrayList<>();
        counts.forEach((state, count) -> parts.add(count + " " + state));
        text.append(String.format(Locale.ROOT, "%d runs: %s%n", states.size(), String.join(", ", parts)));
        for (RunState state : states) {
            if (!state.tail().isEmpty()) {
                text.append(String.format(Locale.ROOT, "%n%s (%s, %s) %s; the last lines of %s:%n", state.run()
                        .name(), state.run().task(), state.state(), state.state().equals("stopped")
                        ? "ended without an exit status (cancelled, preempted, out of time or memory): resubmit to"
                        + " resume it" : "", SweepLogs.log(output, state.run())));
                state.tail().forEach(line -> text.append("  | ").append(line).append('\n'));
            }
        }
        return text.toString();
    }

    /** The epochs the run in {@code dir} has committed (0 when it has not started). */
    static int committedEpochs(Path dir) {
        Path manifest = dir.resolve(RunDirectory.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return 0;
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(manifest, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            return json.has("epochs") ? json.get("epochs").getAsInt() : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Whether another process holds the lock of the run in {@code dir} (without creating it). */
    static boolean locked(Path dir) {
        Path lock = dir.resolve(".lock");
        if (!Files.isRegularFile(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock(0, Long.MAX_VALUE, true);
            if (held == null) {
                return true;
            }
            held.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The states of the sweep's array tasks in {@code squeue}, by task ({@code teachers:3}), for the job ids in
     * {@code jobs.txt}; empty when it was never submitted or squeue does not answer.
     */
    private Map<String, String> slurmStates() {
        Path jobs = SweepLogs.jobs(output);
        Map<String, String> phaseOfJob = new HashMap<>();
        if (Files.isRegularFile(jobs)) {
            try {
                for (String line : Files.readAllLines(jobs, StandardCharsets.UTF_8)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length >= 2) {
                        phaseOfJob.put(fields[1], fields[0]);
                    }
                }
            } catch (IOException e) {
                return Map.of();
            }
        }
        Map<String, String> states = new HashMap<>();
        if (phaseOfJob.isEmpty()) {
            return states;
        }
        String out;
        try {
            out = SlurmArrays.Slurm.command(List.of("squeue", "-h", "-r", "-o", "%A %F %K %t", "-j",
                    String.join(",", phaseOfJob.keySet())));
        } catch (RuntimeException e) {
            return states; // finished jobs leave squeue's memory, or Slurm is not reachable here
        }
        for (String line : out.lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 4 && phaseOfJob.containsKey(fields[1]) && fields[2].matches("\\d+")) {
                states.put(phaseOfJob.get(fields[1]) + ":" + fields[2], fields[3]);
            }
        }
        return states;
    }
}
