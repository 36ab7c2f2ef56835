package dev.cmkd.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.testing.LoopbackServer;
import dev.cmkd.testing.ScratchRoot;
import dev.cmkd.testing.Scripts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every dataset's {@code download.sh --dry-run}: it says what it would fetch, from where, how much and what the user
 * must supply by hand, and it neither sends a request (every source points at a loopback server that counts them)
 * nor writes anything (its default {@code data/} folder stays absent).
 */
class DownloadDryRunTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"crema-d", "ave", "vggsound-50", "crisismmd", "nyu-depth-v2"})
    void saysWhatItWouldFetchAndFetchesNothing(String dataset) throws IOException {
        try (LoopbackServer server = new LoopbackServer(); ScratchRoot root = ScratchRoot.create(tmp.resolve("root"))) {
            String url = server.url() + "/source";
            Map<String, String> sources = Map.of("CREMA_D_REPO", url + ".git", "CREMA_D_MEDIA", url, "AVE_URL", url,
                    "VGGSOUND_SPLITS_URL", url, "CRISISMMD_BASE_URL", url);
            Scripts.Result result = root.bash(sources, "data-scripts/" + dataset + "/download.sh", "--dry-run");
            assertEquals(0, result.exitCode(), result.output());
            String output = result.output();
            assertTrue(output.startsWith(dataset + ": dry run: nothing is fetched\n"), output);
            for (String label : List.of("fetch", "size", "into", "by-hand", "next")) {
                assertTrue(output.contains("\n  " + label + " "), dataset + " says nothing under '" + label + "':\n"
                        + output);
            }
            assertEquals(List.of(), server.requests(), output);
            assertFalse(Files.exists(root.path().resolve("data")), output);
            System.out.print(output);
        }
    }
}
