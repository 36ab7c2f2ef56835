package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import dev.cmkd.data.Splits;
import dev.cmkd.model.FeaturePoint;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authors' protocol: train + validation to train on, test to select on, its own rows and folder. */
class PaperProtocolTest {

    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final Splits SPLITS = new Splits(DATA.split("train", 96, 0), DATA.split("val", 40, 1000),
            DATA.split("test", 64, 2000));
    private static final Task TASK = new PairedTask("synthetic", "SYNTHETIC", new NetworkConfig(8, new int[] {1, 1},
            true, FeaturePoint.POST_RELU), seed -> SPLITS, Map.of());

    @Test
    void theTrainingSplitIsTrainThenValidationAndTestSelects() {
        Splits splits = PaperProtocol.of(TASK).splits(0);
        assertEquals(136, splits.train().size());
        assertEquals("train+val", splits.train().name());
        assertEquals(SPLITS.test(), splits.validation());
        assertEquals(SPLITS.test(), splits.test());
    }

    @Test
    void aBatchThatMixesBothSplitsHoldsTheSamplesAskedForInTheirOrder() {
        BatchSource joined = PaperProtocol.of(TASK).splits(0).train();
        int[] indices = {100, 3, 95, 135, 0, 96, 50};
        try (NDManager manager = NDManager.newBaseManager()) {
            Batch batch = joined.batch(manager, indices, 0);
            for (int p = 0; p < indices.length; p++) {
                int i = indices[p];
                Batch one = i < 96 ? SPLITS.train().batch(manager, new int[] {i}, 0)
                        : SPLITS.validation().batch(manager, new int[] {i - 96}, 0);
                for (int m = 0; m < 2; m++) {
                    assertArrayEquals(one.input(m).toFloatArray(), batch.input(m).get(p).toFloatArray(),
                            "modality " + m + ", position " + p + " (sample " + i + ")");
                }
                assertEquals(one.labels().getLong(0), batch.labels().getLong(p), "label at position " + p);
            }
        }
    }

    @Test
    void aTeacherIsKeptAtItsBestTestEpochAndItsRowsSayWhichProtocol(@TempDir Path dir) throws Exception {
        Experiment experiment = new Experiment(PaperProtocol.of(TASK), dir);
        RunSpec spec = new RunSpec(3, 32, 0.05, 1e-4, 0.9, 0.9, 1);
        RunOutcome teacher = experiment.teacher("b", spec);
        for (EpochRecord record : teacher.records()) {
            assertEquals(record.test(), record.validation(), "epoch " + record.epoch() + " selects on test");
        }
        double bestTest = teacher.records().stream().map(r -> r.test().get("head")).max(Comparator.naturalOrder())
                .orElseThrow();
        assertEquals(bestTest, teacher.testAccuracy("bestVal"), 1e-12);
        assertTrue(Files.readString(dir.resolve("teacher-b-seed1").resolve("config.json"))
                .contains("\"protocol\": \"paper: trained on train + validation, selected on test\""));

        BenchmarkReport report = new BenchmarkReport(PaperProtocol.of(TASK));
        report.add(new BenchmarkReport.Entry("teacher", "b", "", "", 1, teacher));
        assertEquals("SYNTHETIC" + PaperProtocol.DATA_SUFFIX, report.results().stringColumn("data").get(0));
        assertEquals("paperBestTest", BenchmarkReport.headlineSelection(report.results()));
    }

    @Test
    void itsRunsGoToTheirOwnFolderAsThoseOfEveryIdentitySettingUnlessOneIsGiven() {
        Settings paper = TaskRegistry.settings(AvMnistTtsTask.TYPE, Map.of("paperProtocol", "true"));
        Settings heldOut = TaskRegistry.settings(AvMnistTtsTask.TYPE, Map.of());
        assertEquals(Path.of(Runner.output(AvMnistTtsTask.TYPE, heldOut) + "-paper"),
                Runner.output(AvMnistTtsTask.TYPE, paper));
        Settings preRelu = TaskRegistry.settings(AvMnistTtsTask.TYPE, Map.of("paperProtocol", "true", "featurePoint",
                "pre-relu", "initialisation", "shared"));
        assertEquals(Path.of(Runner.output(AvMnistTtsTask.TYPE, heldOut) + "-pre-relu-shared-initialisation-paper"),
                Runner.output(AvMnistTtsTask.TYPE, preRelu));
        Settings given = TaskRegistry.settings(AvMnistTtsTask.TYPE, Map.of("paperProtocol", "true", "output", "x"));
        assertEquals(Path.of("x"), Runner.output(AvMnistTtsTask.TYPE, given));
    }
}
