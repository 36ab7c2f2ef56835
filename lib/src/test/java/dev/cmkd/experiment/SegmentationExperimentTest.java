package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.NyuDepthV2;
import dev.cmkd.data.nyu.RgbdModality;
import dev.cmkd.data.nyu.RgbdSplit;
import dev.cmkd.data.nyu.SyntheticRgbd;
import dev.cmkd.segmentation.SegmentationLoop;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One short training of a teacher and an FD-CMKD student on SYNTHETIC RGB-D data, and the checkpoint
 * guarantees of the segmentation loop: an interrupted run resumes and ends where an uninterrupted one does.
 */
class SegmentationExperimentTest {

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

    private static SegmentationExperiment experiment(Path runs) {
        return new SegmentationExperiment(train, validation, test,
                new SegmentationExperiment.Backbone(4, new int[] {1, 1, 1}, true), new Augmentation(16, 16, true), 4,
                runs);
    }

    private static RunSpec spec(int epochs) {
        return new RunSpec(epochs, 8, 0.01, 1e-4, 0.9, 0.9, 3);
    }

    @Test
    void teacherAndFdCmkdStudentTrain() {
        SegmentationExperiment experiment = experiment(dir.resolve("runs"));
        SegmentationExperiment.Run teacher = experiment.teacher(RgbdModality.DEPTH, spec(1),
                new TrainingLoop.Listener() {});
        SegmentationExperiment.Run student = experiment.student(RgbdModality.RGB, "fd-cmkd", spec(1), spec(1),
                new TrainingLoop.Listener() {});
        EpochRecord t = teacher.epochs().get(0).record();
        EpochRecord s = student.epochs().get(0).record();
        assertEquals(List.of("task", "total"), List.copyOf(t.trainTerms().keySet()));
        assertEquals(List.of("task", "psiLow", "low", "phiLow", "psiHigh", "high", "phiHigh", "total"),
                List.copyOf(s.trainTerms().keySet()));
        s.trainTerms().values().forEach(v -> assertTrue(Double.isFinite(v) && v >= 0, s.trainTerms().toString()));
        assertEquals(List.of("head", "psiLow", "psiHigh"), List.copyOf(s.test().keySet()));
        for (double miou : s.test().values()) {
            assertTrue(miou >= 0 && miou <= 1, s.test().toString());
        }
        double pixelAccuracy = student.testPixelAccuracy("bestVal");
        assertTrue(pixelAccuracy >= 0 && pixelAccuracy <= 1);
        assertTrue(Files.exists(experiment.studentDir(RgbdModality.RGB, "fd-cmkd", spec(1))
                .resolve(SegmentationLoop.METRICS)));
        assertThrows(IllegalStateException.class, () -> experiment.student(RgbdModality.DEPTH, "fd-cmkd", spec(1),
                spec(1), new TrainingLoop.Listener() {}), "the rgb teacher has not been trained");
    }

    @Test
    void anInterruptedRunResumesToTheSameResult() {
        SegmentationExperiment straight = experiment(dir.resolve("straight"));
        List<SegmentationLoop.Epoch> expected = straight.teacher(RgbdModality.RGB, spec(2),
                new TrainingLoop.Listener() {}).epochs();

        SegmentationExperiment interrupted = experiment(dir.resolve("interrupted"));
        TrainingLoop.Listener stopAfterFirst = new TrainingLoop.Listener() {
            @Override
            public void onEpoch(EpochRecord record, int epochs) {
                throw new IllegalStateException("stop");
            }
        };
        assertThrows(IllegalStateException.class, () -> interrupted.teacher(RgbdModality.RGB, spec(2), stopAfterFirst));
        List<SegmentationLoop.Epoch> resumed = interrupted.teacher(RgbdModality.RGB, spec(2),
                new TrainingLoop.Listener() {}).epochs();
        assertEquals(2, resumed.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(expected.get(e).record().trainTerms().get("total"),
                    resumed.get(e).record().trainTerms().get("total"), 1e-6);
            assertEquals(expected.get(e).record().test().get("head"), resumed.get(e).record().test().get("head"), 1e-9);
            assertEquals(expected.get(e).testPixelAccuracy(), resumed.get(e).testPixelAccuracy());
        }
    }
}
