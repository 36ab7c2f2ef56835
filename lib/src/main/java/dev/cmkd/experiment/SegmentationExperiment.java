package dev.cmkd.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.RgbdModality;
import dev.cmkd.data.nyu.RgbdSplit;
import dev.cmkd.loss.PixelCrossEntropy;
import dev.cmkd.method.DistillationMethod;
import dev.cmkd.method.DistillationObjective;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.segmentation.SegmentationLoop;
import dev.cmkd.segmentation.SegmentationNet;
import dev.cmkd.train.ProgressPrinter;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Teachers and students for RGB-D semantic segmentation. A teacher is a {@link SegmentationNet} trained with the
 * per-pixel cross-entropy on one modality; a student is the same network on the other modality, trained with a
 * segmentation method ({@link MethodRegistry}, {@link FeatureLayout#MAP}) against the frozen teacher of the same seed, which sees the
 * other modality of the very same augmented crop; a method that co-trains its teacher ({@link
 * DistillationMethod#trainsTeacher()}, C2KD) trains it on from that teacher's parameters instead. Every run lives
 * in its own directory under {@code runsDir} with its {@code config.json}, checkpoint and records; a finished run
 * is read back, an interrupted one resumed, and a directory holding another configuration is refused (as {@link
 * PairedExperiment} does).
 */
public final class SegmentationExperiment {

    /**
     * The network of every run.
     *
     * @param width base width of encoder and decoder (64: ResNet-18)
     * @param blocksPerStage basic blocks per encoder stage ({2, 2, 2, 2}: ResNet-18)
     * @param smallInput the 3x3 stride-1 stem, for small images
     */
    public record Backbone(int width, int[] blocksPerStage, boolean smallInput) {

        /** A ResNet-18 encoder with the ImageNet stem. */
        public static Backbone resNet18() {
            return new Backbone(64, new int[] {2, 2, 2, 2}, false);
        }

        /** Returns the network for {@code modality} and {@code classes} classes. */
        public SegmentationNet build(RgbdModality modality, int classes) {
            return SegmentationNet.builder().setNumClasses(classes).optInputChannels(modality.channels())
                    .optWidth(width).optBlocksPerStage(blocksPerStage).optSmallInput(smallInput).build();
        }
    }

    /**
     * A finished run.
     *
     * @param name the run's directory name
     * @param epochs every epoch's mIoU and pixel accuracy
     */
    public record Run(String name, List<SegmentationLoop.Epoch> epochs) {

        /** Returns the run as a {@link RunOutcome} whose "accuracy" is mIoU, for the selection protocols. */
        public RunOutcome outcome() {
            return new RunOutcome(name, epochs.stream().map(SegmentationLoop.Epoch::record).toList());
        }

        /**
         * Returns the main predictor's test pixel accuracy at the epoch {@code protocol} selects ({@code bestVal}
         * or {@code lastEpoch}); NaN for {@code paperBestTest}, which selects mIoU across heads.
         */
        public double testPixelAccuracy(String protocol) {
            int epoch = switch (protocol) {
                case "bestVal" -> outcome().bestValidationEpoch();
                case "lastEpoch" -> epochs.size() - 1;
                default -> -1;
            };
            return epoch < 0 ? Double.NaN : epochs.get(epoch).testPixelAccuracy().values().iterator().next();
        }
    }

    private final RgbdSplit train;
    private final RgbdSplit validation;
    private final RgbdSplit test;
    private final Backbone backbone;
    private final Augmentation augmentation;
    private final int evaluationBatch;
    private final Path runsDir;

    /**
     * Creates the experiment.
     *
     * @param augmentation the training crop (multiples of the network's output stride) and flip
     * @param evaluationBatch full images per evaluation batch
     */
    public SegmentationExperiment(RgbdSplit train, RgbdSplit validation, RgbdSplit test, Backbone backbone,
            Augmentation augmentation, int evaluationBatch, Path runsDir) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.backbone = backbone;
        this.augmentation = augmentation;
        this.evaluationBatch = evaluationBatch;
        this.runsDir = runsDir;
    }

    /** Returns the training split. */
    public RgbdSplit train() {
        return train;
    }

    /** Returns the directory of the teacher of {@code modality}. */
    public Path teacherDir(RgbdModality modality, RunSpec spec) {
        return runsDir.resolve("teacher-" + modality.label() + "-seed" + spec.seed());
    }

    /** Returns the directory of a student run. */
    public Path studentDir(RgbdModality modality, String method, RunSpec spec) {
        return runsDir.resolve("student-" + modality.label() + "-" + method + "-seed" + spec.seed());
    }

    /** Trains (or reads back) the teacher of {@code modality}, printing progress. */
    public Run teacher(RgbdModality modality, RunSpec spec) {
        return teacher(modality, spec, new ProgressPrinter(teacherDir(modality, spec).getFileName().toString(),
                System.out));
    }

    /** Trains (or reads back) the teacher of {@code modality}, reporting to {@code listener}. */
    public Run teacher(RgbdModality modality, RunSpec spec, TrainingLoop.Listener listener) {
        Path dir = teacherDir(modality, spec);
        ResultFiles.claimRunDirectory(dir, config("teacher", modality, "", spec, null));
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationNet net = initialized(modality, spec.seed(), manager);
            SegmentationLoop.Objective objective = (store, batch, indices, epoch) -> new LossTerms().add("task", 1,
                    PixelCrossEntropy.evaluate(net.forward(store, new NDList(batch.input(modality)), true).get(0),
                            batch.labels()));
            SegmentationLoop.Predictors predictors = (store, batch) -> Map.of("head",
                    net.forward(store, new NDList(batch.input(modality)), false).get(0));
            return new Run(dir.getFileName().toString(), SegmentationLoop.run(net, objective, predictors, train,
                    validation, test, spec, augmentation, evaluationBatch, dir, manager, listener));
        }
    }

    /** Trains (or reads back) a student, printing progress; the other modality's teacher must have run. */
    public Run student(RgbdModality modality, String method, RunSpec spec, RunSpec teacherSpec) {
        return student(modality, method, spec, teacherSpec, new ProgressPrinter(
                studentDir(modality, method, spec).getFileName().toString(), System.out));
    }

    /**
     * Trains (or reads back) the student of {@code modality} taught with {@code method} by the frozen teacher
     * of the other modality (trained with {@code teacherSpec}), reporting to {@code listener}.
     */
    public Run student(RgbdModality modality, String method, RunSpec spec, RunSpec teacherSpec,
            TrainingLoop.Listener listener) {
        RgbdModality teacherModality = modality.other();
        Path dir = studentDir(modality, method, spec);
        ResultFiles.claimRunDirectory(dir, config("student", modality, method, spec, teacherSpec));
        try (NDManager manager = NDManager.newBaseManager()) {
            SegmentationNet net = backbone.build(modality, train.numClasses());
            DistillationMethod distillation = MethodRegistry.spec(method, FeatureLayout.MAP).create(net.getFeatureChannels(),
                    train.numClasses());
            SegmentationLoop.Objective terms;
            DistillationObjective objective;
            if (distillation.trainsTeacher()) {
                // C2KD: the teacher is a third child of the objective, trained on, checkpointed and resumed with it
                objective = DistillationObjective.coTrained(net, distillation,
                        backbone.build(teacherModality, train.numClasses()));
                Engine.getInstance().setRandomSeed((int) spec.seed());
                objective.initialize(manager, DataType.FLOAT32, inputShape(modality), inputShape(teacherModality));
                readTeacher(teacherModality, teacherSpec, in -> objective.loadTeacherParameters(manager, in));
                terms = (store, batch, indices, epoch) -> {
                    distillation.setEpoch(epoch);
                    return objective.evaluateCoTrained(store, batch.input(modality), batch.input(teacherModality),
                            batch.labels(), true);
                };
            } else {
                FrozenTeacher teacher = new FrozenTeacher(loadTeacher(teacherModality, teacherSpec, manager));
                objective = new DistillationObjective(net, distillation);
                Engine.getInstance().setRandomSeed((int) spec.seed());
                objective.initialize(manager, DataType.FLOAT32, inputShape(modality));
                terms = (store, batch, indices, epoch) -> {
                    distillation.setEpoch(epoch);
                    return objective.evaluate(store, batch.input(modality),
                            teacher.forward(batch.input(teacherModality)), batch.labels(), true);
                };
            }
            SegmentationLoop.Predictors predictors = (store, batch) -> {
                NetworkOutput out = NetworkOutput.of(net.forward(store, new NDList(batch.input(modality)), false));
                Map<String, NDArray> logits = new LinkedHashMap<>();
                logits.put("head", out.logits());
                logits.putAll(distillation.auxiliaryLogits(store, out, false));
                return logits;
            };
            return new Run(dir.getFileName().toString(), SegmentationLoop.run(objective, terms, predictors, train,
                    validation, test, spec, augmentation, evaluationBatch, dir, manager, listener));
        }
    }

    private Map<String, Object> config(String role, RgbdModality modality, String method, RunSpec spec,
            RunSpec teacherSpec) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("role", role);
        config.put("modality", modality.label());
        config.put("method", method);
        config.put("spec", spec);
        config.put("backbone", backbone);
        config.put("augmentation", augmentation);
        config.put("data", Map.of("train", train.toString(), "val", validation.toString(), "test", test.toString()));
        if (teacherSpec != null) {
            config.put("teacherSpec", teacherSpec);
        }
        return config;
    }

    private SegmentationNet initialized(RgbdModality modality, long seed, NDManager manager) {
        SegmentationNet net = backbone.build(modality, train.numClasses());
        Engine.getInstance().setRandomSeed((int) seed);
        net.initialize(manager, DataType.FLOAT32, inputShape(modality));
        return net;
    }

    private SegmentationNet loadTeacher(RgbdModality modality, RunSpec spec, NDManager manager) {
        SegmentationNet net = initialized(modality, 0, manager);
        readTeacher(modality, spec, in -> net.loadParameters(manager, in));
        return net;
    }

    /** Reads the trained teacher's {@code best.params} into {@code target}; the message says how to fix a failure. */
    private void readTeacher(RgbdModality modality, RunSpec spec, TrainingLoop.ParameterReader target) {
        TrainingLoop.readBestParameters(teacherDir(modality, spec), "the " + modality.label()
                + " teacher (SegmentationExperiment.teacher)", target);
    }

    private Shape inputShape(RgbdModality modality) {
        return new Shape(1, modality.channels(), augmentation.cropHeight(), augmentation.cropWidth());
    }
}
