package dev.cmkd.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.NyuDepthV2;
import dev.cmkd.data.nyu.SyntheticRgbd;
import dev.cmkd.method.LossTerms;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;
import dev.cmkd.model.FeaturePoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every registered segmentation method trains a student for one epoch on SYNTHETIC RGB-D data against the
 * same depth teacher, with finite terms and mIoU in [0, 1]; and the epoch reaches the method through {@link
 * Experiment}, as DKD's warm-up shows in the recorded terms; C2KD co-trains a copy of the teacher and
 * leaves the teacher's own run untouched, and an interrupted C2KD run (student, proxies and co-trained teacher in
 * its checkpoint) resumes to the uninterrupted one's result.
 */
class SegmentationMethodsTrainingTest {

    @TempDir
    static Path dir;
    private static NyuDepthV2 loader;
    private static Path prepared;
    private static Experiment experiment;

    @BeforeAll
    static void teacher() {
        prepared = SyntheticRgbd.builder().optSize(16, 16).build().write(dir.resolve("data"), 4, 2, 2);
        loader = NyuDepthV2.builder().build();
        experiment = experiment(dir.resolve("runs"));
        experiment.teacher("depth", spec(1), new TrainingLoop.Listener() {});
    }

    private static Experiment experiment(Path runs) {
        return new Experiment(new SegmentationTask(loader.load(prepared, "train"), loader.load(prepared, "val"),
                loader.load(prepared, "test"), new SegmentationTask.Backbone(4, new int[] {1, 1}, true,
                FeaturePoint.POST_RELU), new Augmentation(16, 16, true), 2, Map.of()), runs);
    }

    private static RunSpec spec(int epochs) {
        return spec(epochs, 5);
    }

    private static RunSpec spec(int epochs, long seed) {
        return new RunSpec(epochs, 4, 0.01, 1e-4, 0.9, 0.9, seed);
    }

    static List<String> methods() {
        return MethodRegistry.names(FeatureLayout.MAP);
    }

    @ParameterizedTest
    @MethodSource("methods")
    void oneEpochOfEveryMethod(String method) {
        RunOutcome run = experiment.student("rgb", method(method), spec(1), spec(1),
                new TrainingLoop.Listener() {});
        EpochRecord record = run.records().get(0);
        assertTrue(record.trainTerms().containsKey("task"), record.trainTerms().toString());
        record.trainTerms().forEach((term, value) -> assertTrue(Double.isFinite(value), term + " = " + value));
        assertTrue(record.trainTerms().get(LossTerms.TOTAL) > 0);
        record.test().values().forEach(miou -> assertTrue(miou >= 0 && miou <= 1, record.test().toString()));
        if (method(method).create(4, 2).trainsTeacher()) {
            assertTrue(record.trainTerms().containsKey("teacher.task"), record.trainTerms().toString());
        }
    }

    @Test
    void anInterruptedC2kdRunResumesToTheSameResult() {
        List<EpochRecord> straight = experiment.student("rgb", method("c2kd"), spec(2, 8), spec(1),
                new TrainingLoop.Listener() {}).records();
        Experiment elsewhere = experiment(dir.resolve("resumed"));
        copyTeacher(elsewhere);
        TrainingLoop.Listener stopAfterFirst = new TrainingLoop.Listener() {
            @Override
            public void onEpoch(EpochRecord record, int epochs) {
                throw new IllegalStateException("stop");
            }
        };
        assertThrows(IllegalStateException.class, () -> elsewhere.student("rgb", method("c2kd"), spec(2, 8),
                spec(1), stopAfterFirst));
        List<EpochRecord> resumed = elsewhere.student("rgb", method("c2kd"), spec(2, 8), spec(1),
                new TrainingLoop.Listener() {}).records();
        assertEquals(2, resumed.size());
        for (int e = 0; e < 2; e++) {
            for (String term : List.of("teacher.task", LossTerms.TOTAL)) {
                assertEquals(straight.get(e).trainTerms().get(term), resumed.get(e).trainTerms().get(term), 1e-6, term);
            }
            assertEquals(straight.get(e).test().get("head"), resumed.get(e).test().get("head"), 1e-9);
        }
    }

    private static void copyTeacher(Experiment target) {
        Path from = experiment.teacherDir("depth", spec(1));
        Path to = target.teacherDir("depth", spec(1));
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path file : files.toList()) {
                    if (Files.isRegularFile(file)) {
                        Files.copy(file, to.resolve(file.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aCoTrainedTeacherLeavesTheTeachersRunIntact() throws Exception {
        Path teacher = experiment.teacherDir("depth", spec(1)).resolve(TrainingLoop.BEST_PARAMETERS);
        byte[] before = Files.readAllBytes(teacher);
        experiment.student("rgb", method("c2kd"), spec(1, 7), spec(1), new TrainingLoop.Listener() {});
        assertArrayEquals(before, Files.readAllBytes(teacher));
    }

    @Test
    void theEpochReachesDkdsWarmUp() {
        List<EpochRecord> records = experiment.student("rgb", method("dkd"), spec(2, 6), spec(1),
                new TrainingLoop.Listener() {}).records();
        for (int epoch = 0; epoch < 2; epoch++) {
            Map<String, Double> t = records.get(epoch).trainTerms();
            double warm = (epoch + 1) / 20.0; // alpha 1, beta 8, warm-up over 20 epochs
            assertEquals(t.get("task") + warm * (t.get("tckd") + 8 * t.get("nckd")), t.get(LossTerms.TOTAL),
                    1e-5 * t.get(LossTerms.TOTAL), "epoch " + epoch + ": " + t);
        }
    }

    private static MethodSpec method(String name) {
        return MethodRegistry.spec(name, FeatureLayout.MAP);
    }
}
