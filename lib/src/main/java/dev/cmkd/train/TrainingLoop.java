package dev.cmkd.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.cmkd.data.BatchSource;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.method.LossTerms;
import dev.cmkd.results.ResultFiles;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains one block for a {@link RunSpec}, epoch by epoch, and measures every predictor on the validation
 * and test splits after each epoch. Nothing is lost: after each epoch the parameters, the optimizer's
 * velocities and the records so far go atomically into {@code checkpoint.bin} (and the parameters of the
 * best validation epoch into {@code best.params}); a run started again on the same directory resumes
 * after the last finished epoch. The data order of epoch {@code e} depends only on the seed and {@code
 * e}, so a resumed run repeats an uninterrupted one.
 */
public final class TrainingLoop {

    /** The file holding the state after the last finished epoch. */
    public static final String CHECKPOINT = Checkpoint.FILE;
    /** The per-epoch metrics of a run: learning rate, time, mean loss terms, accuracies. */
    public static final String METRICS = "metrics.csv";
    /** The parameters of the epoch with the best validation accuracy of the main predictor. */
    public static final String BEST_PARAMETERS = "best.params";

    private static final Gson GSON = new Gson();

    /** The loss of one batch. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Returns the loss terms of the samples {@code indices} of the training split, given as {@code batch}, in
         * the 0-based epoch {@code epoch} (for objectives that change during training, such as DKD's warm-up).
         */
        LossTerms terms(ParameterStore store, PairedSplit.Batch batch, int[] indices, int epoch);
    }

    /** The classifiers to evaluate, by name; the first is the main one (model selection uses it). */
    @FunctionalInterface
    public interface Predictors {
        /** Returns each predictor's logits {@code [n, C]} for a batch, in inference mode. */
        Map<String, NDArray> logits(ParameterStore store, PairedSplit.Batch batch);
    }

    /** Progress callbacks; an exception thrown here stops the run (tests use it to interrupt). */
    public interface Listener {
        /** After each training batch. */
        default void onBatch(int epoch, int batch, int batches) {}

        /** After each epoch, once its checkpoint is written. */
        default void onEpoch(EpochRecord record, int epochs) {}
    }

    private TrainingLoop() {}

    /**
     * Trains {@code trainable} (initialised, in {@code manager}) and returns the records of all epochs,
     * including those of a previous interrupted run in {@code runDir}.
     */
    @SuppressWarnings("try") // the NativeWork guards are held, not used
    public static List<EpochRecord> run(Block trainable, Objective objective, Predictors predictors,
            BatchSource train, BatchSource validation, BatchSource test, RunSpec spec, Path runDir,
            NDManager manager, Listener listener) {
        SgdMomentum optimizer = new SgdMomentum(trainable.getParameters(), spec.momentum());
        List<EpochRecord> records = NativeWork.call("resuming " + runDir.getFileName(),
                () -> resume(trainable, optimizer, runDir, manager));
        if (!records.isEmpty() && records.size() < spec.epochs()) {
            System.out.printf("resuming %s after epoch %d of %d%n", runDir, records.size(), spec.epochs());
        }
        ParameterStore store = new ParameterStore(manager, false);
        int batches = train.size() / spec.batchSize(); // the last partial batch is dropped, as in the released code
        if (batches == 0) {
            throw new IllegalArgumentException("training split " + train.name() + " has " + train.size()
                    + " samples, fewer than one batch of " + spec.batchSize());
        }
        for (int epoch = records.size(); epoch < spec.epochs(); epoch++) {
            long start = System.nanoTime();
            double lr = spec.learningRateAt(epoch);
            int[] order = permutation(train.size(), spec.seed(), epoch);
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int b = 0; b < batches; b++) {
                int[] indices = java.util.Arrays.copyOfRange(order, b * spec.batchSize(), (b + 1) * spec.batchSize());
                try (NativeWork.Step guard = NativeWork.enter("a training batch of " + runDir.getFileName());
                        NDManager step = manager.newSubManager()) {
                    PairedSplit.Batch batch = train.batch(step, indices, epoch);
                    int at = epoch;
                    optimizer.minimize(lr, () -> objective.terms(store, batch, indices, at))
                            .forEach((name, value) -> sums.merge(name, value, Double::sum));
                }
                listener.onBatch(epoch, b, batches);
            }
            Map<String, Double> means = new LinkedHashMap<>();
            sums.forEach((name, sum) -> means.put(name, sum / batches));
            Map<String, Double> validationAccuracy = accuracy(predictors, validation, store, manager,
                    spec.batchSize());
            Map<String, Double> testAccuracy = accuracy(predictors, test, store, manager, spec.batchSize());
            EpochRecord record = new EpochRecord(epoch, lr, (System.nanoTime() - start) / 1e9, means,
                    validationAccuracy, testAccuracy);
            boolean best = records.stream().allMatch(r -> first(r.validation()) < first(validationAccuracy));
            records.add(record);
            try (NativeWork.Step guard = NativeWork.enter("the checkpoint of " + runDir.getFileName())) {
                if (best) {
                    ResultFiles.write(runDir.resolve(BEST_PARAMETERS), path -> {
                        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(path))) {
                            trainable.saveParameters(out);
                        }
                    });
                }
                save(trainable, optimizer, records, runDir);
            }
            ResultFiles.writeCsv(metrics(records), runDir.resolve(METRICS));
            listener.onEpoch(record, spec.epochs());
        }
        return records;
    }

    /**
     * Returns the records as a table, one row per epoch: {@code epoch} (from 1), {@code learning_rate},
     * {@code seconds}, {@code train_<term>} (mean over the epoch's batches), {@code val_<predictor>} and
     * {@code test_<predictor>} (accuracy).
     */
    public static Table metrics(List<EpochRecord> records) {
        Table table = Table.create("metrics", IntColumn.create("epoch"), DoubleColumn.create("learning_rate"),
                DoubleColumn.create("seconds"));
        for (EpochRecord record : records) {
            table.intColumn("epoch").append(record.epoch() + 1);
            table.doubleColumn("learning_rate").append(record.learningRate());
            table.doubleColumn("seconds").append(record.seconds());
            appendAll(table, "train_", record.trainTerms());
            appendAll(table, "val_", record.validation());
            appendAll(table, "test_", record.test());
        }
        return table;
    }

    private static void appendAll(Table table, String prefix, Map<String, Double> values) {
        values.forEach((name, value) -> {
            String column = prefix + name;
            if (!table.containsColumn(column)) {
                table.addColumns(DoubleColumn.create(column, table.rowCount() - 1));
            }
            table.doubleColumn(column).append(value);
        });
    }

    /** Reads parameters from a stream: a block's, or an objective's that holds a teacher. */
    @FunctionalInterface
    public interface ParameterReader {
        /** Reads the parameters in {@code in}. */
        void read(DataInputStream in) throws IOException, MalformedModelException;
    }

    /**
     * Reads the {@link #BEST_PARAMETERS} of the finished run in {@code runDir} with {@code reader}.
     *
     * @param trainFirst what to run when there are none, e.g. {@code "the audio teacher (PairedExperiment.teacher)"}
     * @throws IllegalStateException saying to train that run first, or to delete and retrain an unreadable one
     */
    public static void readBestParameters(Path runDir, String trainFirst, ParameterReader reader) {
        Path parameters = runDir.resolve(BEST_PARAMETERS);
        if (!Files.exists(parameters)) {
            throw new IllegalStateException("no trained parameters at " + parameters + ": train " + trainFirst
                    + " first");
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(parameters))) {
            reader.read(in);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("cannot read " + parameters + ": " + e.getMessage() + "; delete "
                    + runDir + " and train it again", e);
        }
    }

    /**
     * Returns accuracy per predictor on {@code split}, in inference mode, {@code batchSize} samples at a time.
     * {@link #run} evaluates at the training batch size: the engine keeps a batch's intermediate arrays until the
     * batch is done, so a larger evaluation batch can need more memory than training (CREMA-D's 257 x 1004
     * spectrograms through ResNet-18 took about 0.19 GB per evaluated sample on CPU: 14 GB at 64 a batch).
     */
    @SuppressWarnings("try")
    public static Map<String, Double> accuracy(Predictors predictors, BatchSource split, ParameterStore store,
            NDManager manager, int batchSize) {
        Map<String, Double> correct = new LinkedHashMap<>();
        for (int from = 0; from < split.size(); from += batchSize) {
            int[] indices = java.util.stream.IntStream.range(from, Math.min(split.size(), from + batchSize))
                    .toArray();
            try (NativeWork.Step guard = NativeWork.enter("an evaluation batch on " + split.name());
                    NDManager step = manager.newSubManager()) {
                PairedSplit.Batch batch = split.batch(step, indices, 0);
                for (Map.Entry<String, NDArray> entry : predictors.logits(store, batch).entrySet()) {
                    double hits = entry.getValue().argMax(1).toType(DataType.INT64, false).eq(batch.labels())
                            .toType(DataType.FLOAT64, false).sum().getDouble();
                    correct.merge(entry.getKey(), hits, Double::sum);
                }
            }
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        correct.forEach((name, hits) -> accuracy.put(name, hits / split.size()));
        return accuracy;
    }

    /** Returns a permutation of {@code 0..n-1} that depends only on {@code seed} and {@code epoch}. */
    public static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static double first(Map<String, Double> values) {
        return values.values().iterator().next();
    }

    private static void save(Block trainable, SgdMomentum optimizer, List<EpochRecord> records, Path runDir) {
        Checkpoint.save(runDir, GSON.toJson(records), trainable, optimizer);
    }

    private static List<EpochRecord> resume(Block trainable, SgdMomentum optimizer, Path runDir, NDManager manager) {
        String json = Checkpoint.resume(runDir, trainable, optimizer, manager);
        if (json == null) {
            return new ArrayList<>();
        }
        List<EpochRecord> records = GSON.fromJson(json, new TypeToken<List<EpochRecord>>() {}.getType());
        return new ArrayList<>(records);
    }
}
