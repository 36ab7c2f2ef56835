package dev.cmkd.experiment.crisis;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.cmkd.data.loading.CrisisMmdLoader;
import dev.cmkd.data.loading.CrisisMmdSplit;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.DistillationMethod;
import dev.cmkd.method.DistillationObjective;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Teachers and students on prepared CrisisMMD. A teacher is the image or the text network trained with
 * cross-entropy; a student is the network of the other modality trained with a registered distillation
 * method against the frozen teacher of the same seed. In a training step the teacher sees the same batch as
 * the student, its own modality of it (an image teacher sees the augmented pictures, as in the authors'
 * code). Every run lives in its own directory under {@code runsDir} with {@code config.json}, checkpoints and
 * {@code metrics.csv} ({@link TrainingLoop}); a finished run is read back, an interrupted one resumed, and a
 * directory holding another configuration is refused.
 */
public final class CrisisMmdExperiment {


    private final CrisisMmdLoader.Dataset data;
    private final CrisisMmdNetworks networks;
    private final Path runsDir;
    private final Map<String, Object> dataDescription;

    /**
     * Creates the experiment.
     *
     * @param data the three splits (their augmentation seed should be the runs' seed)
     * @param networks the two networks
     * @param runsDir where the runs go
     * @param dataDescription what identifies the data in each run's {@code config.json} (loader settings)
     */
    public CrisisMmdExperiment(CrisisMmdLoader.Dataset data, CrisisMmdNetworks networks, Path runsDir,
            Map<String, Object> dataDescription) {
        this.data = data;
        this.networks = networks;
        this.runsDir = runsDir;
        this.dataDescription = dataDescription;
    }

    /** Returns the dataset. */
    public CrisisMmdLoader.Dataset data() {
        return data;
    }

    /** Returns the directory of the teacher of {@code modality} for {@code spec}. */
    public Path teacherDir(String modality, RunSpec spec) {
        return runsDir.resolve("teacher-" + modality + "-seed" + spec.seed());
    }

    /** Returns the directory of a student run. */
    public Path studentDir(String modality, String method, RunSpec spec) {
        return runsDir.resolve("student-" + modality + "-" + method + "-seed" + spec.seed());
    }

    /** Trains (or reads back) the teacher of {@code modality}, reporting to {@code listener}. */
    public RunOutcome teacher(String modality, RunSpec spec, TrainingLoop.Listener listener) {
        int m = data.train().modalityIndex(modality);
        Path dir = teacherDir(modality, spec);
        ResultFiles.claimRunDirectory(dir, Map.of("role", "teacher", "modality", modality, "spec", spec, "networks",
                networks, "data", dataDescription));
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = initialized(modality, spec.seed(), manager);
            TrainingLoop.Objective objective = (store, batch, indices, epoch) -> new LossTerms().add("task", 1,
                    LossFunctions.crossEntropy(output(net, store, batch.input(m), true).logits(), batch.labels()));
            TrainingLoop.Predictors predictors = (store, batch) -> Map.of("head",
                    output(net, store, batch.input(m), false).logits());
            List<EpochRecord> records = TrainingLoop.run(net, objective, predictors, data.train(), data.validation(),
                    data.test(), spec, dir, manager, listener);
            return new RunOutcome(dir.getFileName().toString(), records);
        }
    }

    /**
     * Trains (or reads back) the student of {@code modality}, taught by the other modality's teacher (trained
     * with {@code teacherSpec}, which must have run) with the registered method {@code method}.
     */
    public RunOutcome student(String modality, String method, RunSpec spec, RunSpec teacherSpec,
            TrainingLoop.Listener listener) {
        CrisisMmdSplit train = data.train();
        int m = train.modalityIndex(modality);
        String teacherModality = train.modalities().get(1 - m);
        Path dir = studentDir(modality, method, spec);
        ResultFiles.claimRunDirectory(dir, Map.of("role", "student", "modality", modality, "teacher",
                teacherModality, "method", method, "spec", spec, "teacherSpec", teacherSpec, "networks", networks,
                "data", dataDescription));
        try (NDManager manager = NDManager.newBaseManager()) {
            Block network = networks.build(modality, train.numClasses(), vocabularySize());
            DistillationMethod distillation = MethodRegistry.spec(method, FeatureLayout.VECTOR).create(networks.featureDim(), train.numClasses());
            TrainingLoop.Objective loss;
            DistillationObjective objective;
            if (distillation.trainsTeacher()) {
                // C2KD: a copy of the trained teacher trains with the student, inside the student's run.
                objective = DistillationObjective.coTrained(network, distillation,
                        networks.build(teacherModality, train.numClasses(), vocabularySize()));
                Engine.getInstance().setRandomSeed((int) spec.seed());
                objective.initialize(manager, DataType.FLOAT32, batchShape(m), batchShape(1 - m));
                readTeacher(teacherModality, teacherDir(teacherModality, teacherSpec),
                        in -> objective.loadTeacherParameters(manager, in));
                loss = (store, batch, indices, epoch) -> {
                    distillation.setEpoch(epoch);
                    return objective.evaluateCoTrained(store, batch.input(m), batch.input(1 - m), batch.labels(),
                            true);
                };
            } else {
                FrozenTeacher teacher = new FrozenTeacher(loadTeacher(teacherModality, teacherDir(teacherModality,
                        teacherSpec), manager));
                objective = new DistillationObjective(network, distillation);
                Engine.getInstance().setRandomSeed((int) spec.seed());
                objective.initialize(manager, DataType.FLOAT32, batchShape(m));
                loss = (store, batch, indices, epoch) -> {
                    distillation.setEpoch(epoch);
                    return objective.evaluate(store, batch.input(m), teacher.forward(batch.input(1 - m)),
                            batch.labels(), true);
                };
            }
            TrainingLoop.Predictors predictors = (store, batch) -> {
                NetworkOutput out = output(network, store, batch.input(m), false);
                Map<String, NDArray> logits = new LinkedHashMap<>();
                logits.put("head", out.logits());
                logits.putAll(distillation.auxiliaryLogits(store, out, false));
                return logits;
            };
            List<EpochRecord> records = TrainingLoop.run(objective, loss, predictors, train, data.validation(),
                    data.test(), spec, dir, manager, listener);
            return new RunOutcome(dir.getFileName().toString(), records);
        }
    }

    private static NetworkOutput output(Block net, ParameterStore store, NDArray input, boolean training) {
        return NetworkOutput.of(net.forward(store, new NDList(input), training));
    }

    private int vocabularySize() {
        return data.vocabulary() == null ? 0 : data.vocabulary().size();
    }

    private Block initialized(String modality, long seed, NDManager manager) {
        Block net = networks.build(modality, data.train().numClasses(), vocabularySize());
        Engine.getInstance().setRandomSeed((int) seed);
        net.initialize(manager, DataType.FLOAT32, batchShape(data.train().modalityIndex(modality)));
        return net;
    }

    private Block loadTeacher(String modality, Path dir, NDManager manager) {
        Block net = initialized(modality, 0, manager);
        readTeacher(modality, dir, in -> net.loadParameters(manager, in));
        return net;
    }

    /** Reads the best parameters of the trained teacher of {@code modality} in {@code dir} with {@code reader}. */
    private static void readTeacher(String modality, Path dir, TrainingLoop.ParameterReader reader) {
        TrainingLoop.readBestParameters(dir, "the " + modality + " teacher (CrisisMmdExperiment.teacher)", reader);
    }

    private Shape batchShape(int m) {
        return new Shape(1).addAll(data.train().sampleShape(m));
    }
}
