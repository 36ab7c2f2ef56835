package dev.cmkd.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Where a run was trained: recorded in the run's manifest at every commit ({@link RunDirectory}) and reported from
 * there beside each result row, so a run read back keeps the environment that trained it.
 */
public final class Environment {

    /** The entries of {@link #describe()}, in order. */
    public static final List<String> KEYS = List.of("kit_commit", "djl", "engine", "jdk", "os", "cpus",
            "intra_op_threads", "device");

    private static Map<String, String> described;

    private Environment() {}

    /**
     * Returns kit commit, DJL and engine versions, JDK, OS, CPU count, the engine's intra-op thread count and
     * device ({@link #KEYS}). On CPU a run is bit-for-bit repeatable only on the same machine with the same intra-op
     * thread count (set it with {@code OMP_NUM_THREADS}); another count changes the order of floating-point sums, so
     * the numbers move within seed noise. That is why the thread count is also part of a run's identity.
     */
    public static synchronized Map<String, String> describe() {
        if (described == null) {
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("kit_commit", gitCommit());
            environment.put("djl", Objects.requireNonNullElse(Engine.class.getPackage().getImplementationVersion(),
                    "0.29.0"));
            environment.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
            environment.put("jdk", System.getProperty("java.version"));
            environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
            environment.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
            environment.put("intra_op_threads", intraOpThreads());
            environment.put("device", Engine.getInstance().defaultDevice().toString());
            described = environment;
        }
        return new LinkedHashMap<>(described);
    }

    /**
     * Gives this process its share of the cores when {@code processes} processes train side by side: {@code
     * max(1, cores / processes)} intra-op threads of the engine (PyTorch only; one process leaves the engine's own
     * count, which {@code OMP_NUM_THREADS} sets). Call it before the first run: the count is part of a run's
     * identity.
     */
    public static void shareCores(int processes) {
        if (processes > 1) {
            useThreads(threadsPerProcess(processes));
        }
    }

    /** Returns each process's share of the cores when {@code processes} train side by side, at least one. */
    public static int threadsPerProcess(int processes) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / processes);
    }

    /** Sets the engine's intra-op thread count (PyTorch only), the count in the identity of the runs that follow. */
    public static synchronized void useThreads(int threads) {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setNumThreads(threads);
            described = null;
        }
    }

    /** Returns the engine's intra-op thread count, or {@code unknown} on another engine than PyTorch. */
    public static String intraOpThreads() {
        return "PyTorch".equals(Engine.getInstance().getEngineName())
                ? Integer.toString(JniUtils.getNumThreads()) : "unknown";
    }

    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
                    .directory(Path.of("").toAbsolutePath().toFile()).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            boolean done = git.waitFor(5, TimeUnit.SECONDS);
            return done && git.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
