package dev.cmkd.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.cmkd.cli.Settings;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.experiment.Task;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.testing.TestSettings;
import dev.cmkd.train.RunSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic MFH task is registered, made from settings without a folder, identified by the generator's
 * settings, and trains a teacher and an FD-CMKD student for one ci epoch through the one {@link Experiment}.
 */
class ModalityFocusTaskTest {

    @Test
    void theTaskIsRegisteredAndItsNetworksGiveLogitsAndTheDistilledFeature() {
        assertEquals(ModalityFocusTask.TYPE, TaskRegistry.get("mfh-synthetic"));
        Settings settings = TestSettings.of(ModalityFocusTask.TYPE, "profile=ci", "gamma=0.25");
        Task mlp = ModalityFocusTask.create(settings, Path.of("unused"));
        assertEquals(8, mlp.featureDim());
        assertEquals(new Shape(1, 25), mlp.inputShape("a"));
        assertEquals(new Shape(1, 50), mlp.inputShape("b"));
        Task linear = ModalityFocusTask.create(settings, 0.25, "linear");
        assertEquals(2, linear.featureDim());
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Task task : new Task[] {mlp, linear}) {
                Block net = task.network("b");
                net.initialize(manager, DataType.FLOAT32, task.inputShape("b"));
                NDList out = net.forward(new ParameterStore(manager, false), new NDList(manager.ones(
                        new Shape(3, 50))), false);
                assertEquals(new Shape(3, 2), out.get(0).getShape());
                assertEquals(new Shape(3, task.featureDim()), out.get(1).getShape());
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) mlp.identity().get("data");
        assertEquals(4, data.get("shared"));
        assertEquals(0.25, (double) data.get("realisedGamma"), 1e-12);
        assertEquals(64, data.get("train"));
    }

    @Test
    void aTeacherAndAStudentTrainOneCiEpochThroughTheExperiment(@TempDir Path dir) throws Exception {
        Settings settings = TestSettings.of(ModalityFocusTask.TYPE, "profile=ci", "gamma=1");
        Experiment experiment = new Experiment(ModalityFocusTask.create(settings, dir), dir.resolve("runs"));
        RunSpec spec = RunSpec.paper(1, 16, 0);
        RunOutcome teacher = experiment.teacher("a", spec);
        RunOutcome student = experiment.student("b", MethodRegistry.spec(FdCmkd.NAME, FeatureLayout.VECTOR), spec,
                spec);
        assertTrue(teacher.finished() && student.finished(), student.failure());
        assertEquals(1, student.records().size());
        double accuracy = student.testAccuracy("bestVal");
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        String config = Files.readString(experiment.studentDir("b", FdCmkd.NAME, spec).resolve("config.json"));
        assertTrue(config.contains("ModalityFocusData/1") && config.contains("\"shared\": 10"), config);
    }
}
