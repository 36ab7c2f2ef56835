package dev.cmkd.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import dev.cmkd.data.PrefetchingSource;
import dev.cmkd.data.Splits;
import dev.cmkd.method.BlockGroup;
import dev.cmkd.method.DistillationMethod;
import dev.cmkd.method.DistillationObjective;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.train.Environment;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.NativeWork;
import dev.cmkd.train.NonFiniteLossException;
import dev.cmkd.train.ProgressPrinter;
import dev.cmkd.train.RunDirectory;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Teachers and students of any {@link Task}. A teacher is the task's network of one modality trained with the task
 * loss (cross-entropy, per pixel for segmentation); a student is the network of the other modality trained with a
 * distillation method against the frozen teacher of the same seed, chosen at its best validation epoch. In a
 * training step the teacher sees its modality of the student's batch (the same augmented view, as in the authors'
 * code); on a training split without random views its outputs are computed once ({@link TeacherOutputs}). A method
 * that co-trains its teacher (C2KD, {@link DistillationMethod#trainsTeacher()}) starts from a copy of that teacher
 * and trains it with the student, inside the student's run (its checkpoint holds both); the trained teacher's own
 * run is left as it is.
 *
 * <p>Before it initialises a network the engine is seeded by {@link Initialisation#engineSeed}(seed, modality) of the
 * experiment's {@link Initialisation}: by default each modality's networks start from their own weights, and every
 * network of one modality and seed (its teacher and all its students) from the same ones.
 *
 * <p>Every run lives in its own directory under {@code runsDir} ({@link RunDirectory}) with its identity in {@code
 * config.json} (role, modalities, method, schedule, the task's {@link Task#identity()} with its data (a teacher's
 * without the feature point, which it does not learn from), the initialisation and the engine's thread count), its
 * checkpoint and its records ({@link TrainingLoop}); a finished run is read back, not trained again, an interrupted
 * one resumes, and a directory holding another identity is refused, naming the fields that differ. A run whose loss
 * becomes NaN or infinite fails alone: its outcome says why.
 */
public final class Experiment {

    private static final Gson JSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final Task task;
    private final Path runsDir;
    /** The frozen teachers' outputs on the training split, by teacher run, for the teachers of the latest seed. */
    private final Map<Path, TeacherOutputs> teacherOutputs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, TeacherOutputs> eldest) {
            return size() > 2;
        }
    };
    private final Initialisation initialisation;
    /** Threads building batches ahead ({@link PrefetchingSource}); 0: on the training thread. */
    private final int loaderThreads;

    /** Creates the experiment of {@code task} with its runs under {@code runsDir}, initialised independently. */
    public Experiment(Task task, Path runsDir) {
        this(task, runsDir, Initialisation.INDEPENDENT);
    }

    /** Creates the experiment of {@code task} with its runs under {@code runsDir} and {@code initialisation}. */
    public Experiment(Task task, Path runsDir, Initialisation initialisation) {
        this(task, runsDir, initialisation, 0);
    }

    private Experiment(Task task, Path runsDir, Initialisation initialisation, int loaderThreads) {
        if (loaderThreads < 0) {
            throw new IllegalArgumentException("Experiment: loaderThreads " + loaderThreads + " must be at least 0");
        }
        this.task = task;
        this.runsDir = runsDir;
        this.initialisation = initialisation;
        this.loaderThreads = loaderThreads;
    }

    /**
     * Returns this experiment with its training and evaluation batches built ahead by {@code threads} threads each
     * ({@link PrefetchingSource}; 0, the default: on the training thread). Splits held in memory ({@link
     * BatchSource#inMemory}) are always read on the training thread. Batches, and so results, do not depend on it,
     * and it is not part of a run's identity.
     */
    public Experiment withLoaderThreads(int threads) {
        return new Experiment(task, runsDir, initialisation, threads);
    }

    /** Returns the task. */
    public Task task() {
        return task;
    }

    /** Returns the directory of the teacher of {@code modality} trained with {@code spec}. */
    public Path teacherDir(String modality, RunSpec spec) {
        return runsDir.resolve("teacher-" + modality + "-seed" + spec.seed());
    }

    /** Returns the directory of a student run. */
    public Path studentDir(String modality, String method, RunSpec spec) {
        return runsDir.resolve("student-" + modality + "-" + method + "-seed" + spec.seed());
    }

    /**
     * Returns the trained teacher of {@code modality} (its best-validation parameters), frozen, in {@code manager};
     * train it first with {@link #teacher}.
     */
    public FrozenTeacher frozenTeacher(String modality, RunSpec spec, NDManager manager) {
        return new FrozenTeacher(loadTeacher(modality, spec, manager));
    }

    /**
     * Returns the network of the trained student of {@code modality} taught with {@code method} (its best-validation
     * parameters), frozen, in {@code manager}; train it first with {@link #student}. Its run's identity is not checked:
     * the parameters are read as they were saved, and since a network's parameters do not depend on its feature point
     * ({@link dev.cmkd.model.FeaturePoint}), the network returns this experiment's feature point, whichever one the
     * student was trained with.
     */
    public FrozenTeacher frozenStudent(String modality, MethodSpec method, RunSpec spec, NDManager manager) {
        Block network = task.network(modality);
        DistillationObjective objective = initializedObjective(network, method.create(task.featureDim(),
                task.numClasses()), modality, manager);
        TrainingLoop.readBestParameters(studentDir(modality, method.name(), spec), spec.epochs(), "the " + modality
                + " student of " + method.name(), in -> objective.loadParameters(manager, in));
        return new FrozenTeacher(network);
    }

    /**
     * Returns the objective of a student {@code network} of {@code modality} trained with {@code method}, initialised
     * from the engine's current seed: with a copy of the other modality's network when the method co-trains its
     * teacher.
     */
    private DistillationObjective initializedObjective(Block network, DistillationMethod method, String modality,
            NDManager manager) {
        if (!method.trainsTeacher()) {
            DistillationObjective objective = new DistillationObjective(network, method);
            objective.initialize(manager, DataType.FLOAT32, task.inputShape(modality));
            return objective;
        }
        String teacherModality = task.otherModality(modality);
        DistillationObjective objective = DistillationObjective.coTrained(network, method,
                task.network(teacherModality));
        objective.initialize(manager, DataType.FLOAT32, task.inputShape(modality), task.inputShape(teacherModality));
        return objective;
    }

    /**
     * Returns the network of {@code modality} as the runs of {@code seed} start from it (untrained), frozen, in {@code
     * manager}.
     */
    public FrozenTeacher untrained(String modality, long seed, NDManager manager) {
        return new FrozenTeacher(initialized(modality, seed, manager));
    }

    /** Trains (or reads back) the teacher of {@code modality}, printing progress. */
    public RunOutcome teacher(String modality, RunSpec spec) {
        return teacher(modality, spec, progress(teacherDir(modality, spec)));
    }

    /** Trains (or reads back) the teacher of {@code modality}, reporting to {@code listener}. */
    public RunOutcome teacher(String modality, RunSpec spec, TrainingLoop.Listener listener) {
        int m = task.modalityIndex(modality);
        Path dir = teacherDir(modality, spec);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("role", "teacher");
        claims.put("modality", modality);
        claims.put("spec", spec);
        Splits splits = task.splits(spec.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = initialized(modality, spec.seed(), manager);
            TrainingLoop.Objective objective = (store, batch, indices, epoch) -> new LossTerms().add("task", 1,
                    task.layout().taskLoss(output(net, store, batch.input(m), true).logits(), batch.labels()));
            TrainingLoop.Predictors predictors = (store, batch) -> Map.of("head",
                    output(net, store, batch.input(m), false).logits());
            return train(dir, claims, teacherIdentity(), net, objective, predictors, splits, spec, manager,
                    listener);
        }
    }

    /**
     * Trains (or reads back) the student of {@code modality} taught by the other modality's teacher (trained with
     * {@code teacherSpec}, which must have run) with {@code method}, printing progress.
     */
    public RunOutcome student(String modality, MethodSpec method, RunSpec spec, RunSpec teacherSpec) {
        return student(modality, method, spec, teacherSpec, progress(studentDir(modality, method.name(), spec)));
    }

    /** As {@link #student(String, MethodSpec, RunSpec, RunSpec)}, reporting to {@code listener}. */
    public RunOutcome student(String modality, MethodSpec method, RunSpec spec, RunSpec teacherSpec,
            TrainingLoop.Listener listener) {
        Path dir = studentDir(modality, method.name(), spec);
        Splits splits = task.splits(spec.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            Student student = new Student(task.modalityIndex(modality), method, spec, teacherSpec, splits, manager);
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("role", "student");
            claims.put("modality", modality);
            claims.put("teacher", task.otherModality(modality));
            claims.put("method", method.name());
            claims.put("methodConfig", student.method.toString());
            claims.put("spec", spec);
            claims.put("teacherSpec", teacherSpec);
            return train(dir, claims, task.identity(), student.objective, student::terms, student::predictors, splits,
                    spec, manager, listener);
        }
    }

    /**
     * Trains the students of both modalities at once, as the authors' code does: each taught by the other
     * modality's frozen teacher, one optimizer, the sum of both objectives on the same batches. Loss terms and
     * predictors are prefixed with the student's modality ({@code audio.task}, {@code image.head}, ...). Because
     * the teachers are frozen and the students share no parameter, this equals training the two students
     * separately with the same seed (each student is initialised as its separate run is); {@code ExperimentTest}
     * checks it. Returns each student's outcome, by modality.
     */
    public Map<String, RunOutcome> jointStudents(MethodSpec method, RunSpec spec, RunSpec teacherSpec) {
        Path dir = runsDir.resolve("joint-" + method.name() + "-seed" + spec.seed());
        Splits splits = task.splits(spec.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Student> students = List.of(new Student(0, method, spec, teacherSpec, splits, manager),
                    new Student(1, method, spec, teacherSpec, splits, manager));
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("role", "joint students");
            claims.put("method", method.name());
            claims.put("methodConfig", students.get(0).method.toString());
            claims.put("spec", spec);
            claims.put("teacherSpec", teacherSpec);
            TrainingLoop.Objective loss = (store, batch, indices, epoch) -> {
                LossTerms sum = new LossTerms();
                for (Student student : students) {
                    LossTerms terms = student.terms(store, batch, indices, epoch);
                    terms.names().forEach(name -> sum.add(student.modality + "." + name, terms.weight(name),
                            terms.get(name)));
                }
                return sum;
            };
            TrainingLoop.Predictors predictors = (store, batch) -> {
                Map<String, NDArray> logits = new LinkedHashMap<>();
                for (Student student : students) {
                    student.predictors(store, batch).forEach((name, value) ->
                            logits.put(student.modality + "." + name, value));
                }
                return logits;
            };
            RunOutcome joint = train(dir, claims, task.identity(), new BlockGroup(students.get(0).objective,
                    students.get(1).objective), loss, predictors, splits, spec, manager, progress(dir));
            Map<String, RunOutcome> outcomes = new LinkedHashMap<>();
            for (Student student : students) {
                outcomes.put(student.modality, new RunOutcome(dir.getFileName() + "/" + student.modality,
                        only(joint.records(), student.modality + "."), joint.environment(), joint.failure()));
            }
            return outcomes;
        }
    }

    /** Returns the records restricted to the entries whose name starts with {@code prefix}, prefix removed. */
    private static List<EpochRecord> only(List<EpochRecord> records, String prefix) {
        return records.stream().map(r -> {
            Map<String, Map<String, Double>> others = new LinkedHashMap<>();
            r.otherMetrics().forEach((key, values) -> others.put(key, strip(values, prefix)));
            return new EpochRecord(r.epoch(), r.learningRate(), r.seconds(), strip(r.trainTerms(), prefix),
                    strip(r.validation(), prefix), strip(r.test(), prefix), others);
        }).toList();
    }

    private static Map<String, Double> strip(Map<String, Double> values, String prefix) {
        Map<String, Double> kept = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                kept.put(name.substring(prefix.length()), value);
            }
        });
        return kept;
    }

    /**
     * A student of modality {@code m}, its method and its teacher. A frozen teacher's outputs on the training
     * split are computed at the first training step (a finished run that is only read back never needs them), or,
     * when the training split draws random views or the method reads the teacher's stage maps ({@link
     * DistillationMethod#readsStageMaps}), on every batch; a co-trained teacher is a copy of the trained
     * teacher inside the student's objective.
     */
    private final class Student {

        private final int m;
        private final String modality;
        private final Block network;
        private final DistillationMethod method;
        private final DistillationObjective objective;
        private final FrozenTeacher teacher;
        private final Splits splits;
        private final RunSpec teacherSpec;
        private TeacherOutputs teacherOutputs;

        Student(int m, MethodSpec methodSpec, RunSpec spec, RunSpec teacherSpec, Splits splits, NDManager manager) {
            this.m = m;
            this.modality = task.modalities().get(m);
            String teacherModality = task.otherModality(modality);
            this.splits = splits;
            this.teacherSpec = teacherSpec;
            this.network = task.network(modality);
            this.method = methodSpec.create(task.featureDim(), task.numClasses());
            // a co-trained teacher's copy is initialised after the student and the method, then given the trained
            // weights; a frozen teacher is loaded first
            this.teacher = method.trainsTeacher() ? null
                    : new FrozenTeacher(loadTeacher(teacherModality, teacherSpec, manager));
            seedFor(modality, spec.seed());
            this.objective = initializedObjective(network, method, modality, manager);
            if (method.trainsTeacher()) {
                readTeacher(teacherModality, teacherSpec, in -> objective.loadTeacherParameters(manager, in));
            }
        }

        LossTerms terms(ParameterStore store, Batch batch, int[] indices, int epoch) {
            method.setEpoch(epoch);
            if (objective.hasTeacher()) {
                return objective.evaluateCoTrained(store, batch.input(m), batch.input(1 - m), batch.labels(), true);
            }
            if (splits.train().randomViews() || method.readsStageMaps()) {
                // augmented inputs: the teacher sees this batch's view of its modality, as in the authors' code;
                // a hint on an intermediate map needs the teacher's maps, which the outputs computed once leave out
                return objective.evaluate(store, batch.input(m), teacher.forward(batch.input(1 - m)), batch.labels(),
                        true);
            }
            if (teacherOutputs == null) {
                teacherOutputs = teacherOutputs(teacherSpec, teacher, splits, m);
            }
            return objective.evaluate(store, batch.input(m), teacherOutputs.rows(batch.labels().getManager(), indices),
                    batch.labels(), true);
        }

        Map<String, NDArray> predictors(ParameterStore store, Batch batch) {
            NetworkOutput out = output(network, store, batch.input(m), false);
            Map<String, NDArray> logits = new LinkedHashMap<>();
            logits.put("head", out.logits());
            logits.putAll(method.auxiliaryLogits(store, out, false));
            return logits;
        }
    }

    /**
     * Returns the outputs of the frozen teacher trained with {@code teacherSpec} on the training split for the
     * student of modality index {@code m}, computed once and shared by every method's student of that seed (the
     * teacher, its parameters and the split are the same), and kept for the two teachers of the latest seed.
     */
    private TeacherOutputs teacherOutputs(RunSpec teacherSpec, FrozenTeacher teacher, Splits splits, int m) {
        return teacherOutputs.computeIfAbsent(teacherDir(task.otherModality(task.modalities().get(m)), teacherSpec),
                dir -> {
                    try (NDManager outputs = NDManager.newBaseManager()) {
                        return TeacherOutputs.compute(teacher, splits.train(), 1 - m, outputs);
                    }
                });
    }

    private TrainingLoop.Evaluation evaluation(Splits splits, RunSpec spec) {
        return new TrainingLoop.Evaluation(task.evaluator(), splits.validation(), splits.test(),
                task.evaluationBatch(spec.batchSize()));
    }

    /**
     * The task's identity as a teacher's run claims it: without the networks' feature point. A teacher learns from
     * its logits, and the feature point changes only which feature a network returns, not what its classifier sees
     * ({@link dev.cmkd.model.FeaturePoint}); so the students of both feature points read the same teacher, and
     * comparing them is paired by seed.
     */
    private Map<String, Object> teacherIdentity() {
        Map<String, Object> identity = new LinkedHashMap<>();
        task.identity().forEach((key, value) -> identity.put(key, withoutFeaturePoint(JSON.toJsonTree(value))));
        return identity;
    }

    private static JsonElement withoutFeaturePoint(JsonElement json) {
        if (json.isJsonObject()) {
            json.getAsJsonObject().remove("featurePoint");
            json.getAsJsonObject().asMap().values().forEach(Experiment::withoutFeaturePoint);
        }
        return json;
    }

    /**
     * Claims {@code dir} for the run {@code claims} describe, with {@code identity} (the task's networks and data)
     * and the engine's thread count, and trains or reads it back. A loss that becomes NaN or infinite ends the run,
     * not the job: the outcome says why.
     */
    private RunOutcome train(Path dir, Map<String, Object> claims, Map<String, Object> identity, Block trainable,
            TrainingLoop.Objective objective, TrainingLoop.Predictors predictors, Splits splits, RunSpec spec,
            NDManager manager, TrainingLoop.Listener listener) {
        claims.putAll(identity);
        claims.put("initialisation", initialisation);
        claims.put("intraOpThreads", Environment.intraOpThreads());
        String name = dir.getFileName().toString();
        List<PrefetchingSource> loaders = new ArrayList<>();
        try (RunDirectory run = RunDirectory.claim(dir, claims)) {
            try {
                Splits read = prefetched(splits, loaders);
                List<EpochRecord> records = TrainingLoop.run(trainable, objective, predictors, read.train(),
                        evaluation(read, spec), spec, run, manager, listener);
                return new RunOutcome(name, records, run.environment(), null);
            } catch (NonFiniteLossException e) {
                System.err.println(e.getMessage() + "; the job goes on with its next run");
                return new RunOutcome(name, e.records(), run.environment(), e.getMessage());
            } finally {
                loaders.forEach(PrefetchingSource::close); // stops the workers, also after an exception
            }
        }
    }

    /**
     * Returns {@code splits} with each distinct split that is not held in memory wrapped in a {@link
     * PrefetchingSource} of {@link #loaderThreads} threads (added to {@code opened}, for the caller to close).
     */
    private Splits prefetched(Splits splits, List<PrefetchingSource> opened) {
        if (loaderThreads == 0) {
            return splits;
        }
        Map<BatchSource, BatchSource> wrapped = new IdentityHashMap<>();
        Function<BatchSource, BatchSource> wrap = split -> split.inMemory() ? split : wrapped.computeIfAbsent(split,
                s -> {
                    PrefetchingSource loader = PrefetchingSource.builder().setSource(s).optThreads(loaderThreads)
                            .optGuard(NativeWork::enter).build();
                    opened.add(loader);
                    return loader;
                });
        return new Splits(wrap.apply(splits.train()), wrap.apply(splits.validation()), wrap.apply(splits.test()));
    }

    private static NetworkOutput output(Block net, ParameterStore store, NDArray input, boolean training) {
        return NetworkOutput.of(net.forward(store, new NDList(input), training));
    }

    private static ProgressPrinter progress(Path runDir) {
        return new ProgressPrinter(runDir.getFileName().toString(), System.out);
    }

    private Block initialized(String modality, long seed, NDManager manager) {
        Block net = task.network(modality);
        seedFor(modality, seed);
        net.initialize(manager, DataType.FLOAT32, task.inputShape(modality));
        return net;
    }

    /** Seeds the engine for initialising the network of {@code modality} for the runs of {@code seed}. */
    private void seedFor(String modality, long seed) {
        Engine.getInstance().setRandomSeed(initialisation.engineSeed(seed, modality));
    }

    private Block loadTeacher(String modality, RunSpec spec, NDManager manager) {
        Block net = initialized(modality, 0, manager);
        readTeacher(modality, spec, in -> net.loadParameters(manager, in));
        return net;
    }

    /** Reads the best parameters of the trained teacher of {@code modality} with {@code reader}. */
    private void readTeacher(String modality, RunSpec spec, TrainingLoop.ParameterReader reader) {
        TrainingLoop.readBestParameters(teacherDir(modality, spec), spec.epochs(), "the " + modality + " teacher",
                reader);
    }
}
