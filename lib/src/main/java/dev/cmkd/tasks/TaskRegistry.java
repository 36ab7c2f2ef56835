package dev.cmkd.tasks;

import dev.cmkd.experiment.Initialisation;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Options;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.av.AvConvention;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.model.FeaturePoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The benchmarks by name, an explicit map (no reflection), and the settings every one of them shares: the
 * protocol's seeds, student modalities, methods, epochs, batch size, initialisation, the networks' feature point, the
 * authors' protocol and the output folder, with each benchmark's own defaults. A new benchmark is one {@link
 * #register} line below.
 */
public final class TaskRegistry {

    /** What {@code kit run} does: train (and write the tables), gather the tables of earlier commands, or time. */
    public static final Option<String> MODE = Option.choice("mode", List.of("train", "report", "epoch-cost"),
            "train: run the protocol (finished runs are read back) and write its tables; report: gather the rows of"
                    + " every command run so far into results.csv, summary.csv and the figure; epoch-cost: time one"
                    + " teacher and one FD-CMKD student epoch on a stand-in at the paper's sizes", "train", "train");
    /** The seeds (defaults: each benchmark's). */
    public static final Option<List<Long>> SEEDS = Option.seeds("seeds", "the seeds, each with its own teachers",
            null, null);
    /** Train both students of a method in one run, as the authors' code does. */
    public static final Option<Boolean> JOINT = Option.flag("joint", "train both students of a method in one run"
            + " with one optimizer, as the authors' code does (equal to separate runs with frozen teachers)", false,
            false);

    /** The worker processes that share a protocol's runs (defaults: each benchmark's). */
    public static final Option<Integer> WORKERS = Option.integer("workers", 1, "processes that train the protocol's"
            + " runs side by side, each with the cores / workers intra-op threads of the engine (the thread count is"
            + " part of a run's identity, so keep it for runs to be read back)", null, null);

    /** The threads that build training and evaluation batches ahead of the step (0: on the training thread). */
    public static final Option<Integer> LOADER_THREADS = Option.integer("loaderThreads", 0, "threads that read,"
            + " decode and augment the next batches while the current one trains (dev.cmkd.data.PrefetchingSource, at"
            + " most twice as many batches ahead); 0 reads each batch on the training thread. Splits held in memory"
            + " (the embedded benchmark's) are always read on the training thread: there is nothing to"
            + " overlap. Batches and results are the same for every value, so it is not part of a run's identity",
            2, 2);

    /** How the networks of a seed are initialised. */
    public static final Option<Initialisation> INITIALISATION = Option.choice("initialisation",
            Initialisation.class, "independent: each network from an engine seed derived from the seed and its"
                    + " modality (a modality's teacher and students start alike, the two modalities differently);"
                    + " shared: every network of a seed from the seed itself (networks of equal architecture start"
                    + " identical, the kit's behaviour before issue 14)", Initialisation.INDEPENDENT,
            Initialisation.INDEPENDENT);

    /** Where every network takes the distilled feature. */
    public static final Option<FeaturePoint> FEATURE_POINT = Option.choice("featurePoint", FeaturePoint.class,
            "the distilled feature: post-relu, the pooled output of the last block after its ReLU (the"
                    + " released code, whose pre_out aliases the in-place ReLU's output), or pre-relu, before it (the"
                    + " code's evident intent, its variable names); the classifier sees the post-ReLU feature under"
                    + " both", FeaturePoint.POST_RELU, FeaturePoint.POST_RELU);

    /** The authors' protocol end to end, beside the kit's held-out one. */
    public static final Option<Boolean> PAPER_PROTOCOL = Option.flag("paperProtocol", "the authors' protocol end to"
            + " end: train on train + validation, keep each teacher at its best test epoch, report students by the"
            + " best test accuracy of any head at any epoch (paperBestTest); optimistic by construction", false, false);

    /** Epochs of each teacher (defaults: each benchmark's). */
    public static final Option<Integer> TEACHER_EPOCHS = Option.integer("teacherEpochs", 1, "epochs of each teacher",
            null, null);
    /** Epochs of each student (defaults: each benchmark's). */
    public static final Option<Integer> STUDENT_EPOCHS = Option.integer("studentEpochs", 1, "epochs of each student",
            null, null);
    /** The batch size of every run (defaults: each benchmark's). */
    public static final Option<Integer> BATCH_SIZE = Option.integer("batchSize", 1, "the batch size of every run"
            + " (64 in the paper)", null, null);

    private static final Map<String, TaskType> TYPES = new LinkedHashMap<>();

    static {
        register(AvMnistTtsTask.TYPE);
        register(AudioVisualTask.type(AvConvention.CREMA_D, "CREMA-D, 6 emotions, audio <-> face frames (7,442"
                + " clips)", 6_698 * 9 / 10));
        register(AudioVisualTask.type(AvConvention.AVE, "AVE, 28 audio-visual events (4,143 events in 4,097 clips)",
                3_339));
        register(AudioVisualTask.type(AvConvention.VGGSOUND_50, "VGGSound, C2KD's 50-class subset (train_tiny /"
                + " test_tiny)", 0));
        register(CrisisMmdTask.TYPE);
        register(SegmentationTask.TYPE);
        register(ModalityFocusTask.TYPE);
    }

    private TaskRegistry() {}

    private static void register(TaskType type) {
        if (TYPES.putIfAbsent(type.name(), type) != null) {
            throw new IllegalArgumentException("a benchmark named '" + type.name() + "' is already registered");
        }
    }

    /** Returns the registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(TYPES.keySet());
    }

    /** Returns the benchmark {@code name}, or throws naming the known ones and the fix. */
    public static TaskType get(String name) {
        TaskType type = TYPES.get(name);
        if (type == null) {
            throw new Options.InvalidOption("kit run: no benchmark '" + name + "'; known: " + names()
                    + "; fix: lib/bin/kit run <benchmark> (lib/bin/kit run list describes them)");
        }
        return type;
    }

    /**
     * The protocol's settings of {@code type}: students, methods, epochs, batch size, joint training, initialisation,
     * the networks' feature point, output, with its defaults.
     */
    public static List<Option<?>> protocolOptions(TaskType type) {
        List<Option<?>> options = new ArrayList<>();
        options.add(MODE);
        options.add(SEEDS.withDefaults(LongStream.range(0, type.seeds()).boxed().toList(), List.of(0L)));
        options.add(students(type));
        options.add(methods(type));
        options.add(TEACHER_EPOCHS.withDefaults(type.epochs()[0], type.epochs()[1]));
        options.add(STUDENT_EPOCHS.withDefaults(type.epochs()[0], type.epochs()[1]));
        options.add(BATCH_SIZE.withDefaults(type.batchSize()[0], type.batchSize()[1]));
        options.add(JOINT);
        options.add(WORKERS.withDefaults(type.workers(), 1));
        options.add(LOADER_THREADS);
        options.add(INITIALISATION);
        options.add(FEATURE_POINT);
        options.add(PAPER_PROTOCOL);
        options.add(output(type));
        return options;
    }

    /** The student modalities of {@code type} (each taught by the other modality's teacher). */
    public static Option<List<String>> students(TaskType type) {
        return Option.choices("students", type.modalities(), "the student modalities, each taught by the other"
                + " modality's teacher", type.modalities(), type.modalities());
    }

    /** The methods of {@code type}: those of its feature layout that its networks can run. */
    public static Option<List<String>> methods(TaskType type) {
        List<String> names = MethodRegistry.names(type.layout(), type.stageMaps());
        List<String> defaults = MethodRegistry.defaults(type.layout(), type.stageMaps());
        return Option.choices("methods", names, "the distillation methods of the students", defaults, defaults);
    }

    /** The output folder of {@code type}: its own under each profile. */
    public static Option<Path> output(TaskType type) {
        return Option.path("output", "where runs, tables and figures go; if not given, the default with a suffix per"
                + " non-default featurePoint, initialisation and paperProtocol (-pre-relu, -shared-initialisation,"
                + " -paper)", type.output(),
                Path.of(type.output() + "-ci"));
    }

    /**
     * Returns the options table of a study of {@code type} ({@code kit ablation}, {@code kit sensitivity}): the
     * protocol's settings but the methods (the study chooses them) and the mode, and the task's own.
     */
    public static Options studyOptions(String command, TaskType type) {
        List<Option<?>> options = protocolOptions(type);
        options.removeIf(option -> option.key().equals(MODE.key()) || option.key().equals("methods"));
        options.addAll(type.options());
        return new Options(command, options);
    }

    /**
     * Returns the settings of {@code kit run <type>} given as key and value texts (the notebooks' and tests' way of
     * writing {@code -Dfdcmkd.<key>=<value>}), parsed and checked as the command line is.
     */
    public static Settings settings(TaskType type, Map<String, String> values) {
        return options("settings of " + type.name(), type).parse(values);
    }

    /** Returns the options table of {@code kit run <name>} ({@code command} names it in messages). */
    public static Options options(String command, TaskType type) {
        List<Option<?>> options = protocolOptions(type);
        options.addAll(type.options());
        return new Options(command, options);
    }
}
