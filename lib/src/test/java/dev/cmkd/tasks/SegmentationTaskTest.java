package dev.cmkd.tasks;

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
import dev.cmkd.data.nyu.RgbdSplit;
import dev.cmkd.data.nyu.SyntheticRgbd;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.TrainingLoop;
import dev.cmkd.model.FeaturePoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One short training of a teacher and an FD-CMKD student of the segmentation task on SYNTHETIC RGB-D data, and the
 * checkpoint guarantees of the loop with random crops: an interrupted run resumes and ends where an uninterrupted one
 * does.
 */
class SegmentationTaskTest {

    @TempDir
    static Path dir;
    private static RgbdSplit train;
    private static RgbdSplit validation;
    private static RgbdSplit test;

    @BeforeAll
    static void data() {
        Path prepared = SyntheticRgbd.builder().optSize(16, 24).build().write(dir.resolve("data"), 8, 2, 2);
        NyuDepthV2 loader = NyuDepthV2.builder().build();
        train = loader.load(prepared, "train");
        validation = loader.load(prepared, "val");
        test = loader.load(prepared, "test");
    }

    private static Experiment experiment(Path runs) {
        return new Experiment(new SegmentationTask(train, validation, test,
                new SegmentationTask.Backbone(4, new int[] {1, 1, 1}, true, FeaturePoint.POST_RELU),
                new Augmentation(16, 16, true), 4, Map.of()), runs);
    }

    private static RunSpec spec(int epochs) {
        return new RunSpec(epochs, 8, 0.01, 1e-4, 0.9, 0.9, 3);
    }

    @Test
    void teacherAndFdCmkdStudentTrain() {
        Experiment experiment = experiment(dir.resolve("runs"));
        RunOutcome teacher = experiment.teacher("depth", spec(1), new TrainingLoop.Listener() {});
        RunOutcome student = experiment.student("rgb", method("fd-cmkd"), spec(1), spec(1),
                new TrainingLoop.Listener() {});
        EpochRecord t = teacher.records().get(0);
        EpochRecord s = student.records().get(0);
        assertEquals(List.of("task", "total"), List.copyOf(t.trainTerms().keySet()));
        assertEquals(List.of("task", "psiLow", "low", "phiLow", "psiHigh", "high", "phiHigh", "total"),
                List.copyOf(s.trainTerms().keySet()));
        s.trainTerms().values().forEach(v -> assertTrue(Double.isFinite(v) && v >= 0, s.trainTerms().toString()));
        assertEquals(List.of("head", "psiLow", "psiHigh"), List.copyOf(s.test().keySet()));
        for (double miou : s.test().values()) {
            assertTrue(miou >= 0 && miou <= 1, s.test().toString());
        }
        double pixelAccuracy = student.testMetric("pixel_accuracy", "bestVal");
        assertTrue(pixelAccuracy >= 0 && pixelAccuracy <= 1);
        assertTrue(Files.exists(experiment.studentDir("rgb", "fd-cmkd", spec(1)).resolve(TrainingLoop.METRICS)));
        assertThrows(RunDirectoryException.class, () -> experiment.student("depth", method("fd-cmkd"), spec(1),
                spec(1), new TrainingLoop.Listener() {}), "the rgb teacher has not been trained");
    }

    @Test
    void anInterruptedRunResumesToTheSameResult() {
        Experiment straight = experiment(dir.resolve("straight"));
        List<EpochRecord> expected = straight.teacher("rgb", spec(2), new TrainingLoop.Listener() {}).records();

        Experiment interrupted = experiment(dir.resolve("interrupted"));
        TrainingLoop.Listener stopAfterFirst = new TrainingLoop.Listener() {
            @Override
            public void onEpoch(EpochRecord record, int epochs) {
                throw new IllegalStateException("stop");
            }
        };
        assertThrows(IllegalStateException.class, () -> interrupted.teacher("rgb", spec(2), stopAfterFirst));
        List<EpochRecord> resumed = interrupted.teacher("rgb", spec(2), new TrainingLoop.Listener() {}).records();
        assertEquals(2, resumed.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(expected.get(e).trainTerms().get("total"), resumed.get(e).trainTerms().get("total"), 1e-6);
            assertEquals(expected.get(e).test().get("head"), resumed.get(e).test().get("head"), 1e-9);
            assertEquals(expected.get(e).otherMetrics(), resumed.get(e).otherMetrics());
        }
    }

    private static MethodSpec method(String name) {
        return MethodRegistry.spec(name, FeatureLayout.MAP);
    }
}
