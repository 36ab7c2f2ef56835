package dev.cmkd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.Splits;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.experiment.PairedTask;
import dev.cmkd.experiment.Protocol;
import dev.cmkd.faults.FaultTable.Outcome;
import dev.cmkd.faults.Faults.Captured;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.AbstractMethod;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.model.FeaturePoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/**
 * A loss that becomes NaN at epoch 2 ends its run, not the job ({@link dev.cmkd.train.NonFiniteLossException}):
 * through {@link Protocol#run} over two seeds, seed 1's teacher sees NaN inputs from its 7th training batch (epoch
 * 2), and a student method returns a NaN term at epoch 2. The failed runs and the students of the failed teacher
 * must read {@code failed: ...} in the results, naming run, epoch and term; every other run must finish; the
 * summary must leave the failed runs out.
 */
class NonFiniteLossFaultsTest {

    private static final FaultTable TABLE = new FaultTable(NonFiniteLossFaultsTest.class);
    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final NetworkConfig TINY = new NetworkConfig(8, new int[] {1, 1}, true, FeaturePoint.POST_RELU);
    private static final PairedSplit TRAIN = DATA.split("train", 192, 0);
    private static final Splits SPLITS = new Splits(TRAIN, DATA.split("val", 64, 1000), DATA.split("test", 64, 2000));

    @TempDir
    static Path dir;

    @AfterAll
    static void writeTheTable() {
        TABLE.write();
        assertEquals("", TABLE.failures());
    }

    /** The training split, its modality b NaN from the 7th batch on (the first batch of epoch 2 at batch 32). */
    private static Splits poisoned() {
        AtomicInteger batches = new AtomicInteger();
        PairedSplit train = PairedSplit.streamed("train", TRAIN.modalities(), List.of(TRAIN.sampleShape(0),
                TRAIN.sampleShape(1)), IntStream.range(0, TRAIN.size()).map(TRAIN::label).toArray(),
                TRAIN.numClasses(), new PairedSplit.SampleSource() {
                    @Override
                    public void fill(int modality, int[] indices, float[] into) {
                        try (NDManager manager = NDManager.newBaseManager()) {
                            float[] values = TRAIN.batch(manager, indices).input(modality).toFloatArray();
                            System.arraycopy(values, 0, into, 0, values.length);
                        }
                        if (modality == 1 && batches.incrementAndGet() > 6) {
                            java.util.Arrays.fill(into, Float.NaN);
                        }
                    }

                    @Override
                    public boolean randomViews() {
                        return false;
                    }
                });
        return new Splits(train, SPLITS.validation(), SPLITS.test());
    }

    /** Cross-entropy, plus a NaN term from epoch 2 (0-based 1) on. */
    private static final class NanAtEpochTwo extends AbstractMethod {
        private int epoch;

        NanAtEpochTwo() {
            super("nan-at-epoch-2");
        }

        @Override
        public void setEpoch(int epoch) {
            this.epoch = epoch;
        }

        @Override
        public String toString() {
            return "NanAtEpochTwo()";
        }

        @Override
        public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
                boolean training) {
            NDArray task = LossFunctions.crossEntropy(student.logits(), labels);
            return new LossTerms().add("task", 1, task).add("poison", 1, task.mul(epoch >= 1 ? Float.NaN : 0f));
        }
    }

    @Test
    void aNanLossEndsItsRunAndTheJobGoesOn() {
        Splits poisoned = poisoned();
        Experiment experiment = new Experiment(new PairedTask("synthetic", "SYNTHETIC", TINY,
                seed -> seed == 1 ? poisoned : SPLITS, Map.of()), dir.resolve("runs"));
        List<MethodSpec> methods = List.of(new MethodSpec("nan-at-epoch-2", (d, c) -> new NanAtEpochTwo()),
                MethodRegistry.spec("kd", FeatureLayout.VECTOR));
        Protocol protocol = new Protocol(List.of(1L, 2L), List.of("a"), methods, 2, 2, 32, false);
        Captured<BenchmarkReport> ran = Faults.captured(() -> protocol.run(experiment));
        assertTrue(ran.error() == null, () -> "the job stopped: " + ran.error() + "\n" + ran.err());
        Table results = ran.value().results();
        List<String> statuses = new ArrayList<>();
        for (int row = 0; row < results.rowCount(); row++) {
            if (results.getString(row, "protocol").equals("bestVal")) {
                statuses.add(results.getString(row, "role") + " " + results.getString(row, "method") + " seed"
                        + results.getString(row, "seed") + ": " + results.getString(row, BenchmarkReport.STATUS));
            }
        }
        expect(statuses, "teacher  seed1", "teacher NaN inputs from epoch 2 (seed 1)", "failed: run teacher-b-seed1"
                + " stopped: the loss term", List.of("teacher-b-seed1", "epoch 2", "NaN", "fix:"));
        expect(statuses, "student nan-at-epoch-2 seed1", "its teacher failed", "failed: not trained: its teacher"
                + " teacher-b-seed1 failed", List.of());
        expect(statuses, "student kd seed1", "its teacher failed", "failed: not trained: its teacher"
                + " teacher-b-seed1 failed", List.of());
        expect(statuses, "student nan-at-epoch-2 seed2", "student loss term NaN at epoch 2", "failed: run"
                + " student-a-nan-at-epoch-2-seed2 stopped: the loss term 'poison' is NaN at epoch 2, batch 1",
                List.of("fix:"));
        String teacher2 = find(statuses, "teacher  seed2");
        String kd2 = find(statuses, "student kd seed2");
        Table summary = ran.value().summary();
        List<String> summarized = new ArrayList<>();
        for (int row = 0; row < summary.rowCount(); row++) {
            summarized.add(summary.getString(row, "role") + " " + summary.getString(row, "method") + " x"
                    + summary.intColumn("seeds").getInt(row));
        }
        boolean wentOn = teacher2.endsWith(": finished") && kd2.endsWith(": finished")
                && summarized.equals(List.of("teacher  x1", "student kd x1"));
        TABLE.add("Protocol, seeds 1 and 2", "the runs after the failures", "seed 2's teacher and kd student"
                + " finish; the summary leaves failed runs out", wentOn ? Outcome.HARMLESS : Outcome.SILENT_WRONG,
                teacher2 + "; " + kd2 + "; summary rows " + summarized);
        assertEquals("", TABLE.failures());
    }

    private static String find(List<String> statuses, String prefix) {
        return statuses.stream().filter(s -> s.startsWith(prefix + ":")).findFirst().orElse(prefix + ": (no row)");
    }

    private static void expect(List<String> statuses, String run, String fault, String status, List<String> words) {
        String found = find(statuses, run);
        String message = found.substring(found.indexOf(": ") + 2);
        boolean clear = message.startsWith(status) && words.stream().allMatch(message::contains)
                && !message.contains(": null");
        TABLE.add("Protocol: " + run, fault, status, clear ? Outcome.CLEAR_ERROR : message.equals("finished")
                ? Outcome.SILENT_WRONG : Outcome.UNCLEAR_ERROR, message);
    }
}
