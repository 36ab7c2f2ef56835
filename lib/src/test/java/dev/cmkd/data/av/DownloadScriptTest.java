package dev.cmkd.data.av;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.Sha256;
import dev.cmkd.testing.LfsRepository;
import dev.cmkd.testing.LoopbackServer;
import dev.cmkd.testing.Scripts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download helpers against a fake source on loopback (a JDK HttpServer in the test): a verified download,
 * the resume of a partial file with an HTTP range request, a checksum failure that says what to do, HTTP 429
 * answers (waited out for their Retry-After, in seconds or as a date; a wait beyond the limit stops with the time
 * to come back; without one, a doubling backoff), and CREMA-D's download script, which clones the git-lfs pointers
 * once, checks every medium against its pointer and refuses a clone that holds pointers instead of media.
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
    void aMissingToolNamesTheCommandThatInstallsIt() {
        Scripts.Result plain = Scripts.bash(Map.of(), "-c", "source data-scripts/lib/common.sh && need_tool"
                + " no-such-tool-xyz");
        assertNotEquals(0, plain.exitCode());
        assertTrue(plain.output().contains("no-such-tool-xyz not found; install it with: apt-get install"
                + " no-such-tool-xyz"), plain.output());
        Scripts.Result group = Scripts.bash(Map.of(), "-c", "source data-scripts/lib/common.sh && need_tool"
                + " no-such-tool-xyz av");
        assertTrue(group.output().contains("bash environment/install-system-packages.sh av"), group.output());
    }

    @Test
    void aTooManyRequestsAnswerIsWaitedOutForItsRetryAfter() throws IOException {
        server.throttle("/data/file.bin", 2, "1");
        Path dest = tmp.resolve("file.bin");
        Scripts.Result result = fetch(dest, Sha256.hex(payload), String.valueOf(payload.length));
        assertEquals(0, result.exitCode(), result.output());
        String host = server.url().substring("http://".length());
        assertTrue(result.output().contains("HTTP 429 from " + host + ": waiting 1 s (Retry-After) before retry 1 of 6")
                && result.output().contains("before retry 2 of 6"), result.output());
        assertArrayEquals(payload, Files.readAllBytes(dest));
        List<Long> arrivals = server.arrivals();
        assertEquals(3, arrivals.size(), server.requests().toString());
        for (int i = 1; i < arrivals.size(); i++) {
            assertTrue(arrivals.get(i) - arrivals.get(i - 1) >= 950_000_000L, "request " + i + " came "
                    + (arrivals.get(i) - arrivals.get(i - 1)) / 1e6 + " ms after the 429, Retry-After said 1 s");
        }
    }

    @Test
    void aRetryAfterGivenAsADateIsHonoured() throws IOException {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
        server.throttle("/data/file.bin", 1, date);
        Scripts.Result result = fetch(tmp.resolve("file.bin"), Sha256.hex(payload), String.valueOf(payload.length));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().matches("(?s).*HTTP 429 from \\S+: waiting [12] s \\(Retry-After\\).*"), result.output());
        List<Long> arrivals = server.arrivals();
        assertTrue(arrivals.get(1) - arrivals.get(0) >= 950_000_000L, "waited the date out");
    }

    @Test
    void aRetryAfterBeyondTheLimitStopsWithTheTimeToComeBack() {
        server.throttle("/data/file.bin", 1, "3600");
        Scripts.Result result = fetch(tmp.resolve("file.bin"), Sha256.hex(payload), "");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("the host asks to wait 3600 s (Retry-After), more than FETCH_MAX_WAIT=600"
                + " s; run the same command again after"), result.output());
        assertEquals(1, server.requests().size(), "no request after the 429");
    }

    @Test
    void withoutRetryAfterTheRetriesBackOffAndEndWithResume() {
        server.throttle("/data/file.bin", 5, null);
        Scripts.Result result = Scripts.bash(Map.of("FETCH_RETRIES", "1"), "-c", fetchCommand(tmp.resolve("file.bin"),
                Sha256.hex(payload), ""));
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("waiting 2 s (backoff) before retry 1 of 1"), result.output());
        assertTrue(result.output().contains("HTTP 429 after 1 retries") && result.output().contains("it resumes"),
                result.output());
        assertEquals(2, server.requests().size());
    }

    @Test
    void cremaDClonesThePointersOnceAndChecksEveryMediumAgainstItsPointer() throws IOException {
        String[] clips = {"1001_DFA_ANG_XX", "1001_DFA_HAP_XX"};
        byte[] table = ("\"\",\"ActorID\",\"FileName\"\n\"1\",1001,\"" + clips[0] + "\"\n\"2\",1001,\"" + clips[1]
                + "\"\n").getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> media = new LinkedHashMap<>();
        int seed = 10;
        for (String clip : clips) {
            media.put("AudioWAV/" + clip + ".wav", bytes(5_000 + seed, seed++));
            media.put("VideoFlash/" + clip + ".flv", bytes(5_000 + seed, seed++));
        }
        String repository = LfsRepository.create(tmp.resolve("repository"), Map.of(
                "processedResults/summaryTable.csv", table), media, server, "/m");
        server.throttle("/m/VideoFlash/" + clips[1] + ".flv", 1, "1");
        Map<String, String> sources = Map.of("CREMA_D_REPO", repository, "CREMA_D_MEDIA", server.url() + "/m");
        Path raw = tmp.resolve("raw");
        Scripts.Result result = Scripts.bash(sources, "data-scripts/crema-d/download.sh", raw.toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("4 of 4 files downloaded and verified"), result.output());
        assertTrue(result.output().contains("HTTP 429 from") && result.output().contains("(Retry-After)"),
                result.output());
        for (Map.Entry<String, byte[]> medium : media.entrySet()) {
            assertArrayEquals(medium.getValue(), Files.readAllBytes(raw.resolve(medium.getKey())));
        }
        assertTrue(server.requests().stream().allMatch(r -> r.startsWith("/m/")), "the pointers come from the clone,"
                + " not one request each: " + server.requests());
        assertEquals(0, Scripts.bash(Map.of(), "data-scripts/crema-d/download.sh", "--check", raw.toString())
                .exitCode());

        // a rerun finds every file verified and asks nothing
        int requests = server.requests().size();
        Scripts.Result again = Scripts.bash(sources, "data-scripts/crema-d/download.sh", raw.toString());
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("4 verified before, 0 to fetch"), again.output());
        assertEquals(requests, server.requests().size());

        // the source changes a file: the content no longer matches its pointer
        Files.delete(raw.resolve("VideoFlash/" + clips[1] + ".flv"));
        server.put("/m/VideoFlash/" + clips[1] + ".flv", bytes(5_013, 99));
        Scripts.Result damaged = Scripts.bash(sources, "data-scripts/crema-d/download.sh", raw.toString());
        assertNotEquals(0, damaged.exitCode());
        assertTrue(damaged.output().contains(raw.resolve("VideoFlash/" + clips[1] + ".flv") + ": sha256 is"),
                damaged.output());
    }

    @Test
    void aCloneWithPointersInsteadOfMediaIsRefusedWithTheFix() throws IOException {
        Path clone = tmp.resolve("clone");
        Files.createDirectories(clone.resolve("processedResults"));
        Files.writeString(clone.resolve("processedResults/summaryTable.csv"), "\"\",\"FileName\"\n\"1\",\"1001_DFA_ANG_XX\"\n");
        Files.createDirectories(clone.resolve("AudioWAV"));
        Files.createDirectories(clone.resolve("VideoFlash"));
        Files.write(clone.resolve("AudioWAV/1001_DFA_ANG_XX.wav"), LfsRepository.pointer(bytes(72_862, 1)));
        Files.write(clone.resolve("VideoFlash/1001_DFA_ANG_XX.flv"), LfsRepository.pointer(bytes(300_000, 2)));
        Scripts.Result check = Scripts.bash(Map.of(), "data-scripts/crema-d/download.sh", "--check", clone.toString());
        assertNotEquals(0, check.exitCode());
        assertTrue(check.output().contains("2 files under " + clone + " are git-lfs pointers, not media")
                && check.output().contains("git lfs pull"), check.output());
        // prepare.sh no longer reports "done" with an empty clips.csv
        Path out = tmp.resolve("prepared");
        Scripts.Result prepare = Scripts.bash(Map.of(), "data-scripts/crema-d/prepare.sh", "--raw", clone.toString(),
                "--out", out.toString());
        assertNotEquals(0, prepare.exitCode());
        assertTrue(prepare.output().contains("2 files under " + clone + "/AudioWAV and " + clone + "/VideoFlash are"
                + " git-lfs pointers, not media") && prepare.output().contains("git lfs pull")
                && prepare.output().contains("data-scripts/crema-d/download.sh"), prepare.output());
        assertFalse(Files.exists(out.resolve("clips.csv")));
    }

    private Scripts.Result fetch(Path dest, String sha, String size) {
        return Scripts.bash(Map.of(), "-c", fetchCommand(dest, sha, size));
    }

    private String fetchCommand(Path dest, String sha, String size) {
        return "source data-scripts/lib/common.sh && source data-scripts/lib/download.sh && FETCH_QUIET=1 fetch '"
                + server.url() + "/data/file.bin' '" + dest + "' '" + sha + "' '" + size + "'";
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
