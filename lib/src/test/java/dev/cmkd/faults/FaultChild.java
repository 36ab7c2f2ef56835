package dev.cmkd.faults;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.cmkd.data.DatasetException;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.LossTerms;
import dev.cmkd.testing.TinyNet;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.Evaluator;
import dev.cmkd.train.RunDirectory;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small training run in its own JVM, for the suite's process-level faults: {@code FaultChild RUN_DIR EPOCHS
 * HIDDEN SLEEP_MS}. It claims RUN_DIR (printing {@code claimed <pid>}), trains a {@link TinyNet} with HIDDEN
 * features on synthetic pairs with {@link TrainingLoop} (resuming), sleeping SLEEP_MS in every training batch (a
 * slow job for the concurrency case; the sleep changes no number), prints {@code epoch k of n finished} after each
 * commit and {@code done: n epochs} at the end. A wide HIDDEN makes the checkpoint large, so that commits take a
 * noticeable share of the run (kills land in them) or fill a small disk. An expected error (a run directory
 * refused, damaged or on a full disk) prints its one-line message on standard error and exits with status 2, as
 * the command line does ({@link dev.cmkd.cli.Cli}).
 */
public final class FaultChild {

    private FaultChild() {}

    public static void main(String[] args) {
        Path runDir = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        int hidden = Integer.parseInt(args[2]);
        long sleep = Long.parseLong(args[3]);
        try {
            System.out.println("done: " + train(runDir, epochs, hidden, sleep).size() + " epochs");
        } catch (RunDirectoryException | DatasetException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    static List<EpochRecord> train(Path runDir, int epochs, int hidden, long sleep) {
        SyntheticPairs data = new SyntheticPairs(4, 8, 1.0, 5);
        PairedSplit train = data.split("train", 256, 0);
        PairedSplit validation = data.split("val", 64, 1000);
        PairedSplit test = data.split("test", 64, 2000);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            TinyNet net = new TinyNet(hidden, 4);
            net.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 64));
            TrainingLoop.Objective objective = (store, batch, indices, epoch) -> {
                if (sleep > 0) {
                    sleep(sleep);
                }
                return new LossTerms().add("task", 1, LossFunctions.crossEntropy(net.forward(store, new NDList(
                        batch.input(0).flatten(1, -1)), true).head(), batch.labels()));
            };
            TrainingLoop.Predictors predictors = (store, batch) -> Map.of("head", net.forward(store, new NDList(
                    batch.input(0).flatten(1, -1)), false).head());
            RunSpec spec = new RunSpec(epochs, 32, 0.05, 1e-4, 0.9, 0.9, 1);
            try (RunDirectory run = RunDirectory.claim(runDir, Map.of("run", "FaultChild", "epochs", epochs,
                    "hidden", hidden))) {
                System.out.println("claimed " + ProcessHandle.current().pid());
                System.out.flush();
                return TrainingLoop.run(net, objective, predictors, train, new TrainingLoop.Evaluation(
                        Evaluator.accuracy(), validation, test, spec.batchSize()), spec, run, manager,
                        new TrainingLoop.Listener() {
                            @Override
                            public void onEpoch(EpochRecord record, int total) {
                                System.out.println("epoch " + (record.epoch() + 1) + " of " + total + " finished");
                                System.out.flush();
                            }
                        });
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
