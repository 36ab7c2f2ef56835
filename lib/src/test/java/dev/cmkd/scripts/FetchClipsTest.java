package dev.cmkd.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.testing.Scripts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VGGSound-50's {@code fetch-clips.sh} with {@link YtDlpStandIn} in place of yt-dlp (no test needs yt-dlp or
 * YouTube): a video YouTube reports as removed is recorded and not asked for again, and a rate limit (HTTP 429)
 * stops the run with what to do, keeping what was fetched; without yt-dlp it says how to install it.
 */
class FetchClipsTest {

    @TempDir
    Path tmp;

    @Test
    void aRateLimitStopsTheRunAndAGoneVideoIsNotAskedForAgain() throws IOException {
        Path splits = Files.createDirectories(tmp.resolve("splits"));
        Files.writeString(splits.resolve("train_tiny.csv"), "gone,0,cat,train\nbusy,10,cat,train\n");
        Files.writeString(splits.resolve("test_tiny.csv"), "");
        Path videos = tmp.resolve("videos");
        Path ytDlp = YtDlpStandIn.write(tmp.resolve("bin"));
        Map<String, String> environment = Map.of("YT_DLP", ytDlp.toString());
        Scripts.Result first = fetch(environment, splits, videos);
        assertNotEquals(0, first.exitCode());
        assertTrue(first.output().contains("YouTube limits this address (busy_000010: ERROR: [youtube] busy: Unable to"
                + " download webpage: HTTP Error 429") && first.output().contains("run the same command again: it"
                + " resumes"), first.output());
        assertTrue(Files.readString(videos.resolve("unavailable.txt")).startsWith("gone_000000\t"));
        try (var left = Files.list(videos)) {
            assertFalse(left.anyMatch(file -> file.getFileName().toString().startsWith(".")), "no temporary file left");
        }
        Scripts.Result second = fetch(environment, splits, videos);
        assertNotEquals(0, second.exitCode());
        assertTrue(second.output().contains("2 clips listed: 0 already in " + videos + ", 1 known to be gone"),
                second.output());
        assertEquals(List.of("gone *0-10", "busy *10-20", "busy *10-20"), YtDlpStandIn.calls(ytDlp));
    }

    @Test
    void withoutYtDlpItSaysHowToInstallIt() throws IOException {
        Path splits = Files.createDirectories(tmp.resolve("splits"));
        Files.writeString(splits.resolve("train_tiny.csv"), "abc,30,cat,train\n");
        Files.writeString(splits.resolve("test_tiny.csv"), "");
        Scripts.Result result = fetch(Map.of("YT_DLP", tmp.resolve("no-such-yt-dlp").toString()), splits,
                tmp.resolve("videos"));
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("not found: install it in your environment (pipx install yt-dlp"),
                result.output());
    }

    private static Scripts.Result fetch(Map<String, String> environment, Path splits, Path videos) {
        return Scripts.bash(environment, "data-scripts/vggsound-50/fetch-clips.sh", "--splits", splits.toString(),
                "--videos", videos.toString(), "--sleep", "0");
    }
}
