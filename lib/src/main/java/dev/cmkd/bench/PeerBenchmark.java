package dev.cmkd.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.cmkd.experiment.Workers;
import dev.cmkd.method.DistillationObjective;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.model.ResNet;
import dev.cmkd.train.Environment;
import dev.cmkd.train.SgdMomentum;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The kit's FD-CMKD training step against the same step written in PyTorch eager ({@code peer_step.py}, a resource
 * next to this class, run with Debian's python3-torch): {@code lib/bin/kit benchmark peer}. The step: frozen teacher
 * forward, student forward, the whole FD-CMKD objective (projection path, the default for pooled features), backward,
 * SGD with momentum; batch 64, 10 classes, random inputs. Two scales ({@link #SCALES}): the paper's ResNet-18 pair and
 * the main job's network.
 *
 * <p><b>How it measures.</b> Every side runs in a fresh process of its own (the kit's as a child JVM on the kit's
 * class path, with this JVM's environment: the {@code MALLOC_*} settings of {@code lib/bin/kit}), so that each
 * process's peak resident memory ({@code VmHWM}) belongs to one side alone and neither inherits the other's heap.
 * The sides alternate, {@code rounds} times, the order swapped every round (kit, pytorch, pytorch, kit, ...), so that
 * drift in the machine's load hits both alike; each process runs one untimed warm-up step, then its timed steps. Both
 * get {@code OMP_NUM_THREADS} and the same intra-op thread count. The figures are the ratios kit / pytorch of the
 * median seconds per step and of the peak resident memory (the largest of a side's processes); absolute times are
 * not comparable across machines.
 *
 * <p>Each process prints one line {@code peer-result side=... key=value ...} ({@link SideResult#parse}); the
 * sides' parameter counts, feature dimension and loss-term names must agree, else the table says so.
 */
public final class PeerBenchmark {

    /** The resource name of the PyTorch script, beside this class. */
    static final String SCRIPT = "peer_step.py";
    /** The prefix of the one machine-readable line each side prints. */
    static final String RESULT = "peer-result ";
    /** The prefix of a side's per-step progress line. */
    static final String PROGRESS = "peer-progress ";
    private static final int BATCH = 64;
    private static final int CLASSES = 10;

    /**
     * A student/teacher network pair and its inputs.
     *
     * @param name the scale's name (the {@code scale} option, the script's {@code --scale})
     * @param studentInput student input {@code [C, H, W]}
     * @param teacherInput teacher input {@code [C, H, W]}
     * @param width the ResNets' base width
     * @param blocksPerStage residual blocks per stage
     * @param smallInput the 3x3 stride-1 stem without max-pool
     * @param threads intra-op threads by default at this scale
     */
    record Scale(String name, long[] studentInput, long[] teacherInput, int width, int[] blocksPerStage,
            boolean smallInput, int threads) {}

    /**
     * The paper's CREMA-D pair (ResNet-18 on a 224 x 224 frame from a ResNet-18 on a 257 x 188 spectrogram; 2 threads,
     * as issue 17 measured it) and the main job's networks ({@code AvMnistTtsTask.network}, full profile: width 8, one
     * block per stage, ImageNet stem; 1 thread, as each of the main job's two worker processes has). Keep in step with
     * {@code SCALES} of {@code peer_step.py}.
     */
    static final List<Scale> SCALES = List.of(
            new Scale("paper", new long[] {3, 224, 224}, new long[] {1, 257, 188}, 64, new int[] {2, 2, 2, 2}, false,
                    2),
            new Scale("embedded", new long[] {1, 28, 28}, new long[] {1, 40, 101}, 8, new int[] {1, 1, 1, 1}, false,
                    1));

    private PeerBenchmark() {}

    /** Returns the scale called {@code name}. */
    static Scale scale(String name) {
        return SCALES.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown scale " + name + "; known: "
                        + SCALES.stream().map(Scale::name).toList()));
    }

    /**
     * What one side's process reported.
     *
     * @param side {@code kit} or {@code pytorch}
     * @param scale the scale's name
     * @param threads intra-op threads
     * @param params trainable parameters (student and FD-CMKD's heads)
     * @param teacherParams the teacher's parameters (without batch-norm statistics)
     * @param featureDim the distilled feature's dimension
     * @param terms the loss terms' names, in order
     * @param peakRssKib the process's peak resident memory, KiB
     * @param stepSeconds seconds of each timed step
     */
    record SideResult(String side, String scale, int threads, long params, long teacherParams, int featureDim,
            List<String> terms, long peakRssKib, double[] stepSeconds) {

        /** The keys of a result line, in order. */
        static final List<String> KEYS = List.of("side", "scale", "threads", "params", "teacher_params",
                "feature_dim", "terms", "peak_rss_kib", "step_s");

        /**
         * Reads a {@code peer-result side=... scale=... threads=... params=... teacher_params=... feature_dim=...
         * terms=a,b peak_rss_kib=... step_s=x,y} line; returns null for any other line.
         *
         * @throws IllegalArgumentException if the line starts like a result but lacks a key or has a bad value
         */
        static SideResult parse(String line) {
            if (!line.startsWith(RESULT)) {
                return null;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String token : line.substring(RESULT.length()).trim().split("\\s+")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    values.put(token.substring(0, eq), token.substring(eq + 1));
                }
            }
            List<String> missing = KEYS.stream().filter(key -> !values.containsKey(key)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("peer benchmark: result line without " + String.join(", ", missing)
                        + ": " + line);
            }
            try {
                String stepText = need(values, "step_s");
                double[] steps = stepText.isEmpty() ? new double[0]
                        : Arrays.stream(stepText.split(",")).mapToDouble(Double::parseDouble).toArray();
                return new SideResult(need(values, "side"), need(values, "scale"),
                        Integer.parseInt(need(values, "threads")), Long.parseLong(need(values, "params")),
                        Long.parseLong(need(values, "teacher_params")), Integer.parseInt(need(values, "feature_dim")),
                        List.of(need(values, "terms").split(",")), Long.parseLong(need(values, "peak_rss_kib")),
                        steps);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("peer benchmark: malformed result line (" + e.getMessage()
                        + "): " + line, e);
            }
        }

        private static String need(Map<String, String> values, String key) {
            String value = values.get(key);
            if (value == null) {
                throw new IllegalArgumentException("peer benchmark: result line without " + key + ": " + values);
            }
            return value;
        }

        /** Returns the line {@link #parse} reads. */
        String format() {
            StringBuilder steps = new StringBuilder();
            for (double s : stepSeconds) {
                steps.append(steps.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", s));
            }
            return String.format(Locale.ROOT, "%sside=%s scale=%s threads=%d params=%d teacher_params=%d"
                    + " feature_dim=%d terms=%s peak_rss_kib=%d step_s=%s", RESULT, side, scale, threads, params,
                    teacherParams, featureDim, String.join(",", terms), peakRssKib, steps);
        }

        /** Returns whether {@code other} ran the same step: parameter counts, feature dimension and terms. */
        boolean sameStep(SideResult other) {
            return params == other.params && teacherParams == other.teacherParams && featureDim == other.featureDim
                    && terms.equals(other.terms);
        }

        /** Returns this side's results and {@code other}'s (same side and scale) as one. */
        SideResult merge(SideResult other) {
            double[] steps = Arrays.copyOf(stepSeconds, stepSeconds.length + other.stepSeconds.length);
            System.arraycopy(other.stepSeconds, 0, steps, stepSeconds.length, other.stepSeconds.length);
            return new SideResult(side, scale, threads, params, teacherParams, featureDim, terms,
                    Math.max(peakRssKib, other.peakRssKib), steps);
        }
    }

    /**
     * Returns the per-side table (median, p10, p90 seconds per step, peak resident memory) of {@code results}, in
     * scale order, each scale's kit row before its pytorch row.
     */
    static Table sidesTable(List<SideResult> results) {
        Table table = Table.create("FD-CMKD training step, kit vs PyTorch eager (batch 64, CPU; each side in its own"
                + " processes)", StringColumn.create("scale"), StringColumn.create("side"), IntColumn.create("threads"),
                IntColumn.create("steps"), DoubleColumn.create("median_s"), DoubleColumn.create("p10_s"),
                DoubleColumn.create("p90_s"), DoubleColumn.create("peak_rss_mib"));
        for (SideResult r : results) {
            table.stringColumn("scale").append(r.scale());
            table.stringColumn("side").append(r.side());
            table.intColumn("threads").append(r.threads());
            table.intColumn("steps").append(r.stepSeconds().length);
            table.doubleColumn("median_s").append(Timing.quantile(r.stepSeconds(), 0.5));
            table.doubleColumn("p10_s").append(Timing.quantile(r.stepSeconds(), 0.1));
            table.doubleColumn("p90_s").append(Timing.quantile(r.stepSeconds(), 0.9));
            table.doubleColumn("peak_rss_mib").append(r.peakRssKib() / 1024.0);
        }
        return table;
    }

    /**
     * Returns the ratio table: per scale, kit / pytorch of the median seconds per step and of the peak resident
     * memory, and whether both ran the same step ({@link SideResult#sameStep}).
     */
    static Table ratioTable(List<SideResult> results) {
        Table table = Table.create("kit / PyTorch eager (target: time <= 1.0, memory <= 1.2)",
                StringColumn.create("scale"), DoubleColumn.create("time_ratio"), DoubleColumn.create("memory_ratio"),
                BooleanColumn.create("same_step"));
        Map<String, SideResult> kit = new LinkedHashMap<>();
        Map<String, SideResult> peer = new LinkedHashMap<>();
        for (SideResult r : results) {
            ("kit".equals(r.side()) ? kit : peer).put(r.scale(), r);
        }
        for (Map.Entry<String, SideResult> entry : kit.entrySet()) {
            SideResult k = entry.getValue();
            SideResult p = peer.get(entry.getKey());
            if (p == null) {
                continue;
            }
            table.stringColumn("scale").append(entry.getKey());
            table.doubleColumn("time_ratio").append(timeRatio(k, p));
            table.doubleColumn("memory_ratio").append((double) k.peakRssKib() / p.peakRssKib());
            table.booleanColumn("same_step").append(k.sameStep(p));
        }
        return table;
    }

    /** Returns kit / pytorch of the median seconds per step. */
    static double timeRatio(SideResult kit, SideResult peer) {
        return Timing.quantile(kit.stepSeconds(), 0.5) / Timing.quantile(peer.stepSeconds(), 0.5);
    }

    /**
     * Runs both sides at {@code scale}, alternately, {@code rounds} times, each process {@code steps} timed steps
     * after one warm-up step, with {@code threads} intra-op threads; returns the kit's and then PyTorch's merged
     * results. {@code progress} receives a line per step.
     */
    static List<SideResult> run(Scale scale, int rounds, int steps, int threads, String python,
            Consumer<String> progress) {
        Path script = extractScript();
        try {
            SideResult kit = null;
            SideResult peer = null;
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < 2; k++) {
                    boolean kitSide = (round + k) % 2 == 0;
                    List<String> command = kitSide ? kitCommand(scale, steps, threads)
                            : List.of(python, script.toString(), "--scale", scale.name(), "--steps",
                                    Integer.toString(steps), "--warm-up", "1", "--threads", Integer.toString(threads));
                    String label = String.format(Locale.ROOT, "%s %s round %d/%d", scale.name(),
                            kitSide ? "kit" : "pytorch", round + 1, rounds);
                    SideResult one = runProcess(command, threads, label, throttled(progress));
                    if (kitSide) {
                        kit = kit == null ? one : kit.merge(one);
                    } else {
                        peer = peer == null ? one : peer.merge(one);
                    }
                }
            }
            return List.of(kit, peer);
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException e) {
                // a temporary file
            }
        }
    }

    /** Passes on a side's progress lines at most every 10 seconds, and always its last step's. */
    static Consumer<String> throttled(Consumer<String> progress) {
        long[] last = {Long.MIN_VALUE};
        Pattern stepPattern = Pattern.compile("step=(\\d+)/(\\d+)");
        return line -> {
            long now = System.nanoTime();
            Matcher step = stepPattern.matcher(line);
            boolean lastStep = step.find() && step.group(1).equals(step.group(2));
            if (lastStep || last[0] == Long.MIN_VALUE || now - last[0] >= 10_000_000_000L) {
                last[0] = now;
                progress.accept(line);
            }
        };
    }

    /**
     * Returns {@code given} if it imports torch; for {@code python3} (the default) the first of {@code python3} on the
     * path and Debian's {@code /usr/bin/python3} that does (a pyenv or venv {@code python3} first on the path often
     * lacks Debian's torch). Otherwise explains what to install.
     */
    static String findPython(String given) {
        List<String> candidates = given == null || given.isEmpty() || "python3".equals(given)
                ? List.of("python3", "/usr/bin/python3") : List.of(given);
        for (String candidate : candidates) {
            try {
                Process process = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true)
                        .start();
                process.getInputStream().readAllBytes();
                if (process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    return candidate;
                }
                process.destroy();
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("kit benchmark peer: no Python with PyTorch (tried " + String.join(", ",
                candidates) + "); fix: environment/install-system-packages.sh golden (Debian's python3-torch), or"
                + " --python=<a python3 that imports torch>");
    }

    static Path extractScript() {
        try (InputStream in = PeerBenchmark.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("kit benchmark peer: resource " + SCRIPT + " missing from the class"
                        + " path; rebuild: mvn -B -q -DskipTests package");
            }
            Path script = Files.createTempFile("cmkd-peer-step-", ".py");
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("kit benchmark peer: cannot write the PyTorch script: " + e.getMessage(), e);
        }
    }

    /** The kit side's command line: {@link Workers#javaCommand} of {@link #main}, then the side's arguments. */
    static List<String> kitCommand(Scale scale, int steps, int threads) {
        List<String> command = Workers.javaCommand(PeerBenchmark.class.getName());
        command.addAll(List.of(scale.name(), Integer.toString(steps), "1", Integer.toString(threads)));
        return command;
    }

    static SideResult runProcess(List<String> command, int threads, String label, Consumer<String> progress) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Deque<String> tail = new ArrayDeque<>();
        SideResult result = null;
        try {
            Process process = builder.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    SideResult parsed = SideResult.parse(line);
                    if (parsed != null) {
                        result = parsed;
                    } else if (line.startsWith(PROGRESS)) {
                        progress.accept(label + ": " + line.substring(PROGRESS.length()));
                    } else if (Workers.relayed(line)) {
                        tail.addLast(line);
                        if (tail.size() > 20) {
                            tail.removeFirst();
                        }
                    }
                }
            }
            int status = process.waitFor();
            if (status != 0 || result == null) {
                throw new IllegalStateException(String.format(Locale.ROOT, "kit benchmark peer: %s stopped with"
                        + " status %d%s; its last lines:%n  %s", label, status, result == null ? " without a result"
                        : "", String.join(System.lineSeparator() + "  ", tail)));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("kit benchmark peer: cannot start " + command.get(0) + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kit benchmark peer: interrupted", e);
        }
    }

    /**
     * The kit's side, in a process of its own: {@code PeerBenchmark SCALE STEPS WARM_UP THREADS} runs the step and
     * prints a progress line per step and the {@code peer-result} line.
     */
    public static void main(String[] args) {
        Scale scale = scale(args[0]);
        int steps = Integer.parseInt(args[1]);
        int warmUp = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        if (threads > 0) {
            Environment.useThreads(threads);
        }
        System.out.println(kitSide(scale, steps, warmUp, line -> System.out.println(PROGRESS + line)).format());
    }

    /** Runs the kit's step at {@code scale}; returns its result (peak memory: this process's). */
    static SideResult kitSide(Scale scale, int steps, int warmUp, Consumer<String> progress) {
        Engine.getInstance().setRandomSeed(0);
        Shape studentShape = new Shape(BATCH).addAll(new Shape(scale.studentInput()));
        Shape teacherShape = new Shape(BATCH).addAll(new Shape(scale.teacherInput()));
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            ResNet teacherNet = resNet(scale, scale.teacherInput()[0]);
            teacherNet.initialize(manager, DataType.FLOAT32, teacherShape);
            FrozenTeacher teacher = new FrozenTeacher(teacherNet);
            ResNet student = resNet(scale, scale.studentInput()[0]);
            DistillationObjective distilled = new DistillationObjective(student, FdCmkd.builder()
                    .setFeatureDim(student.getFeatureDim()).setNumClasses(CLASSES).build());
            distilled.initialize(manager, DataType.FLOAT32, studentShape);
            SgdMomentum optimizer = new SgdMomentum(distilled.getParameters(), 0.9);
            NDArray studentInput = manager.randomNormal(studentShape);
            NDArray teacherInput = manager.randomNormal(teacherShape);
            NDArray labels = manager.randomInteger(0, CLASSES, new Shape(BATCH), DataType.INT64);
            double[] times = new double[steps];
            List<String> terms = new ArrayList<>();
            for (int i = -warmUp; i < steps; i++) {
                long start = System.nanoTime();
                try (NDManager step = manager.newSubManager()) {
                    // Inputs live in the step's manager, so every intermediate is freed with it.
                    NDArray x = studentInput.duplicate();
                    x.attach(step);
                    NDArray teacherX = teacherInput.duplicate();
                    teacherX.attach(step);
                    NetworkOutput t = teacher.forward(teacherX);
                    Map<String, Double> values = optimizer.minimize(0.01, () -> distilled.evaluate(store, x, t,
                            labels, true));
                    double total = values.get("total");
                    if (!Double.isFinite(total)) {
                        throw new IllegalStateException("peer benchmark: the kit's loss is not finite: " + total);
                    }
                    terms = values.keySet().stream().filter(name -> !"total".equals(name)).toList();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (i >= 0) {
                    times[i] = seconds;
                }
                progress.accept(String.format(Locale.ROOT, "side=kit step=%d/%d s=%.3f", i + 1, steps, seconds));
            }
            long params = count(distilled.getParameters(), true);
            long teacherParams = count(teacherNet.getParameters(), false);
            long peak = PeakMemory.peakBytes();
            return new SideResult("kit", scale.name(), Integer.parseInt(Environment.intraOpThreads()), params,
                    teacherParams, student.getFeatureDim(), terms, peak < 0 ? -1 : peak / 1024, times);
        }
    }

    private static ResNet resNet(Scale scale, long channels) {
        return ResNet.builder().setNumClasses(CLASSES).optInputChannels((int) channels).optWidth(scale.width())
                .optBlocksPerStage(scale.blocksPerStage()).optSmallInput(scale.smallInput()).build();
    }

    /** Counts the values of trainable parameters ({@code trainable}) or of all but batch-norm statistics. */
    private static long count(ai.djl.util.PairList<String, Parameter> parameters, boolean trainable) {
        Set<Parameter.Type> statistics = Set.of(Parameter.Type.RUNNING_MEAN, Parameter.Type.RUNNING_VAR);
        long n = 0;
        for (Pair<String, Parameter> pair : parameters) {
            Parameter p = pair.getValue();
            if (trainable ? p.requiresGradient() : !statistics.contains(p.getType())) {
                n += p.getArray().size();
            }
        }
        return n;
    }
}
