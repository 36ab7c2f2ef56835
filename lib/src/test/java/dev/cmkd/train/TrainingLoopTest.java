package dev.cmkd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.LossTerms;
import dev.cmkd.tour.SyntheticPairs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's evaluation never takes more samples at once than a training batch. */
class TrainingLoopTest {

    /** A split that records how many samples each request takes. */
    private record Recording(PairedSplit split, List<Integer> sizes) implements BatchSource {
        @Override
        public String name() {
            return split.name();
        }

        @Override
        public int size() {
            return split.size();
        }

        @Override
        public Batch batch(NDManager manager, int[] indices, int epoch) {
            sizes.add(indices.length);
            return split.batch(manager, indices, epoch);
        }
    }

    @Test
    void evaluatesAtMostOneTrainingBatchAtATime(@TempDir Path dir) {
        SyntheticPairs data = new SyntheticPairs(4, 8, 1.0, 5);
        Recording train = new Recording(data.split("train", 40, 0), new ArrayList<>());
        Recording validation = new Recording(data.split("val", 300, 1000), new ArrayList<>());
        Recording test = new Recording(data.split("test", 30, 2000), new ArrayList<>());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block linear = Linear.builder().setUnits(4).build();
            linear.setInitializer(new NormalInitializer(0.1f), ai.djl.nn.Parameter.Type.WEIGHT);
            Shape input = train.split().sampleShape(0);
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, input.size()));
            TrainingLoop.Objective objective = (store, batch, indices, epoch) -> new LossTerms().add("task", 1,
                    LossFunctions.crossEntropy(linear.forward(store, new NDList(batch.input(0).flatten(1, -1)), true)
                            .singletonOrThrow(), batch.labels()));
            TrainingLoop.Predictors predictors = (store, batch) -> Map.of("head",
                    linear.forward(store, new NDList(batch.input(0).flatten(1, -1)), false).singletonOrThrow());
            RunSpec spec = new RunSpec(1, 8, 0.05, 1e-4, 0.9, 0.9, 1);
            try (RunDirectory run = RunDirectory.claim(dir, Map.of("run", "evaluation batches"))) {
                List<EpochRecord> records = TrainingLoop.run(linear, objective, predictors, train,
                        new TrainingLoop.Evaluation(Evaluator.accuracy(), validation, test, spec.batchSize()), spec,
                        run, manager, new TrainingLoop.Listener() {});
                assertEquals(1, records.size());
            }
        }
        assertEquals(List.of(8, 8, 8, 8, 8), train.sizes());
        assertTrue(validation.sizes().stream().allMatch(size -> size <= 8), validation.sizes().toString());
        assertEquals(300, validation.sizes().stream().mapToInt(Integer::intValue).sum());
        assertEquals(List.of(8, 8, 8, 6), test.sizes());
    }
}
