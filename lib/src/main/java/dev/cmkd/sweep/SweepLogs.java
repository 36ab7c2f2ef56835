package dev.cmkd.sweep;

import dev.cmkd.experiment.SweepPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a sweep under {@code <output>/sweep/}: one log per task, {@code logs/<phase>-<index>.log}, appended to
 * by every attempt (a requeued or resubmitted task adds to it), each attempt opened by a line {@link #START} and, when
 * the task ended by itself, closed by {@link #EXIT} with its status; the Slurm scripts and the submitted job ids.
 */
public final class SweepLogs {

    /** The first line of each attempt in a task's log. */
    public static final String START = "== sweep task ";
    /** The last line of an attempt that ended by itself: {@code == exit status <n>}. */
    public static final String EXIT = "== exit status ";

    private SweepLogs() {}

    /** Returns the sweep's folder, {@code <output>/sweep}. */
    public static Path dir(Path output) {
        return output.resolve("sweep");
    }

    /** Returns the log of {@code run}. */
    public static Path log(Path output, SweepPlan.PlannedRun run) {
        return dir(output).resolve("logs").resolve(run.phase().label() + "-" + run.index() + ".log");
    }

    /** Returns the file of the submitted job ids: one line {@code <phase> <job id>} per submitted array. */
    public static Path jobs(Path output) {
        return dir(output).resolve("jobs.txt");
    }

    /** Returns the last {@code count} lines of {@code file} (none when it does not exist). */
    public static List<String> tail(Path file, int count) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Deque<String> tail = new ArrayDeque<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                tail.addLast(line);
                if (tail.size() > count) {
                    tail.removeFirst();
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
        return List.copyOf(tail);
    }

    /**
     * Returns the exit status of the last attempt in {@code log}: its {@link #EXIT} line's, or null when the last
     * attempt has none (it runs, or was killed: cancelled, preempted, out of time or memory).
     */
    public static Integer lastExitStatus(Path log) {
        Integer status = null;
        for (String line : tail(log, 400)) {
            if (line.startsWith(START)) {
                status = null;
            } else if (line.startsWith(EXIT)) {
                try {
                    status = Integer.parseInt(line.substring(EXIT.length()).split("[ ,]")[0]);
                } catch (NumberFormatException e) {
                    status = null;
                }
            }
        }
        return status;
    }

    /** Returns the number of attempts in {@code log} ({@link #START} lines). */
    public static int attempts(Path log) {
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return (int) lines.filter(line -> line.startsWith(START)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
