package dev.cmkd.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.RgbdSplit;
import dev.cmkd.method.LossTerms;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.Checkpoint;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.NativeWork;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.SgdMomentum;
import dev.cmkd.train.TrainingLoop;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Trains one segmentation block for a {@link RunSpec} with the guarantees of {@link TrainingLoop}: after
 * every epoch the parameters, the optimizer's velocities and the records go atomically into {@link
 * Checkpoint} (and the parameters of the best validation epoch of the main predictor into {@code
 * best.params}); a run started again resumes after its last finished epoch; the data order and the
 * augmentation of epoch {@code e} depend only on the seed and {@code e}, so a resumed run repeats an
 * uninterrupted one. The difference is the data (RGB-D images with per-pixel labels, randomly cropped and
 * flipped) and the metric: every predictor is scored by mIoU (and pixel accuracy) on the full validation
 * and test images, void ignored ({@link ConfusionMatrix}).
 *
 * <p>{@code metrics.csv} has {@link TrainingLoop#metrics}'s columns, where {@code val_<predictor>} and {@code
 * test_<predictor>} are mIoU, plus {@code val_pixacc_<predictor>} and {@code test_pixacc_<predictor>}.
 */
public final class SegmentationLoop {

    /** The per-epoch metrics of a run. */
    public static final String METRICS = TrainingLoop.METRICS;
    /** The parameters of the epoch with the best validation mIoU of the main predictor. */
    public static final String BEST_PARAMETERS = TrainingLoop.BEST_PARAMETERS;

    /** NaN (a split without labelled pixels has no mIoU) must survive the checkpoint. */
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    /** The loss of one training batch. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Returns the loss terms of {@code batch} (augmented training images {@code indices}) at the 0-based
         * {@code epoch} (for methods whose loss changes during training, {@link
         * dev.cmkd.method.DistillationMethod#setEpoch}).
         */
        LossTerms terms(ParameterStore store, RgbdSplit.Batch batch, int[] indices, int epoch);
    }

    /** The segmenters to evaluate, by name; the first is the main one (model selection uses it). */
    @FunctionalInterface
    public interface Predictors {
        /** Returns each predictor's logits {@code [n, K, H, W]} for a batch of full images, in inference mode. */
        Map<String, NDArray> logits(ParameterStore store, RgbdSplit.Batch batch);
    }

    /**
     * One epoch: mIoU per predictor in {@code record}'s validation and test maps (so that {@link
     * dev.cmkd.experiment.RunOutcome}'s selection protocols apply unchanged), and pixel accuracy beside it.
     *
     * @param record the epoch's record, with mIoU as its "accuracy"
     * @param validationPixelAccuracy pixel accuracy per predictor on the validation split
     * @param testPixelAccuracy pixel accuracy per predictor on the test split
     */
    public record Epoch(EpochRecord record, Map<String, Double> validationPixelAccuracy,
            Map<String, Double> testPixelAccuracy) {}

    private SegmentationLoop() {}

    /**
     * Trains {@code trainable} (initialised, in {@code manager}) and returns every epoch, including those of an
     * interrupted earlier run in {@code runDir}.
     *
     * @param augmentation the training crop and flip
     * @param evaluationBatch images per evaluation batch
     */
    @SuppressWarnings("try") // the NativeWork guards are held, not used
    public static List<Epoch> run(Block trainable, Objective objective, Predictors predictors, RgbdSplit train,
            RgbdSplit validation, RgbdSplit test, RunSpec spec, Augmentation augmentation, int evaluationBatch,
            Path runDir, NDManager manager, TrainingLoop.Listener listener) {
        SgdMomentum optimizer = new SgdMomentum(trainable.getParameters(), spec.momentum());
        List<Epoch> epochs = NativeWork.call("resuming " + runDir.getFileName(),
                () -> resume(trainable, optimizer, runDir, manager));
        if (!epochs.isEmpty() && epochs.size() < spec.epochs()) {
            System.out.printf("resuming %s after epoch %d of %d%n", runDir, epochs.size(), spec.epochs());
        }
        ParameterStore store = new ParameterStore(manager, false);
        int batches = train.size() / spec.batchSize(); // the last partial batch is dropped, as in TrainingLoop
        if (batches == 0) {
            throw new IllegalArgumentException("training split " + train.name() + " has " + train.size()
                    + " images, fewer than one batch of " + spec.batchSize());
        }
        for (int epoch = epochs.size(); epoch < spec.epochs(); epoch++) {
            long start = System.nanoTime();
            double lr = spec.learningRateAt(epoch);
            int[] order = TrainingLoop.permutation(train.size(), spec.seed(), epoch);
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int b = 0; b < batches; b++) {
                int[] indices = Arrays.copyOfRange(order, b * spec.batchSize(), (b + 1) * spec.batchSize());
                SplittableRandom random = new SplittableRandom(spec.seed() * 1_000_003L + epoch * 65_537L + b);
                int at = epoch;
                try (NativeWork.Step guard = NativeWork.enter("a training batch of " + runDir.getFileName());
                        NDManager step = manager.newSubManager()) {
                    RgbdSplit.Batch batch = train.batch(step, indices, augmentation, random);
                    optimizer.minimize(lr, () -> objective.terms(store, batch, indices, at))
                            .forEach((name, value) -> sums.merge(name, value, Double::sum));
                }
                listener.onBatch(epoch, b, batches);
            }
            Map<String, Double> means = new LinkedHashMap<>();
            sums.forEach((name, sum) -> means.put(name, sum / batches));
            Map<String, ConfusionMatrix> onValidation = evaluate(predictors, validation, evaluationBatch, store,
                    manager);
            Map<String, ConfusionMatrix> onTest = evaluate(predictors, test, evaluationBatch, store, manager);
            Map<String, Double> validationMiou = scores(onValidation, true);
            EpochRecord record = new EpochRecord(epoch, lr, (System.nanoTime() - start) / 1e9, means, validationMiou,
                    scores(onTest, true));
            boolean best = epochs.stream().allMatch(e -> first(e.record().validation()) < first(validationMiou));
            epochs.add(new Epoch(record, scores(onValidation, false), scores(onTest, false)));
            try (NativeWork.Step guard = NativeWork.enter("the checkpoint of " + runDir.getFileName())) {
                if (best) {
                    ResultFiles.write(runDir.resolve(BEST_PARAMETERS), path -> {
                        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(path))) {
                            trainable.saveParameters(out);
                        }
                    });
                }
                Checkpoint.save(runDir, GSON.toJson(epochs), trainable, optimizer);
            }
            ResultFiles.writeCsv(metrics(epochs), runDir.resolve(METRICS));
            listener.onEpoch(record, spec.epochs());
        }
        return epochs;
    }

    /** Returns the confusion matrix of every predictor on {@code split}'s full images, in inference mode. */
    @SuppressWarnings("try")
    public static Map<String, ConfusionMatrix> evaluate(Predictors predictors, RgbdSplit split, int batchSize,
            ParameterStore store, NDManager manager) {
        Map<String, ConfusionMatrix> matrices = new LinkedHashMap<>();
        for (int from = 0; from < split.size(); from += batchSize) {
            int[] indices = IntStream.range(from, Math.min(split.size(), from + batchSize)).toArray();
            try (NativeWork.Step guard = NativeWork.enter("an evaluation batch on " + split.name());
                    NDManager step = manager.newSubManager()) {
                RgbdSplit.Batch batch = split.batch(step, indices);
                predictors.logits(store, batch).forEach((name, logits) -> matrices
                        .computeIfAbsent(name, n -> new ConfusionMatrix(split.numClasses()))
                        .add(logits, batch.labels()));
            }
        }
        return matrices;
    }

    /** Returns the records of {@code epochs} with pixel-accuracy columns added to {@link TrainingLoop#metrics}. */
    public static Table metrics(List<Epoch> epochs) {
        Table table = TrainingLoop.metrics(epochs.stream().map(Epoch::record).toList());
        for (String split : List.of("val", "test")) {
            Map<String, DoubleColumn> columns = new LinkedHashMap<>();
            for (Epoch epoch : epochs) {
                Map<String, Double> values = split.equals("val") ? epoch.validationPixelAccuracy()
                        : epoch.testPixelAccuracy();
                values.forEach((name, value) -> columns.computeIfAbsent(name, n ->
                        DoubleColumn.create(split + "_pixacc_" + n)).append(value));
            }
            columns.values().forEach(table::addColumns);
        }
        return table;
    }

    private static Map<String, Double> scores(Map<String, ConfusionMatrix> matrices, boolean meanIou) {
        Map<String, Double> scores = new LinkedHashMap<>();
        matrices.forEach((name, matrix) -> scores.put(name, meanIou ? matrix.meanIou() : matrix.pixelAccuracy()));
        return scores;
    }

    private static double first(Map<String, Double> values) {
        return values.values().iterator().next();
    }

    private static List<Epoch> resume(Block trainable, SgdMomentum optimizer, Path runDir, NDManager manager) {
        String json = Checkpoint.resume(runDir, trainable, optimizer, manager);
        if (json == null) {
            return new ArrayList<>();
        }
        List<Epoch> epochs = GSON.fromJson(json, new TypeToken<List<Epoch>>() {}.getType());
        return new ArrayList<>(epochs);
    }
}
