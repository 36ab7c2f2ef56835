package dev.cmkd.results;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryClaimTest {

    @Test
    void theOrderOfNestedKeysDoesNotMatterButTheirValuesDo(@TempDir Path dir) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("train", "32 images");
        data.put("val", "8 images");
        ResultFiles.claimRunDirectory(dir, Map.of("role", "teacher", "data", data));

        // Map.of iterates in an order that changes from one JVM to the next: the same values must be accepted.
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("val", "8 images");
        reordered.put("train", "32 images");
        assertDoesNotThrow(() -> ResultFiles.claimRunDirectory(dir, Map.of("data", reordered, "role", "teacher")));

        Map<String, Object> changed = new LinkedHashMap<>(data);
        changed.put("val", "16 images");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ResultFiles.claimRunDirectory(dir, Map.of("role", "teacher", "data", changed)));
        assertTrue(refused.getMessage().contains("another configuration"), refused.getMessage());
        assertTrue(refused.getMessage().contains("16 images"), refused.getMessage());
    }
}
