package dev.cmkd.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import dev.cmkd.data.Splits;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.train.Evaluator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The authors' protocol end to end ({@code -Dfdcmkd.paperProtocol=true}), a task that wraps another. The released
 * code trains on the whole training split (no validation carve), keeps each teacher at its best <i>test</i> epoch and
 * reports a student by the best test accuracy of any of its heads at any epoch. As a task:
 *
 * <pre>
 *   train      = the task's training split followed by its validation split
 *   validation = test   (every epoch's "best validation" is its best test epoch)
 *   test       = test
 * </pre>
 *
 * so each teacher's best-validation parameters, which its students read, are those of its best test epoch, and a
 * student's {@code paperBestTest} ({@link RunOutcome}) is the authors' number. Numbers selected on the test split
 * are optimistic by construction: the kit reports them beside its held-out protocol (train, select on validation,
 * report test), in their own output folder, so that the gap between the two can be read.
 */
public final class PaperProtocol implements Task {

    /** What the rows of runs under this protocol add to their {@code data}, so that no table mistakes them. */
    public static final String DATA_SUFFIX = " (paper protocol: selected on test)";

    private final Task task;

    private PaperProtocol(Task task) {
        this.task = task;
    }

    /** Returns {@code task} under the authors' protocol. */
    public static Task of(Task task) {
        return new PaperProtocol(task);
    }

    @Override
    public Splits splits(long seed) {
        Splits splits = task.splits(seed);
        return new Splits(new Joined(splits.train(), splits.validation()), splits.test(), splits.test());
    }

    @Override
    public Map<String, Object> identity() {
        Map<String, Object> identity = new LinkedHashMap<>(task.identity());
        identity.put("protocol", "paper: trained on train + validation, selected on test");
        return identity;
    }

    @Override
    public String name() {
        return task.name();
    }

    @Override
    public String data() {
        return task.data() + DATA_SUFFIX;
    }

    @Override
    public List<String> modalities() {
        return task.modalities();
    }

    @Override
    public int numClasses() {
        return task.numClasses();
    }

    @Override
    public Block network(String modality) {
        return task.network(modality);
    }

    @Override
    public Shape inputShape(String modality) {
        return task.inputShape(modality);
    }

    @Override
    public int featureDim() {
        return task.featureDim();
    }

    @Override
    public FeatureLayout layout() {
        return task.layout();
    }

    @Override
    public Evaluator evaluator() {
        return task.evaluator();
    }

    @Override
    public int evaluationBatch(int trainingBatch) {
        return task.evaluationBatch(trainingBatch);
    }

    /**
     * Two splits read as one: sample {@code i} is {@code first}'s for {@code i < first.size()}, else {@code
     * second}'s sample {@code i - first.size()}. A batch that mixes both is read as two and its rows put back in the
     * order of the indices asked for.
     */
    static final class Joined implements BatchSource {

        private final BatchSource first;
        private final BatchSource second;

        Joined(BatchSource first, BatchSource second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public String name() {
            return first.name() + "+" + second.name();
        }

        @Override
        public int size() {
            return first.size() + second.size();
        }

        @Override
        public boolean randomViews() {
            return first.randomViews() || second.randomViews();
        }

        @Override
        public boolean inMemory() {
            return first.inMemory() && second.inMemory();
        }

        @Override
        public Batch batch(NDManager manager, int[] indices, int epoch) {
            int split = first.size();
            int[] fromFirst = IntStream.of(indices).filter(i -> i < split).toArray();
            int[] fromSecond = IntStream.of(indices).filter(i -> i >= split).map(i -> i - split).toArray();
            if (fromSecond.length == 0) {
                return first.batch(manager, fromFirst, epoch);
            }
            if (fromFirst.length == 0) {
                return second.batch(manager, fromSecond, epoch);
            }
            Batch a = first.batch(manager, fromFirst, epoch);
            Batch b = second.batch(manager, fromSecond, epoch);
            // row r of the concatenation: the r-th index from first, then the ones from second; undo that order
            long[] rows = new long[indices.length];
            int nextFirst = 0;
            int nextSecond = fromFirst.length;
            for (int p = 0; p < indices.length; p++) {
                rows[p] = indices[p] < split ? nextFirst++ : nextSecond++;
            }
            NDArray order = manager.create(rows);
            List<NDArray> inputs = new ArrayList<>();
            for (int m = 0; m < a.inputs().size(); m++) {
                inputs.add(inOrder(a.input(m), b.input(m), order));
            }
            return new Batch(inputs, inOrder(a.labels(), b.labels(), order));
        }

        private static NDArray inOrder(NDArray a, NDArray b, NDArray order) {
            return NDArrays.concat(new NDList(a, b)).get(new NDIndex("{}", order));
        }
    }
}
