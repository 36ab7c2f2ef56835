package dev.cmkd.data.av;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.Sha256;
import dev.cmkd.testing.LoopbackServer;
import dev.cmkd.testing.Scripts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download helpers against a fake source on loopback (a JDK HttpServer in the test): a verified download,
 * the resume of a partial file with an HTTP range request, a checksum failure that says what to do, and
 * CREMA-D's download script, which checks every file against its git-lfs pointer.
 */
class DownloadScriptTest {

    @TempDir
    Path tmp;

    private LoopbackServer server;
    private final byte[] payload = bytes(100_000, 1);

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer();
        server.put("/data/file.bin", payload);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void downloadsAndVerifies() throws IOException {
        Path dest = tmp.resolve("out/file.bin");
        Scripts.Result result = fetch(dest, Sha256.hex(payload), String.valueOf(payload.length));
        assertEquals(0, result.exitCode(), result.output());
        assertArrayEquals(payload, Files.readAllBytes(dest));
        assertFalse(Files.exists(tmp.resolve("out/file.bin.part")));
        // a second run finds the verified file and asks nothing
        int requests = server.requests().size();
        assertEquals(0, fetch(dest, Sha256.hex(payload), String.valueOf(payload.length)).exitCode());
        assertEquals(requests, server.requests().size());
    }

    @Test
    void resumesAPartialDownload() throws IOException {
        Path dest = tmp.resolve("file.bin");
        Files.write(tmp.resolve("file.bin.part"), Arrays.copyOf(payload, 40_000));
        Scripts.Result result = fetch(dest, Sha256.hex(payload), String.valueOf(payload.length));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(server.requests().contains("/data/file.bin bytes=40000-"), server.requests().toString());
        assertArrayEquals(payload, Files.readAllBytes(dest));
    }

    @Test
    void aWrongChecksumStopsAndSaysWhatToDo() {
        Path dest = tmp.resolve("file.bin");
        String wrong = "0".repeat(64);
        Scripts.Result result = fetch(dest, wrong, "");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("sha256 is " + Sha256.hex(payload) + ", expected " + wrong),
                result.output());
        assertTrue(result.output().contains("was deleted, run the same command again"), result.output());
        assertFalse(Files.exists(dest));
        assertFalse(Files.exists(tmp.resolve("file.bin.part")));
    }

    @Test
    void aMissingFileNamesTheAddress() {
        Scripts.Result result = Scripts.bash(Map.of(), "-c", "source data-scripts/lib/common.sh && source"
                + " data-scripts/lib/download.sh && FETCH_QUIET=1 FETCH_RETRIES=0 fetch '" + server.url()
                + "/nothing' '" + tmp.resolve("x") + "'");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("download of " + server.url() + "/nothing failed"), result.output());
    }

    @Test
    void cremaDChecksEveryFileAgainstItsGitLfsPointer() throws IOException {
        String[] clips = {"1001_DFA_ANG_XX", "1001_DFA_HAP_XX"};
        server.put("/p/processedResults/summaryTable.csv", ("\"\",\"ActorID\",\"FileName\"\n\"1\",1001,\""
                + clips[0] + "\"\n\"2\",1001,\"" + clips[1] + "\"\n").getBytes(StandardCharsets.UTF_8));
        int seed = 10;
        for (String clip : clips) {
            for (String path : new String[] {"AudioWAV/" + clip + ".wav", "VideoFlash/" + clip + ".flv"}) {
                byte[] content = bytes(5_000 + seed, seed++);
                server.put("/m/" + path, content);
                server.put("/p/" + path, ("version https://git-lfs.github.com/spec/v1\noid sha256:"
                        + Sha256.hex(content) + "\nsize " + content.length + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Map<String, String> sources = Map.of("CREMA_D_POINTERS", server.url() + "/p", "CREMA_D_MEDIA",
                server.url() + "/m");
        Path raw = tmp.resolve("raw");
        Scripts.Result result = Scripts.bash(sources, "data-scripts/crema-d/download.sh", raw.toString(), "--jobs",
                "2");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("4 of 4 files downloaded and verified"), result.output());
        for (String clip : clips) {
            assertArrayEquals(serverBytes("/m/AudioWAV/" + clip + ".wav"), Files.readAllBytes(raw.resolve(
                    "AudioWAV/" + clip + ".wav")));
        }
        assertEquals(0, Scripts.bash(Map.of(), "data-scripts/crema-d/download.sh", "--check", raw.toString())
                .exitCode());

        // the source changes a file: the content no longer matches its pointer
        Files.delete(raw.resolve("VideoFlash/" + clips[1] + ".flv"));
        server.put("/m/VideoFlash/" + clips[1] + ".flv", bytes(5_013, 99));
        Scripts.Result damaged = Scripts.bash(sources, "data-scripts/crema-d/download.sh", raw.toString());
        assertNotEquals(0, damaged.exitCode());
        assertTrue(damaged.output().contains(raw.resolve("VideoFlash/" + clips[1] + ".flv") + ": sha256 is"),
                damaged.output());

        // a clone without git lfs pull holds pointers, not content
        Files.write(raw.resolve("AudioWAV/" + clips[0] + ".wav"), serverBytes("/p/AudioWAV/" + clips[0] + ".wav"));
        Scripts.Result pointers = Scripts.bash(Map.of(), "data-scripts/crema-d/download.sh", "--check", raw.toString());
        assertNotEquals(0, pointers.exitCode());
        assertTrue(pointers.output().contains("git lfs pull"), pointers.output());
    }

    private Scripts.Result fetch(Path dest, String sha, String size) {
        return Scripts.bash(Map.of(), "-c", "source data-scripts/lib/common.sh && source data-scripts/lib/download.sh"
                + " && FETCH_QUIET=1 fetch '" + server.url() + "/data/file.bin' '" + dest + "' '" + sha + "' '" + size
                + "'");
    }

    private byte[] serverBytes(String path) throws IOException {
        try (var in = java.net.URI.create(server.url() + path).toURL().openStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] bytes = new byte[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
