package dev.cmkd.experiment;

import dev.cmkd.cli.Settings;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.train.Environment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A protocol trained by several processes side by side ({@code -Dfdcmkd.workers=N}): each worker is a JVM running
 * {@code dev.cmkd.cli.ProtocolWorker} on the same settings, with {@code cores / N} intra-op threads of the engine,
 * and they share the run directories, whose locks decide who trains what ({@link Protocol#work}). Networks as small
 * as the embedded benchmark's keep two cores busy only this way: most of their operations are too small for the
 * engine to split across threads, so one process with two threads runs hardly faster than with one.
 *
 * <p>The workers' output is relayed line by line, prefixed with the worker's number (less one PyTorch deprecation
 * warning, {@link #relayed}). A worker reads its standard input until this process closes it, and stops when it does
 * (this process ended, however it ended); every run resumes from its last committed epoch. The caller reads every run back afterwards ({@link Protocol#run}).
 */
public final class Workers {

    /** The source of the protocol of {@code kit run} and {@code kit main}: the settings' registered methods. */
    public static final String RUN = "run";
    /** The source of {@code kit ablation}'s protocol. */
    public static final String ABLATION = "ablation";
    /** The source of {@code kit sensitivity}'s protocol. */
    public static final String SENSITIVITY = "sensitivity";

    /** The main class of a worker. */
    static final String WORKER_CLASS = "dev.cmkd.cli.ProtocolWorker";
    /** The last lines of a failed worker's output that its error quotes. */
    private static final int TAIL_LINES = 8;

    private Workers() {}

    /**
     * Starts {@code count} workers of the protocol {@code source} ({@code run}, {@code ablation}, {@code sensitivity}:
     * which methods it trains; {@code run}'s are {@code methods}, by name) of {@code type} with {@code settings},
     * relays their output and waits for all of them.
     *
     * @throws IllegalStateException naming the first worker that failed, its status and its last lines
     */
    public static void run(String source, TaskType type, Settings settings, List<MethodSpec> methods, int count) {
        List<Process> processes = new ArrayList<>();
        List<Thread> relays = new ArrayList<>();
        List<Deque<String>> tails = new ArrayList<>();
        Thread stopper = new Thread(() -> processes.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            for (int index = 0; index < count; index++) {
                ProcessBuilder builder = new ProcessBuilder(command(source, type, settings, methods, index,
                        count))
                        .redirectErrorStream(true);
                builder.environment().put("OMP_NUM_THREADS", Integer.toString(Environment.threadsPerProcess(count)));
                Process process = builder.start();
                processes.add(process);
                Deque<String> tail = new ArrayDeque<>();
                tails.add(tail);
                relays.add(relay(process, "worker " + (index + 1) + "/" + count + " | ", tail));
            }
            System.out.printf(Locale.ROOT, "%s: %d worker processes, pids %s%n", type.name(), count,
                    processes.stream().map(Process::pid).toList());
            for (int index = 0; index < count; index++) {
                int status = processes.get(index).waitFor();
                relays.get(index).join();
                if (status != 0) {
                    processes.forEach(Process::destroy);
                    throw new IllegalStateException(String.format(Locale.ROOT, "worker %d of %d of %s stopped with"
                            + " status %d; its last lines:%n  %s", index + 1, count, type.name(), status,
                            String.join(System.lineSeparator() + "  ", tails.get(index))));
                }
            }
        } catch (IOException e) {
            processes.forEach(Process::destroy);
            throw new UncheckedIOException("cannot start a worker process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            processes.forEach(Process::destroy);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the workers", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    /** The worker's command line: this JVM, the kit's class path, the engine's settings, then the arguments. */
    static List<String> command(String source, TaskType type, Settings settings, List<MethodSpec> methods,
            int index, int count) {
        List<String> command = javaCommand(WORKER_CLASS);
        command.add(source);
        command.add(type.name());
        command.add(index + "/" + count);
        Map<String, String> given = new TreeMap<>(settings.given());
        if (source.equals(RUN)) {
            given.put("methods", String.join(",", methods.stream().map(MethodSpec::name).toList()));
        }
        given.forEach((key, value) -> command.add("--" + key + "=" + value));
        return command;
    }

    /**
     * Returns the command line that starts {@code mainClass} of the kit in a child JVM: this JVM, the engine's and
     * logging settings of this one, the kit's class path ({@link #classPath}) and the class; the caller adds the
     * arguments.
     */
    public static List<String> javaCommand(String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString()));
        for (String name : System.getProperties().stringPropertyNames().stream().sorted().toList()) {
            if (name.startsWith("ai.djl.") || name.startsWith("org.slf4j.") || name.equals("java.awt.headless")
                    || name.equals("ENGINE_CACHE_DIR") || name.equals("DJL_CACHE_DIR")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        return command;
    }

    /**
     * The kit's class path: {@code lib/target/classes} and {@code lib/target/lib/*} when the kit runs from there
     * (the kit script, the notebooks' kernel, whose own class path does not list them), else this JVM's.
     */
    public static String classPath() {
        try {
            Path classes = Path.of(Workers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path jars = classes.resolveSibling("lib");
            if (Files.isDirectory(classes) && Files.isDirectory(jars)) {
                return classes + java.io.File.pathSeparator + jars.resolve("*");
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to this JVM's class path
        }
        return System.getProperty("java.class.path");
    }

    /**
     * Whether a worker's output line is relayed: all but the deprecation warning PyTorch 2.3 prints once per process
     * when DJL 0.29 enters inference mode ("AutoNonVariableTypeMode is deprecated ..."), which says nothing about the
     * runs and filled the notebooks' training cells.
     */
    public static boolean relayed(String line) {
        return !line.contains("AutoNonVariableTypeMode is deprecated");
    }

    private static Thread relay(Process process, String prefix, Deque<String> tail) {
        Thread thread = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!relayed(line)) {
                        continue;
                    }
                    System.out.println(prefix + line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                System.out.println(prefix + "(output lost: " + e.getMessage() + ")");
            }
        }, "relay " + prefix.trim());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
