package dev.cmkd.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.NormalInitializer;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.LossTerms;
import dev.cmkd.testing.TinyNet;
import dev.cmkd.tour.SyntheticPairs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small training run in its own JVM, for {@link NativeWorkTest}: {@code NativeWorkChild RUN_DIR EPOCHS
 * [STALL_EPOCH]}. It trains a {@link TinyNet} on synthetic pairs with {@link TrainingLoop} (resuming from
 * RUN_DIR) and prints {@code done} at the end. With STALL_EPOCH, the second training batch of that (0-based)
 * epoch prints {@code in step}, stays 1.5 s inside its guarded step, then prints {@code step finished}: a
 * SIGTERM sent on {@code in step} lands inside a step for sure.
 */
public final class NativeWorkChild {

    private NativeWorkChild() {}

    public static void main(String[] args) {
        Path runDir = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        int stallEpoch = args.length > 2 ? Integer.parseInt(args[2]) : -1;
        SyntheticPairs data = new SyntheticPairs(4, 8, 1.0, 5);
        PairedSplit train = data.split("train", 256, 0);
        PairedSplit validation = data.split("val", 64, 1000);
        PairedSplit test = data.split("test", 64, 2000);
        try (NDManager manager = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(7);
            TinyNet net = new TinyNet(16, 4);
            net.setInitializer(new NormalInitializer(0.1f), ai.djl.nn.Parameter.Type.WEIGHT);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
            int[] batchInEpoch = {0};
            TrainingLoop.Objective objective = (store, batch, indices, epoch) -> {
                if (epoch == stallEpoch && ++batchInEpoch[0] == 2) {
                    System.out.println("in step");
                    System.out.flush();
                    sleep(1500);
                    System.out.println("step finished");
                    System.out.flush();
                }
                return new LossTerms().add("task", 1, LossFunctions.crossEntropy(
                        net.forward(store, new NDList(batch.input(0).flatten(1, -1)), true).head(), batch.labels()));
            };
            TrainingLoop.Predictors predictors = (store, batch) -> Map.of("head",
                    net.forward(store, new NDList(batch.input(0).flatten(1, -1)), false).head());
            RunSpec spec = new RunSpec(epochs, 32, 0.05, 1e-4, 0.9, 0.9, 1);
            try (RunDirectory run = RunDirectory.claim(runDir, Map.of("run", "NativeWorkChild", "epochs", epochs))) {
                List<EpochRecord> records = TrainingLoop.run(net, objective, predictors, train,
                        new TrainingLoop.Evaluation(Evaluator.accuracy(), validation, test, spec.batchSize()), spec,
                        run, manager, new TrainingLoop.Listener() {
                            @Override
                            public void onEpoch(EpochRecord record, int total) {
                                System.out.println("epoch " + (record.epoch() + 1) + " of " + total + " finished");
                                System.out.flush();
                            }
                        });
                System.out.println("done: " + records.size() + " epochs");
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
