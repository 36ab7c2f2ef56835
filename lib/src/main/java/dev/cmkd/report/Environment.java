package dev.cmkd.report;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Where a result was computed: written next to every result row. */
public final class Environment {

    private Environment() {}

    /**
     * Returns kit commit, DJL and engine versions, JDK, OS, CPU count, the engine's intra-op thread count and
     * device, in a fixed order. On CPU a run is bit-for-bit repeatable only on the same machine with the same
     * intra-op thread count (set it with {@code OMP_NUM_THREADS}); another count changes the order of floating-point
     * sums, so the numbers move within seed noise.
     */
    public static Map<String, String> describe() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("kit_commit", gitCommit());
        environment.put("djl", Engine.class.getPackage().getImplementationVersion() == null ? "0.29.0"
                : Engine.class.getPackage().getImplementationVersion());
        environment.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        environment.put("jdk", System.getProperty("java.version"));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        environment.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        environment.put("intra_op_threads", intraOpThreads());
        environment.put("device", Engine.getInstance().defaultDevice().toString());
        return environment;
    }

    /**
     * Adds to {@code rows} one column per entry of {@link #describe()}, in its order, holding that entry's value
     * in every row; returns {@code rows}.
     */
    public static Table appendTo(Table rows) {
        describe().forEach((key, value) -> {
            StringColumn column = StringColumn.create(key);
            for (int row = 0; row < rows.rowCount(); row++) {
                column.append(value);
            }
            rows.addColumns(column);
        });
        return rows;
    }

    private static String intraOpThreads() {
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
