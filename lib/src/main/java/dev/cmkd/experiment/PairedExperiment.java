package dev.cmkd.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.BlockGroup;
import dev.cmkd.method.DistillationMethod;
import dev.cmkd.method.DistillationObjective;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.model.ResNet;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.ProgressPrinter;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Teachers and students on one paired dataset. A teacher is a backbone trained with cross-entropy on
 * one modality; a student is a backbone on the other modality trained with a distillation method
 * against the frozen teacher of the same seed, chosen at its best validation epoch. A method that
 * co-trains its teacher (C2KD, {@link DistillationMethod#trainsTeacher()}) starts from a copy of that
 * teacher and trains it with the student, inside the student's run (its checkpoint holds both); the
 * trained teacher's own run is left as it is. Every run lives in its own directory under {@code runsDir}
 * with its configuration ({@code config.json}), its checkpoint and its records; a run that is already
 * finished is read back, not trained again, and a run whose directory holds another configuration is
 * refused.
 */
public final class PairedExperiment {


    private final PairedSplit train;
    private final PairedSplit validation;
    private final PairedSplit test;
    private final NetworkConfig network;
    private final Path runsDir;

    /** Creates the experiment over the three splits of one dataset. */
    public PairedExperiment(PairedSplit train, PairedSplit validation, PairedSplit test, NetworkConfig network,
            Path runsDir) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.network = network;
        this.runsDir = runsDir;
    }

    /** Returns the training split. */
    public PairedSplit train() {
        return train;
    }

    /** Returns the test split. */
    public PairedSplit test() {
        return test;
    }

    /** Returns the backbone configuration. */
    public NetworkConfig network() {
        return network;
    }

    /**
     * Returns the trained teacher of {@code modality} (its best-validation parameters), frozen, in {@code
     * manager}; train it first with {@link #teacher}.
     */
    public FrozenTeacher frozenTeacher(String modality, RunSpec spec, NDManager manager) {
        int m = train.modalityIndex(modality);
        return new FrozenTeacher(loadTeacher(m, teacherDir(modality, spec), manager));
    }

    /** Returns an untrained network of {@code modality} initialised with {@code seed}, frozen, in {@code manager}. */
    public FrozenTeacher untrained(String modality, long seed, NDManager manager) {
        return new FrozenTeacher(initialized(train.modalityIndex(modality), seed, manager));
    }

    /** Returns the directory of the teacher of {@code modality} trained with {@code spec}. */
    public Path teacherDir(String modality, RunSpec spec) {
        return runsDir.resolve("teacher-" + modality + "-seed" + spec.seed());
    }

    /** Returns the directory of a student run. */
    public Path studentDir(String modality, String method, RunSpec spec) {
        return runsDir.resolve("student-" + modality + "-" + method + "-seed" + spec.seed());
    }

    /** Trains (or reads back) the teacher of {@code modality}, printing progress. */
    public RunOutcome teacher(String modality, RunSpec spec) {
        return teacher(modality, spec, new ProgressPrinter(teacherDir(modality, spec).getFileName().toString(),
                System.out));
    }

    /** Trains (or reads back) the teacher of {@code modality}, reporting to {@code listener}. */
    public RunOutcome teacher(String modality, RunSpec spec, TrainingLoop.Listener listener) {
        int m = train.modalityIndex(modality);
        Path dir = teacherDir(modality, spec);
        ResultFiles.claimRunDirectory(dir, Map.of("role", "teacher", "modality", modality, "spec", spec, "network",
                network));
        try (NDManager manager = NDManager.newBaseManager()) {
            ResNet net = initialized(m, spec.seed(), manager);
            TrainingLoop.Objective objective = (store, batch, indices, epoch) -> new LossTerms().add("task", 1,
                    LossFunctions.crossEntropy(NetworkOutput.of(net.forward(store, new NDList(batch.input(m)), true))
                            .logits(), batch.labels()));
            TrainingLoop.Predictors predictors = (store, batch) -> Map.of("head",
                    NetworkOutput.of(net.forward(store, new NDList(batch.input(m)), false)).logits());
            List<EpochRecord> records = TrainingLoop.run(net, objective, predictors, train, validation, test, spec, dir,
                    manager, listener);
            return new RunOutcome(dir.getFileName().toString(), records);
        }
    }

    /**
     * Trains (or reads back) the student of {@code modality} taught by the other modality's teacher
     * (trained with {@code teacherSpec}, which must have run) with the registered method {@code method}.
     */
    public RunOutcome student(String modality, String method, RunSpec spec, RunSpec teacherSpec) {
        return student(modality, MethodRegistry.spec(method, FeatureLayout.VECTOR), spec, teacherSpec);
    }

    /** As {@link #student(String, String, RunSpec, RunSpec)}, with any method or variant of one. */
    public RunOutcome student(String modality, MethodSpec method, RunSpec spec, RunSpec teacherSpec) {
        return student(modality, method, spec, teacherSpec, new ProgressPrinter(
                studentDir(modality, method.name(), spec).getFileName().toString(), System.out));
    }

    /** As {@link #student(String, MethodSpec, RunSpec, RunSpec)}, reporting to {@code listener}. */
    public RunOutcome student(String modality, MethodSpec method, RunSpec spec, RunSpec teacherSpec,
            TrainingLoop.Listener listener) {
        int m = train.modalityIndex(modality);
        String teacherModality = train.modalities().get(1 - m);
        Path dir = studentDir(modality, method.name(), spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            Student student = new Student(m, method, spec, teacherSpec, manager);
            ResultFiles.claimRunDirectory(dir, Map.of("role", "student", "modality", modality, "teacher",
                    teacherModality, "method", method.name(), "methodConfig", student.method.toString(), "spec", spec,
                    "teacherSpec", teacherSpec, "network", network));
            List<EpochRecord> records = TrainingLoop.run(student.objective, student::terms, student::predictors,
                    train, validation, test, spec, dir, manager, listener);
            return new RunOutcome(dir.getFileName().toString(), records);
        }
    }

    /**
     * Trains the students of both modalities at once, as the authors' code does: each taught by the other
     * modality's frozen teacher, one optimizer, the sum of both objectives on the same batches. Loss terms and
     * predictors are prefixed with the student's modality ({@code audio.task}, {@code image.head}, ...).
     * Because the teachers are frozen and the students share no parameter, this equals training the two
     * students separately with the same seed (each student is initialised as its separate run is); {@code
     * PairedExperimentTest} checks it. Returns each student's outcome, by modality.
     */
    public Map<String, RunOutcome> jointStudents(MethodSpec method, RunSpec spec, RunSpec teacherSpec) {
        Path dir = runsDir.resolve("joint-" + method.name() + "-seed" + spec.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Student> students = List.of(new Student(0, method, spec, teacherSpec, manager),
                    new Student(1, method, spec, teacherSpec, manager));
            ResultFiles.claimRunDirectory(dir, Map.of("role", "joint students", "method", method.name(), "methodConfig",
                    students.get(0).method.toString(), "spec", spec, "teacherSpec", teacherSpec, "network", network));
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
            List<EpochRecord> records = TrainingLoop.run(new BlockGroup(students.get(0).objective,
                    students.get(1).objective), loss, predictors, train, validation, test, spec, dir, manager,
                    new ProgressPrinter(dir.getFileName().toString(), System.out));
            Map<String, RunOutcome> outcomes = new LinkedHashMap<>();
            for (Student student : students) {
                outcomes.put(student.modality, new RunOutcome(dir.getFileName() + "/" + student.modality,
                        only(records, student.modality + ".")));
            }
            return outcomes;
        }
    }

    /** Returns the records restricted to the entries whose name starts with {@code prefix}, prefix removed. */
    private static List<EpochRecord> only(List<EpochRecord> records, String prefix) {
        return records.stream().map(r -> new EpochRecord(r.epoch(), r.learningRate(), r.seconds(),
                strip(r.trainTerms(), prefix), strip(r.validation(), prefix), strip(r.test(), prefix))).toList();
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
     * when the training split draws random views, on every batch; a co-trained teacher is a copy of the trained
     * teacher inside the student's objective.
     */
    private final class Student {

        private final int m;
        private final String modality;
        private final ResNet network;
        private final DistillationMethod method;
        private final DistillationObjective objective;
        private final FrozenTeacher teacher;
        private final NDManager manager;
        private TeacherOutputs teacherOutputs;

        Student(int m, MethodSpec methodSpec, RunSpec spec, RunSpec teacherSpec, NDManager manager) {
            this.m = m;
            this.modality = train.modalities().get(m);
            int t = 1 - m;
            Path teacherDir = teacherDir(train.modalities().get(t), teacherSpec);
            this.manager = manager;
            this.network = PairedExperiment.this.network.build(channels(m), train.numClasses());
            this.method = methodSpec.create(network.getFeatureDim(), train.numClasses());
            if (method.trainsTeacher()) {
                this.teacher = null;
                this.objective = DistillationObjective.coTrained(network, method,
                        PairedExperiment.this.network.build(channels(t), train.numClasses()));
                Engine.getInstance().setRandomSeed((int) spec.seed());
                objective.initialize(manager, DataType.FLOAT32, batchShape(m), batchShape(t));
                readTeacher(t, teacherDir, in -> objective.loadTeacherParameters(manager, in));
            } else {
                this.teacher = new FrozenTeacher(loadTeacher(t, teacherDir, manager));
                this.objective = new DistillationObjective(network, method);
                Engine.getInstance().setRandomSeed((int) spec.seed());
                objective.initialize(manager, DataType.FLOAT32, batchShape(m));
            }
        }

        LossTerms terms(ParameterStore store, PairedSplit.Batch batch, int[] indices, int epoch) {
            method.setEpoch(epoch);
            if (objective.hasTeacher()) {
                return objective.evaluateCoTrained(store, batch.input(m), batch.input(1 - m), batch.labels(), true);
            }
            if (train.randomViews()) {
                // augmented inputs: the teacher sees this batch's view of its modality, as in the authors' code
                return objective.evaluate(store, batch.input(m), teacher.forward(batch.input(1 - m)), batch.labels(),
                        true);
            }
            if (teacherOutputs == null) {
                teacherOutputs = TeacherOutputs.compute(teacher, train, 1 - m, manager);
            }
            return objective.evaluate(store, batch.input(m), teacherOutputs.rows(batch.labels().getManager(), indices),
                    batch.labels(), true);
        }

        Map<String, NDArray> predictors(ParameterStore store, PairedSplit.Batch batch) {
            NetworkOutput out = NetworkOutput.of(network.forward(store, new NDList(batch.input(m)), false));
            Map<String, NDArray> logits = new LinkedHashMap<>();
            logits.put("head", out.logits());
            logits.putAll(method.auxiliaryLogits(store, out, false));
            return logits;
        }
    }

    private ResNet initialized(int m, long seed, NDManager manager) {
        ResNet net = network.build(channels(m), train.numClasses());
        Engine.getInstance().setRandomSeed((int) seed);
        net.initialize(manager, DataType.FLOAT32, batchShape(m));
        return net;
    }

    private ResNet loadTeacher(int m, Path dir, NDManager manager) {
        ResNet net = initialized(m, 0, manager);
        readTeacher(m, dir, in -> net.loadParameters(manager, in));
        return net;
    }

    /** Reads the best parameters of the trained teacher of modality {@code m} in {@code dir} with {@code reader}. */
    private void readTeacher(int m, Path dir, TrainingLoop.ParameterReader reader) {
        TrainingLoop.readBestParameters(dir, "the " + train.modalities().get(m) + " teacher (PairedExperiment.teacher)",
                reader);
    }

    private int channels(int m) {
        return Math.toIntExact(train.sampleShape(m).get(0));
    }

    private Shape batchShape(int m) {
        return new Shape(1).addAll(train.sampleShape(m));
    }
}
