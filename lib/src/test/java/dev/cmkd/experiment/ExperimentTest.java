package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.cmkd.data.Splits;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.AbstractMethod;
import dev.cmkd.method.LogitKd;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;
import dev.cmkd.model.FeaturePoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Teachers and students of a small synthetic paired task. */
class ExperimentTest {

    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final NetworkConfig TINY = new NetworkConfig(8, new int[] {1, 1}, true, FeaturePoint.POST_RELU);

    private static final Splits SPLITS = new Splits(DATA.split("train", 192, 0), DATA.split("val", 64, 1000),
            DATA.split("test", 64, 2000));

    private static Experiment experiment(Path dir) {
        return new Experiment(new PairedTask("synthetic", "SYNTHETIC", TINY, seed -> SPLITS, Map.of()), dir);
    }

    private static RunSpec spec(int epochs) {
        return new RunSpec(epochs, 32, 0.05, 1e-4, 0.9, 0.9, 1);
    }

    @Test
    void aTeacherLearnsAndItsLossDecreases(@TempDir Path dir) throws Exception {
        RunOutcome teacher = experiment(dir).teacher("b", spec(4));
        List<EpochRecord> records = teacher.records();
        assertEquals(4, records.size());
        assertTrue(records.get(3).trainTerms().get("total") < records.get(0).trainTerms().get("total"),
                "training loss decreases: " + records);
        assertTrue(teacher.testAccuracy("bestVal") > 0.5, "above chance (0.25): " + teacher.testAccuracy("bestVal"));
        assertTrue(Files.exists(dir.resolve("teacher-b-seed1").resolve(TrainingLoop.BEST_PARAMETERS)));
        List<String> metrics = Files.readAllLines(dir.resolve("teacher-b-seed1").resolve(TrainingLoop.METRICS));
        assertEquals("epoch,learning_rate,seconds,train_task,train_total,val_head,test_head", metrics.get(0));
        assertEquals(5, metrics.size(), "a header and one row per epoch");
    }

    static List<String> methods() {
        return MethodRegistry.names(FeatureLayout.VECTOR);
    }

    @ParameterizedTest
    @MethodSource("methods")
    void everyRegisteredMethodTrainsAStudent(String method, @TempDir Path dir) {
        Experiment experiment = experiment(dir);
        experiment.teacher("b", spec(2));
        RunOutcome student = experiment.student("a", method(method), spec(2), spec(2));
        EpochRecord last = student.records().get(1);
        last.trainTerms().values().forEach(v -> assertTrue(Double.isFinite(v), method + " loss terms finite"));
        assertTrue(last.test().containsKey("head"));
        for (String protocol : RunOutcome.PROTOCOLS) {
            double accuracy = student.testAccuracy(protocol);
            assertTrue(accuracy >= 0 && accuracy <= 1, protocol + " " + accuracy);
        }
        assertTrue(student.testAccuracy("paperBestTest") >= student.testAccuracy("bestVal"),
                "the paper's protocol selects on the test set, so it can only be higher");
    }

    /** FD-CMKD's heads and C2KD's co-trained teacher and proxies are all in the checkpoint. */
    @ParameterizedTest
    @ValueSource(strings = {"fd-cmkd", "c2kd"})
    void anInterruptedRunResumesToTheSameResult(String method, @TempDir Path dir) {
        Experiment uninterrupted = experiment(dir.resolve("a"));
        uninterrupted.teacher("b", spec(3));
        Map<String, Double> expected = uninterrupted.student("a", method(method), spec(3), spec(3)).records()
                .get(2).test();

        Experiment interrupted = experiment(dir.resolve("b"));
        interrupted.teacher("b", spec(3));
        assertThrows(Interruption.class, () -> interrupted.student("a", method(method), spec(3), spec(3),
                new TrainingLoop.Listener() {
                    @Override
                    public void onBatch(int epoch, int batch, int batches) {
                        if (epoch == 1 && batch == 2) {
                            throw new Interruption();
                        }
                    }
                }));
        RunOutcome resumed = interrupted.student("a", method(method), spec(3), spec(3));
        assertEquals(3, resumed.records().size());
        Map<String, Double> actual = resumed.records().get(2).test();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, value) -> assertEquals(value, actual.get(name), 1e-9, name));
    }

    @Test
    void c2kdCoTrainsACopyOfTheTeacherAndLeavesTheTeachersRunAlone(@TempDir Path dir) throws Exception {
        Experiment experiment = experiment(dir);
        experiment.teacher("b", spec(2));
        Path teacherParameters = dir.resolve("teacher-b-seed1").resolve(TrainingLoop.BEST_PARAMETERS);
        byte[] before = Files.readAllBytes(teacherParameters);
        RunOutcome student = experiment.student("a", method("c2kd"), spec(2), spec(2));
        assertTrue(student.records().get(0).trainTerms().keySet().containsAll(List.of("task", "crossProxy",
                "teacher.task", "teacher.crossProxy")), student.records().get(0).trainTerms().toString());
        assertArrayEquals(before, Files.readAllBytes(teacherParameters), "the teacher's own run is unchanged");
        // The student's run holds student, proxies and co-trained teacher: about twice a network's parameters.
        long saved = Files.size(dir.resolve("student-a-c2kd-seed1").resolve(TrainingLoop.BEST_PARAMETERS));
        assertTrue(saved > 2L * before.length, saved + " bytes vs the teacher's " + before.length);
    }

    @Test
    void aMethodLearnsTheEpochOfEveryStep(@TempDir Path dir) {
        Experiment experiment = experiment(dir);
        experiment.teacher("b", spec(1));
        List<Integer> epochs = new CopyOnWriteArrayList<>();
        MethodSpec probe = new MethodSpec("epoch-probe", (d, c) -> new EpochProbe(epochs));
        experiment.student("a", probe, spec(3), spec(1));
        assertEquals(List.of(0, 1, 2), epochs.stream().distinct().toList());
        assertEquals(3 * (192 / 32), epochs.size(), "once per training step");
    }

    /** Cross-entropy only; records the epochs it is told. */
    private static final class EpochProbe extends AbstractMethod {
        private final List<Integer> epochs;

        EpochProbe(List<Integer> epochs) {
            super("epoch-probe");
            this.epochs = epochs;
        }

        @Override
        public void setEpoch(int epoch) {
            epochs.add(epoch);
        }

        @Override
        public String toString() {
            return "EpochProbe()";
        }

        @Override
        public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
                boolean training) {
            return new LossTerms().add("task", 1, LossFunctions.crossEntropy(student.logits(), labels));
        }
    }

    @Test
    void jointBidirectionalTrainingEqualsSeparateRuns(@TempDir Path dir) {
        Experiment experiment = experiment(dir);
        experiment.teacher("a", spec(2));
        experiment.teacher("b", spec(2));
        Map<String, RunOutcome> joint = experiment.jointStudents(method("fd-cmkd"), spec(2), spec(2));
        assertEquals(List.of("a", "b"), List.copyOf(joint.keySet()));
        for (String modality : joint.keySet()) {
            RunOutcome separate = experiment.student(modality, method("fd-cmkd"), spec(2), spec(2));
            for (int epoch = 0; epoch < 2; epoch++) {
                EpochRecord expected = separate.records().get(epoch);
                EpochRecord actual = joint.get(modality).records().get(epoch);
                assertEquals(expected.test(), actual.test(), modality + " epoch " + epoch + " accuracies");
                // The joint run's total is the sum over both students, so a student has no total of its own.
                java.util.Set<String> terms = new java.util.HashSet<>(expected.trainTerms().keySet());
                terms.remove("total");
                assertEquals(terms, actual.trainTerms().keySet());
                for (String term : terms) {
                    double value = expected.trainTerms().get(term);
                    assertEquals(value, actual.trainTerms().get(term), 1e-5 * Math.max(1, Math.abs(value)),
                            modality + " " + term);
                }
            }
        }
    }

    @Test
    void aRunDirectoryWithAnotherConfigurationIsRefused(@TempDir Path dir) {
        Experiment experiment = experiment(dir);
        experiment.teacher("b", spec(1));
        RunDirectoryException refused = assertThrows(RunDirectoryException.class,
                () -> experiment.teacher("b", new RunSpec(2, 32, 0.05, 1e-4, 0.9, 0.9, 1)));
        assertTrue(refused.getMessage().contains("another configuration"), refused.getMessage());
        assertTrue(refused.getMessage().contains("spec.epochs: the run has 1, the settings 2"), refused.getMessage());
    }

    @Test
    void bothFeaturePointsShareTheTeacherAndAStudentsFeaturePointIsPartOfItsIdentity(@TempDir Path dir)
            throws Exception {
        RunOutcome trained = experiment(dir).teacher("b", spec(1));
        String config = Files.readString(dir.resolve("teacher-b-seed1").resolve("config.json"));
        assertFalse(config.contains("featurePoint"), config);
        NetworkConfig preRelu = new NetworkConfig(8, new int[] {1, 1}, true, FeaturePoint.PRE_RELU);
        Experiment other = new Experiment(new PairedTask("synthetic", "SYNTHETIC", preRelu, seed -> SPLITS, Map.of()),
                dir);
        RunOutcome readBack = other.teacher("b", spec(1), new TrainingLoop.Listener() {
            @Override
            public void onBatch(int epoch, int batch, int batches) {
                throw new AssertionError("the teacher was trained again");
            }
        });
        assertEquals(trained.records().get(0).test(), readBack.records().get(0).test());

        experiment(dir).student("a", method("feature-mse"), spec(1), spec(1));
        assertTrue(Files.readString(dir.resolve("student-a-feature-mse-seed1").resolve("config.json"))
                .contains("\"featurePoint\": \"POST_RELU\""));
        RunDirectoryException refused = assertThrows(RunDirectoryException.class,
                () -> other.student("a", method("feature-mse"), spec(1), spec(1)));
        assertTrue(refused.getMessage().contains("network.featurePoint: the run has \"POST_RELU\""),
                refused.getMessage());
    }

    @Test
    void aVariantWhoseMethodChangedUnderTheSameNameIsRefused(@TempDir Path dir) {
        Experiment experiment = experiment(dir);
        experiment.teacher("b", spec(1));
        experiment.student("a", new MethodSpec("kd-variant", (d, c) -> LogitKd.builder().optTemperature(2).build()),
                spec(1), spec(1));
        MethodSpec changed = new MethodSpec("kd-variant", (d, c) -> LogitKd.builder().optTemperature(8).build());
        RunDirectoryException refused = assertThrows(RunDirectoryException.class,
                () -> experiment.student("a", changed, spec(1), spec(1)));
        assertTrue(refused.getMessage().contains("another configuration"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MethodSpec("Has Space", changed.factory()));
    }

    /** Thrown by the test listener to stop a run in the middle of an epoch. */
    private static final class Interruption extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static MethodSpec method(String name) {
        return MethodRegistry.spec(name, FeatureLayout.VECTOR);
    }
}
