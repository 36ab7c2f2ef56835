package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.cmkd.cli.Options;
import dev.cmkd.data.Splits;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.RunSpec;
import dev.cmkd.model.FeaturePoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each network's engine seed is derived from (seed, modality): the two modalities' networks of a seed start from
 * different weights (they have the same architecture here, one input channel each), a modality's networks of a seed
 * start alike, and {@code shared} restores identical starts. The initialisation is part of every run's identity.
 */
class InitialisationTest {

    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final NetworkConfig TINY = new NetworkConfig(8, new int[] {1, 1}, true, FeaturePoint.POST_RELU);
    private static final Splits SPLITS = new Splits(DATA.split("train", 64, 0), DATA.split("val", 32, 1000),
            DATA.split("test", 32, 2000));

    private static Experiment experiment(Path dir, Initialisation initialisation) {
        return new Experiment(new PairedTask("synthetic", "SYNTHETIC", TINY, seed -> SPLITS, Map.of()), dir,
                initialisation);
    }

    /**
     * Returns the logits and feature of the untrained network of {@code modality} for seed 3 on a fixed input: equal
     * outputs for the same input mean equal weights, and different ones different weights.
     */
    private static float[] start(Initialisation initialisation, String modality, NDManager manager) {
        FrozenTeacher network = experiment(Path.of("unused"), initialisation).untrained(modality, 3, manager);
        NDArray input = manager.arange(64f).div(64f).reshape(1, 1, 8, 8).repeat(0, 2);
        NetworkOutput output = network.forward(input);
        return NDArrays.concat(new NDList(output.logits().flatten(), output.feature().flatten())).toFloatArray();
    }

    @Test
    void theDerivedSeedIsStable() {
        // SHA-256 of "0/image", "0/audio", "1/image", "0/a": first four bytes, big-endian, sign bit cleared
        assertEquals(1269380288, Initialisation.INDEPENDENT.engineSeed(0, "image"));
        assertEquals(753870368, Initialisation.INDEPENDENT.engineSeed(0, "audio"));
        assertEquals(771760460, Initialisation.INDEPENDENT.engineSeed(1, "image"));
        assertEquals(1394699149, Initialisation.INDEPENDENT.engineSeed(0, "a"));
        assertEquals(7, Initialisation.SHARED.engineSeed(7, "image"));
        assertEquals(7, Initialisation.SHARED.engineSeed(7, "audio"));
    }

    @Test
    void twoModalitiesStartFromDifferentWeightsUnlessShared() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] a = start(Initialisation.INDEPENDENT, "a", manager);
            assertArrayEquals(a, start(Initialisation.INDEPENDENT, "a", manager), "same seed and modality: equal");
            assertFalse(Arrays.equals(a, start(Initialisation.INDEPENDENT, "b", manager)), "other modality: differ");
            assertArrayEquals(start(Initialisation.SHARED, "a", manager), start(Initialisation.SHARED, "b", manager),
                    "shared: the two modalities start identical");
        }
    }

    @Test
    void theInitialisationIsPartOfARunsIdentity(@TempDir Path dir) throws Exception {
        RunSpec spec = new RunSpec(1, 32, 0.05, 1e-4, 0.9, 0.9, 1);
        experiment(dir, Initialisation.SHARED).teacher("b", spec);
        String config = Files.readString(dir.resolve("teacher-b-seed1").resolve("config.json"));
        assertTrue(config.contains("\"initialisation\": \"SHARED\""), config);
        RunDirectoryException refused = assertThrows(RunDirectoryException.class,
                () -> experiment(dir, Initialisation.INDEPENDENT).teacher("b", spec));
        assertTrue(refused.getMessage().contains("initialisation"), refused.getMessage());
    }

    @Test
    void theOptionDefaultsToIndependentAndNamesTheAcceptedValues() {
        assertEquals(Initialisation.INDEPENDENT, TaskRegistry.settings(AvMnistTtsTask.TYPE, Map.of())
                .get(TaskRegistry.INITIALISATION));
        assertEquals(Initialisation.SHARED, TaskRegistry.settings(AvMnistTtsTask.TYPE, Map.of("initialisation",
                "shared")).get(TaskRegistry.INITIALISATION));
        Options.InvalidOption bad = assertThrows(Options.InvalidOption.class, () -> TaskRegistry.settings(
                AvMnistTtsTask.TYPE, Map.of("initialisation", "same")));
        assertTrue(bad.getMessage().contains("-Dfdcmkd.initialisation=same") && bad.getMessage().contains(
                "independent|shared"), bad.getMessage());
        assertNotEquals(-1, bad.getMessage().indexOf("fix:"), bad.getMessage());
    }
}
