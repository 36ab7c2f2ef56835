package dev.cmkd.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import dev.cmkd.method.LossTerms;
import dev.cmkd.results.ResultFiles;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Trains one block for a {@link RunSpec}, epoch by epoch, and scores every predictor on the validation and test
 * splits after each epoch with the task's {@link Evaluator} (accuracy, or mIoU and pixel accuracy). Nothing is lost:
 * each epoch is one commit of the {@link RunDirectory}: the records ({@code metrics.csv}), the parameters of the best
 * validation epoch (of the main predictor, by the evaluator's first metric; {@code best.params}) and the parameters,
 * the optimizer's velocities and the records ({@code checkpoint.bin}); a run started again on the same directory
 * resumes after the last committed epoch, from a checkpoint checked against its digest. The data order of epoch
 * {@code e} depends only on the seed and {@code e} (and random views on the seed, {@code e} and the sample, {@link
 * BatchSource}), so a resumed run repeats an uninterrupted one.
 */
public final class TrainingLoop {

    /** The file holding the state after the last finished epoch. */
    public static final String CHECKPOINT = Checkpoint.FILE;
    /** The per-epoch metrics of a run: learning rate, time, mean loss terms, the evaluator's metrics. */
    public static final String METRICS = "metrics.csv";
    /** The parameters of the epoch with the best validation score of the main predictor. */
    public static final String BEST_PARAMETERS = "best.params";

    /** NaN (a split without labelled pixels has no mIoU) must survive the checkpoint. */
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    /** The loss of one batch. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Returns the loss terms of the samples {@code indices} of the training split, given as {@code batch}, in
         * the 0-based epoch {@code epoch} (for objectives that change during training, such as DKD's warm-up).
         */
        LossTerms terms(ParameterStore store, Batch batch, int[] indices, int epoch);
    }

    /** The classifiers to evaluate, by name; the first is the main one (model selection uses it). */
    @FunctionalInterface
    public interface Predictors {
        /** Returns each predictor's logits ({@code [n, C]}, or {@code [n, K, H, W]}) for a batch, in inference mode. */
        Map<String, NDArray> logits(ParameterStore store, Batch batch);
    }

    /** Progress callbacks; an exception thrown here stops the run (tests use it to interrupt). */
    public interface Listener {
        /** After each training batch. */
        default void onBatch(int epoch, int batch, int batches) {}

        /** After each epoch, once its checkpoint is written. */
        default void onEpoch(EpochRecord record, int epochs) {}
    }

    /**
     * How the predictors are scored.
     *
     * @param evaluator the metrics
     * @param validation the split that selects the best epoch
     * @param test the split reported
     * @param batchSize samples per evaluation batch: the engine keeps a batch's intermediate arrays until the batch
     *     is done, so a larger evaluation batch than the training one can need more memory than training (CREMA-D's
     *     257 x 1004 spectrograms through ResNet-18 took about 0.19 GB per evaluated sample on CPU)
     */
    public record Evaluation(Evaluator evaluator, BatchSource validation, BatchSource test, int batchSize) {}

    private TrainingLoop() {}

    /**
     * Trains {@code trainable} (initialised, in {@code manager}) and returns the records of all epochs, including
     * those of earlier sessions of the run. Every native step (a training batch, an evaluation batch, the commit,
     * the resume) runs under {@link NativeWork}, so that a SIGTERM lets the step finish before the process exits.
     *
     * @throws NonFiniteLossException when a loss term is NaN or infinite: the run stops before committing that
     *     epoch, so its last commit stays as it was
     */
    @SuppressWarnings("try") // the NativeWork guards are held, not used
    public static List<EpochRecord> run(Block trainable, Objective objective, Predictors predictors,
            BatchSource train, Evaluation evaluation, RunSpec spec, RunDirectory run, NDManager manager,
            Listener listener) {
        String name = run.dir().getFileName().toString();
        SgdMomentum optimizer = new SgdMomentum(trainable.getParameters(), spec.momentum());
        List<EpochRecord> records = NativeWork.call("resuming " + name, () -> resume(trainable, optimizer, run,
                manager));
        if (!records.isEmpty() && records.size() < spec.epochs()) {
            System.out.printf("resuming %s after epoch %d of %d%n", run.dir(), records.size(), spec.epochs());
        }
        if (!records.isEmpty() && records.size() == run.epochs() && !run.matches(METRICS)) {
            System.err.printf("%s: %s did not match the manifest; rewritten from the checkpoint%n", run.dir(),
                    METRICS);
            run.commit(records.size(), Map.of(METRICS, metricsWriter(records)));
        }
        ParameterStore store = new ParameterStore(manager, false);
        // the last partial batch is dropped (our choice: every step sees a full batch, and batch norm never sees a
        // batch of one); the released code's DataLoader keeps it (drop_last=False), one smaller step per epoch
        int batches = train.size() / spec.batchSize();
        if (batches == 0) {
            throw new IllegalArgumentException("training split " + train.name() + " has " + train.size()
                    + " samples, fewer than one batch of " + spec.batchSize());
        }
        for (int epoch = records.size(); epoch < spec.epochs(); epoch++) {
            long start = System.nanoTime();
            double lr = spec.learningRateAt(epoch);
            int[] order = permutation(train.size(), spec.seed(), epoch);
            List<int[]> epochBatches = new ArrayList<>(batches);
            for (int b = 0; b < batches; b++) {
                epochBatches.add(Arrays.copyOfRange(order, b * spec.batchSize(), (b + 1) * spec.batchSize()));
            }
            train.willRead(epoch, epochBatches); // a prefetching source starts building them
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int b = 0; b < batches; b++) {
                int[] indices = epochBatches.get(b);
                Map<String, Double> terms;
                try (NativeWork.Step guard = NativeWork.enter("a training batch of " + name);
                        NDManager step = manager.newSubManager()) {
                    Batch batch = train.batch(step, indices, epoch);
                    int at = epoch;
                    terms = optimizer.minimize(lr, () -> objective.terms(store, batch, indices, at));
                }
                for (Map.Entry<String, Double> term : terms.entrySet()) {
                    if (!Double.isFinite(term.getValue())) {
                        throw new NonFiniteLossException(name, epoch, b, term.getKey(), term.getValue(), records);
                    }
                    sums.merge(term.getKey(), term.getValue(), Double::sum);
                }
                listener.onBatch(epoch, b, batches);
            }
            Map<String, Double> means = new LinkedHashMap<>();
            sums.forEach((term, sum) -> means.put(term, sum / batches));
            Map<String, double[]> validation = score(predictors, evaluation, evaluation.validation(), store, manager);
            Map<String, double[]> test = evaluation.test() == evaluation.validation() ? validation // selected on test
                    : score(predictors, evaluation, evaluation.test(), store, manager);
            Map<String, Map<String, Double>> others = new LinkedHashMap<>();
            List<String> metrics = evaluation.evaluator().metrics();
            for (int k = 1; k < metrics.size(); k++) {
                others.put("val_" + metrics.get(k), metric(validation, k));
                others.put("test_" + metrics.get(k), metric(test, k));
            }
            EpochRecord record = new EpochRecord(epoch, lr, (System.nanoTime() - start) / 1e9, means,
                    metric(validation, 0), metric(test, 0), others);
            boolean best = records.stream().allMatch(r -> first(r.validation()) < first(record.validation()));
            records.add(record);
            Map<String, ResultFiles.Writer> files = new LinkedHashMap<>();
            String json = GSON.toJson(records);
            files.put(CHECKPOINT, path -> Checkpoint.save(path, json, trainable, optimizer));
            files.put(METRICS, metricsWriter(records));
            if (best) {
                files.put(BEST_PARAMETERS, path -> {
                    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                            Files.newOutputStream(path)))) {
                        trainable.saveParameters(out);
                    }
                });
            }
            try (NativeWork.Step guard = NativeWork.enter("the commit of " + name)) {
                run.commit(records.size(), files);
            }
            listener.onEpoch(record, spec.epochs());
        }
        return records;
    }

    private static ResultFiles.Writer metricsWriter(List<EpochRecord> records) {
        Table table = metrics(records);
        return path -> table.write().csv(path.toFile());
    }

    /**
     * Returns the records as a table, one row per epoch: {@code epoch} (from 1), {@code learning_rate}, {@code
     * seconds}, {@code train_<term>} (mean over the epoch's batches), {@code val_<predictor>} and {@code
     * test_<predictor>} (the selecting metric), then {@code val_<metric>_<predictor>} and {@code
     * test_<metric>_<predictor>} for the evaluator's other metrics. A value an epoch lacks is missing.
     */
    public static Table metrics(List<EpochRecord> records) {
        Map<String, Function<EpochRecord, Map<String, Double>>> groups = new LinkedHashMap<>();
        groups.put("train_", EpochRecord::trainTerms);
        groups.put("val_", EpochRecord::validation);
        groups.put("test_", EpochRecord::test);
        for (EpochRecord record : records) {
            record.otherMetrics().keySet().forEach(key -> groups.putIfAbsent(key + "_",
                    r -> r.otherMetrics().getOrDefault(key, Map.of())));
        }
        Table table = Table.create("metrics", IntColumn.create("epoch", records.stream().mapToInt(r -> r.epoch() + 1)
                .toArray()), DoubleColumn.create("learning_rate", records.stream()
                        .mapToDouble(EpochRecord::learningRate)), DoubleColumn.create("seconds", records.stream()
                                .mapToDouble(EpochRecord::seconds)));
        groups.forEach((prefix, values) -> {
            Set<String> names = new LinkedHashSet<>();
            records.forEach(record -> names.addAll(values.apply(record).keySet()));
            for (String name : names) {
                table.addColumns(DoubleColumn.create(prefix + name, records.stream().mapToDouble(record ->
                        values.apply(record).getOrDefault(name, Double.NaN))));
            }
        });
        return table;
    }

    /** Reads parameters from a stream: a block's, or an objective's that holds a teacher. */
    @FunctionalInterface
    public interface ParameterReader {
        /** Reads the parameters in {@code in}. */
        void read(DataInputStream in) throws IOException, MalformedModelException;
    }

    /**
     * Reads the {@link #BEST_PARAMETERS} of the run in {@code runDir}, which must have finished {@code epochs}
     * epochs, with {@code reader}, after checking them against the run's manifest ({@link RunDirectory#readFinished}).
     *
     * @param trainFirst what trains that run, e.g. {@code "the audio teacher"}
     * @throws RunDirectoryException saying to train that run first, or to delete and retrain a damaged one
     */
    public static void readBestParameters(Path runDir, int epochs, String trainFirst, ParameterReader reader) {
        RunDirectory.readFinished(runDir, epochs, trainFirst, BEST_PARAMETERS, file -> {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                reader.read(in);
            }
        });
    }

    /**
     * Returns each predictor's metrics ({@link Evaluator#metrics()} order) on {@code split}, in inference mode,
     * {@code evaluation.batchSize()} samples at a time.
     */
    @SuppressWarnings("try")
    public static Map<String, double[]> score(Predictors predictors, Evaluation evaluation, BatchSource split,
            ParameterStore store, NDManager manager) {
        Map<String, Evaluator.Tally> tallies = new LinkedHashMap<>();
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < split.size(); from += evaluation.batchSize()) {
            batches.add(IntStream.range(from, Math.min(split.size(), from + evaluation.batchSize())).toArray());
        }
        split.willRead(0, batches); // a prefetching source starts building them
        for (int[] indices : batches) {
            try (NativeWork.Step guard = NativeWork.enter("an evaluation batch on " + split.name());
                    NDManager step = manager.newSubManager()) {
                Batch batch = split.batch(step, indices, 0);
                predictors.logits(store, batch).forEach((name, logits) -> tallies.computeIfAbsent(name,
                        n -> evaluation.evaluator().tally()).add(logits, batch.labels()));
            }
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        tallies.forEach((name, tally) -> scores.put(name, tally.values()));
        return scores;
    }

    /** Returns a permutation of {@code 0..n-1} that depends only on {@code seed} and {@code epoch}. */
    public static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        int[] order = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static Map<String, Double> metric(Map<String, double[]> scores, int k) {
        Map<String, Double> values = new LinkedHashMap<>();
        scores.forEach((name, metrics) -> values.put(name, metrics[k]));
        return values;
    }

    private static double first(Map<String, Double> values) {
        return values.values().iterator().next();
    }

    private static List<EpochRecord> resume(Block trainable, SgdMomentum optimizer, RunDirectory run,
            NDManager manager) {
        Path checkpoint = run.checkpoint();
        List<EpochRecord> records = new ArrayList<>();
        if (checkpoint == null) {
            return records;
        }
        String json = Checkpoint.resume(checkpoint, trainable, optimizer, manager);
        try {
            for (JsonElement element : JsonParser.parseString(json).getAsJsonArray()) {
                records.add(GSON.fromJson(element, EpochRecord.class));
            }
        } catch (RuntimeException e) {
            throw new RunDirectoryException("cannot read the records in " + checkpoint + ": " + RunDirectory.describe(e)
                    + "; fix: delete " + run.dir() + " to train the run again", e);
        }
        return records;
    }
}
