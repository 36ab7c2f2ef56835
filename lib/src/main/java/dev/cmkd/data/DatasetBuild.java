package dev.cmkd.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs a dataset's bash build script once per dataset folder, and never longer than the JVM that started it.
 *
 * <p>Why: the kit builds a missing dataset from inside a job ({@code AvMnistTtsTask.ensureDataset}). A job killed
 * with {@code kill -9} used to leave the script and its children (Maven, the JVM of {@code kit build-data}, the
 * speech tools) running, and the restarted job started a second builder on the same folder. Here the script runs:
 * <ul>
 *   <li><b>under an exclusive lock of the folder</b>, {@code <folder>/.build.lock}, taken with util-linux's {@code
 *   flock} by the builder's own processes (the lock lasts as long as one of them, whatever happens to the JVM). A
 *   second job prints one line naming the lock file and the builder's pid, waits, then builds only if the
 *   manifest is still missing;</li>
 *   <li><b>in a session and process group of its own</b> ({@code setsid}), with a bash watchdog in the group that
 *   ends the group when the JVM is gone: SIGTERM, then SIGKILL to whatever is left after 2 s. The watchdog reads
 *   the JVM's end of a pipe, which the kernel closes when the JVM dies, even by SIGKILL, and checks the JVM's pid
 *   every second. A shutdown hook closes the pipe on a normal exit or SIGTERM and waits for the group to end.
 *   Java cannot set {@code PR_SET_PDEATHSIG}; this needs only bash and util-linux.</li>
 * </ul>
 * A descendant that moves to a process group of its own escapes the watchdog; the kit's scripts start none.
 *
 * <p>The folder is complete iff its manifest exists: a script writes it last, so an interrupted build leaves none
 * and the next job runs the script again. The script's stdin is {@code /dev/null}.
 */
public final class DatasetBuild {

    /** The lock file, in the dataset folder. */
    public static final String LOCK = ".build.lock";

    /** How long the shutdown hook waits for the builder to end. */
    private static final long STOP_SECONDS = 5;

    /**
     * The builder, leader of its session and process group: starts the watchdog, takes the lock, runs the command
     * unless the manifest appeared meanwhile. {@code $1} the JVM's pid, {@code $2} the lock file, {@code $3} the
     * manifest, {@code $4} the folder, then the command; stdin is the JVM's pipe.
     */
    private static final String SESSION = """
            jvm=$1 lock=$2 manifest=$3 folder=$4; shift 4
            exec 3<&0 </dev/null
            alone() {  # whether the watchdog is the last live process of the group
              local stat fields
              for stat in /proc/[0-9]*/stat; do
                [ "$stat" != "/proc/$BASHPID/stat" ] && read -r fields < "$stat" 2>/dev/null || continue
                set -- ${fields##*) }
                [ "$3" = $$ ] && [ "$1" != Z ] && return 1
              done
              return 0
            }
            (
              trap '' TERM
              while kill -0 "$jvm" 2>/dev/null; do
                read -r -t 1 -u 3 _; [ $? -gt 128 ] || break
              done
              kill -TERM -- -$$ 2>/dev/null
              for _ in {1..20}; do sleep 0.1; alone && exit 0; done
              kill -KILL -- -$$ 2>/dev/null
            ) &
            watchdog=$!
            disown $watchdog
            exec 9>>"$lock"
            if ! flock -n 9; then
              holder=$(cat "$lock" 2>/dev/null)
              echo "$folder is being built by process ${holder:-(unknown)} (lock $lock): waiting for it to finish"
              flock 9
            fi
            if [ -e "$folder/$manifest" ]; then
              echo "$folder was built meanwhile (found $manifest): not building it again"
              code=0
            else
              echo $$ > "$lock"
              "$@" 3<&-
              code=$?
            fi
            kill -KILL $watchdog 2>/dev/null
            exit $code
            """;

    private DatasetBuild() {}

    /**
     * Runs {@code bash script arguments} in {@code directory} unless {@code folder/manifest} exists, under the
     * folder's lock; returns when the folder holds its manifest.
     *
     * @param folder the dataset folder (created if missing; the lock file goes there)
     * @param manifest the file the script writes last, relative to {@code folder}
     * @param directory the script's working directory
     * @param script the bash script, as named in messages (relative to {@code directory} or absolute)
     * @param arguments the script's arguments
     * @throws IllegalStateException in one line naming the script, the exit code and the fix, if it fails or
     *     ends without the manifest
     */
    public static void ensure(Path folder, String manifest, Path directory, String script, String... arguments) {
        Path done = folder.resolve(manifest);
        if (Files.exists(done)) {
            return;
        }
        Path lock = folder.toAbsolutePath().resolve(LOCK);
        List<String> command = new ArrayList<>(List.of("setsid", "-w", "bash", "-c", SESSION, "dataset-build",
                Long.toString(ProcessHandle.current().pid()), lock.toString(), manifest,
                folder.toAbsolutePath().toString(), "bash", script));
        command.addAll(List.of(arguments));
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the dataset folder " + folder + " (" + reason(e)
                    + "); fix: choose a folder that can be written", e);
        }
        Process builder;
        try {
            builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + script + " for " + folder + " (" + reason(e)
                    + "); fix: install bash and util-linux (setsid, flock)", e);
        }
        Thread stop = new Thread(() -> stop(builder), "dataset-build-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        int code;
        try {
            code = builder.waitFor();
        } catch (InterruptedException e) {
            stop(builder);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + script + " was building " + folder
                    + "; the builder was stopped, the next run builds the folder again", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it stops the builder
            }
        }
        if (code != 0) {
            throw new IllegalStateException(failure(script, folder, code));
        }
        if (!Files.exists(done)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s exited with code 0 but wrote no %s;"
                    + " fix: the script must write %s last, when %s is complete", script, done, manifest, folder));
        }
    }

    /** Returns the one-line message of a build that exited with {@code code}. */
    static String failure(String script, Path folder, int code) {
        if (code > 128) {
            return String.format(Locale.ROOT, "%s was killed by signal %d (exit code %d) while building %s; fix:"
                    + " find what killed it (a user, the OOM killer: dmesg) and run again", script, code - 128, code,
                    folder);
        }
        return String.format(Locale.ROOT, "%s failed with exit code %d while building %s; fix: the cause is in its"
                + " output above, correct it and run again", script, code, folder);
    }

    /** Closes the builder's pipe (its watchdog then ends the builder's group) and waits a little for the end. */
    private static void stop(Process builder) {
        try {
            builder.getOutputStream().close();
        } catch (IOException e) {
            // already closed: the watchdog has its EOF
        }
        try {
            builder.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
