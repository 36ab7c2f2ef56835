package dev.cmkd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class RunSpecTest {

    @Test
    void thePolyScheduleIsTheReleasedCodes() {
        RunSpec spec = RunSpec.paper(100, 0);
        assertEquals(0.01, spec.learningRateAt(0), 1e-15);
        assertEquals(1e-4 + (0.01 - 1e-4) * Math.pow(0.5, 0.9), spec.learningRateAt(50), 1e-15);
        assertEquals(1e-4 + (0.01 - 1e-4) * Math.pow(0.01, 0.9), spec.learningRateAt(99), 1e-15);
        for (int e = 1; e < 100; e++) {
            assertTrue(spec.learningRateAt(e) < spec.learningRateAt(e - 1), "decreasing at epoch " + e);
        }
    }

    @Test
    void dataOrderDependsOnlyOnSeedAndEpoch() {
        int[] a = TrainingLoop.permutation(100, 3, 7);
        assertTrue(Arrays.equals(a, TrainingLoop.permutation(100, 3, 7)));
        assertNotEquals(Arrays.toString(a), Arrays.toString(TrainingLoop.permutation(100, 3, 8)));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i], "a permutation");
        }
    }

    @Test
    void invalidSpecsNameTheValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new RunSpec(0, 64, 0.01, 1e-4, 0.9, 0.9, 0));
        assertTrue(error.getMessage().contains("epochs 0"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RunSpec(1, 64, 0.01, 0.1, 0.9, 0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> new RunSpec(1, 64, 0.01, 1e-4, 0.9, 1.0, 0));
    }
}
