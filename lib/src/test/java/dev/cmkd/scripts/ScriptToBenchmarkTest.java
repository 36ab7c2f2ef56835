package dev.cmkd.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.Sha256;
import dev.cmkd.data.crisis.CrisisMmdFixture;
import dev.cmkd.data.audio.Wav;
import dev.cmkd.testing.LfsRepository;
import dev.cmkd.testing.LoopbackServer;
import dev.cmkd.testing.ScratchRoot;
import dev.cmkd.testing.Scripts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each dataset as a user gets it, with every default path: the real scripts run in a {@link ScratchRoot} on a
 * raw-format fixture (CREMA-D: a git repository of git-lfs pointers and a media host on loopback; VGGSound-50:
 * C2KD's split archive on loopback and a stand-in for yt-dlp; AVE: {@code AVE_Dataset.zip} given as a local
 * archive, as a user does when Google Drive refuses the script; CrisisMMD: the download folder of {@link
 * CrisisMmdFixture}; NYU-Depth V2: {@code make-raw-fixture.py}'s files on loopback), then {@code lib/bin/kit run <benchmark>} runs in a child JVM working in that root with no
 * {@code data} setting: it finds the scripts' output where it looks by default, or the test fails. The training is
 * a smoke run (ci profile, one FD-CMKD student, a width-4 network).
 */
class ScriptToBenchmarkTest {

    /** The audio-visual benchmarks' settings: the smoke profile, one student, a tiny network; no path. */
    private static final Map<String, String> SMOKE = Map.of("profile", "ci", "methods", "fd-cmkd", "students", "audio",
            "seeds", "0", "workers", "1", "width", "4", "batchSize", "2", "maxClips", "100");

    @TempDir
    Path tmp;

    private LoopbackServer server;

    @BeforeAll
    static void tools() {
        Scripts.ensureFfmpeg();
    }

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void cremaD() throws IOException {
        try (ScratchRoot root = ScratchRoot.create(tmp.resolve("root"))) {
            cremaD(root);
        }
    }

    private void cremaD(ScratchRoot root) throws IOException {
        Set<String> testList = Files.readAllLines(Scripts.root().resolve("data-scripts/crema-d/splits/test.csv"))
                .stream().map(line -> line.split(",")[0]).collect(Collectors.toSet());
        // 11 training clips of one emotion (the validation carve takes its 10th), 2 of the committed test list
        List<String> clips = new ArrayList<>();
        for (String sentence : List.of("IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI",
                "WSI")) {
            String id = "1090_" + sentence + "_HAP_XX";
            if (!testList.contains(id) && clips.size() < 11) {
                clips.add(id);
            }
        }
        assertEquals(11, clips.size());
        clips.addAll(List.of("1041_TIE_NEU_XX", "1071_MTI_SAD_XX"));
        byte[] flv = video(tmp.resolve("clip.flv"), "flv", 3);
        StringBuilder table = new StringBuilder("\"\",\"FileName\",\"VoiceVote\"\n");
        Map<String, byte[]> media = new LinkedHashMap<>();
        for (int k = 0; k < clips.size(); k++) {
            table.append('"').append(k + 1).append("\",\"").append(clips.get(k)).append("\",\"H\"\n");
            media.put("AudioWAV/" + clips.get(k) + ".wav", tone(tmp.resolve("tone.wav"), 200 + 20 * k));
            media.put("VideoFlash/" + clips.get(k) + ".flv", flv);
        }
        String repository = LfsRepository.create(tmp.resolve("repository"), Map.of("processedResults/summaryTable.csv",
                table.toString().getBytes(StandardCharsets.UTF_8)), media, server, "/media");
        server.throttle("/media/AudioWAV/" + clips.get(0) + ".wav", 1, "1");

        String download = root.ok(Map.of("CREMA_D_REPO", repository, "CREMA_D_MEDIA", server.url() + "/media"),
                "data-scripts/crema-d/download.sh");
        assertTrue(download.contains("26 of 26 files downloaded and verified"), download);
        String prepare = root.ok(Map.of(), "data-scripts/crema-d/prepare.sh");
        assertTrue(prepare.contains("prepared 13 of 13 clips"), prepare);
        runBenchmark(root, "crema-d", "crema-d: 10 train, 1 validation, 2 test clips\n  in data/crema-d/prepared");
    }

    @Test
    void vggSound50() throws IOException {
        try (ScratchRoot root = ScratchRoot.create(tmp.resolve("root"))) {
            vggSound50(root);
        }
    }

    private void vggSound50(ScratchRoot root) throws IOException {
        StringBuilder train = new StringBuilder();
        for (int k = 0; k < 10; k++) {
            train.append(String.format(Locale.ROOT, "dog-%02d_x,30,dog barking,train%n", k));
        }
        train.append("spk,7,\"male speech, man speaking\",train\nshort,0,dog barking,train\n"
                + "long,60,dog barking,train\ngone,0,dog barking,train\n");
        String test = "tst1,0,\"male speech, man speaking\",test\ntst2,20,dog barking,test\n";
        byte[] archive = zip(Map.of("datasplit/train_tiny.csv", bytes(train.toString()), "datasplit/test_tiny.csv",
                bytes(test), "datasplit/train.csv", bytes(train.toString()), "datasplit/test.csv", bytes(test)));
        server.put("/c2kd/datasplit.zip", archive);

        String lists = root.ok(Map.of("VGGSOUND_SPLITS_URL", server.url() + "/c2kd/datasplit.zip"),
                "data-scripts/vggsound-50/download.sh", "--sha256", Sha256.hex(archive));
        assertTrue(lists.contains("lists: 14 train rows, 2 test rows, 2 classes"), lists);
        assertTrue(lists.contains("WARNING: these are not C2KD's counts"), lists);

        // a full-length video the user had, placed by hand under the segment's name: used whole, with a warning
        Path videos = root.path().resolve("data/vggsound-50/raw/videos");
        Files.createDirectories(videos);
        Files.write(videos.resolve("long_000060.mp4"), video(tmp.resolve("long.mp4"), "mp4", 15));
        Path ytDlp = YtDlpStandIn.write(tmp.resolve("bin"));
        String fetched = root.ok(Map.of("YT_DLP", ytDlp.toString()), "data-scripts/vggsound-50/fetch-clips.sh",
                "--sleep", "0");
        assertTrue(fetched.contains("16 clips listed: 1 already in " + videos + ", 0 known to be gone"), fetched);
        assertTrue(fetched.contains("done: 14 fetched, 1 gone (unavailable.txt), 0 failed"), fetched);
        assertTrue(YtDlpStandIn.calls(ytDlp).contains("dog-00_x *30-40"), YtDlpStandIn.calls(ytDlp).toString());

        String prepare = root.ok(Map.of(), "data-scripts/vggsound-50/prepare.sh");
        assertTrue(prepare.contains("train: 14 listed, 13 found") && prepare.contains("test: 2 listed, 2 found"),
                prepare);
        assertTrue(prepare.contains("1 clips give 3 frames or fewer at 1 fps and are left out"), prepare);
        assertTrue(prepare.contains("WARNING: 1 clips are longer than VGGSound's 10 s segment"), prepare);
        Path prepared = root.path().resolve("data/vggsound-50/prepared");
        assertTrue(Files.readString(prepared.resolve("dropped.txt")).startsWith("short_000000\t"));
        assertTrue(Files.readString(prepared.resolve("long-clips.txt")).startsWith("long_000060\t"));
        runBenchmark(root, "vggsound-50",
                "vggsound-50: 11 train, 1 validation, 2 test clips\n  in data/vggsound-50/prepared");
    }

    @Test
    void ave() throws IOException {
        try (ScratchRoot root = ScratchRoot.create(tmp.resolve("root"))) {
            byte[] clip = video(tmp.resolve("clip.mp4"), "mp4", 4);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (String id : List.of("vidA", "vidB", "vidC", "vidD", "vidE")) {
                entries.put("AVE_Dataset/AVE/" + id + ".mp4", clip);
            }
            // vidD is on the training and the test list with different labels, as 8 official videos are
            entries.put("AVE_Dataset/trainSet.txt", bytes("Category&VideoID&Quality&StartTime&EndTime\r\n"
                    + "Church bell&vidA&good&0&10\r\nMale speech, man speaking&vidB&good&1&9\r\n"
                    + "Church bell&vidD&good&0&10\r\n"));
            entries.put("AVE_Dataset/valSet.txt", bytes("Church bell&vidC&good&0&10\n"));
            entries.put("AVE_Dataset/testSet.txt", bytes("Male speech, man speaking&vidD&good&0&10\n"
                    + "Church bell&vidE&good&2&5\n"));
            entries.put("AVE_Dataset/Annotations.txt", bytes("Category&VideoID&Quality&StartTime&EndTime\n"));
            Path archive = Files.write(tmp.resolve("AVE_Dataset.zip"), zip(entries));
            String unpack = root.ok(Map.of(), "data-scripts/ave/download.sh", "--archive", archive.toString());
            assertTrue(unpack.contains("unpacked: 5 videos"), unpack);
            String prepare = root.ok(Map.of(), "data-scripts/ave/prepare.sh");
            assertTrue(prepare.contains("prepared 5 of 5 clips"), prepare);
            assertTrue(prepare.contains("rows: 6, videos: 5") && prepare.contains(
                    "in_two_lists_with_different_labels: train+val: 0, train+test: 1"), prepare);
            Path prepared = root.path().resolve("data/ave/prepared");
            assertTrue(Files.readString(prepared.resolve("list-anomalies.tsv")).contains("in 2 lists\tvidD\t"));
            // the event [2 s, 5 s) of a 4 s clip: its last 2 s at 16 kHz, repeated to 10 s
            Wav.Clip event = Wav.read(prepared.resolve("audio/vidE.wav"));
            assertEquals(16_000, event.sampleRate());
            assertEquals(160_000, event.samples().length);
            runBenchmark(root, "ave", "ave: 3 train, 1 validation, 2 test clips\n  in data/ave/prepared");
        }
    }

    @Test
    void crisisMmd() throws IOException {
        try (ScratchRoot root = ScratchRoot.create(tmp.resolve("root"))) {
            Path download = root.path().resolve("data/crisismmd/download");
            CrisisMmdFixture.writeDownload(download, 1);
            // the default split ("all") does not need the agreed-label archive
            Files.delete(download.resolve("crisismmd_datasplit_agreed_label.zip"));
            String prepare = root.ok(Map.of(), "data-scripts/crisismmd/prepare.sh");
            assertTrue(prepare.contains("done: " + root.path().resolve("data/crisismmd/prepared")), prepare);
            runBenchmark(root, "crisismmd", Map.of("profile", "ci", "methods", "fd-cmkd", "students", "image", "seeds",
                    "0", "workers", "1", "width", "4", "batchSize", "2"), "CrisisMMD: 9 train, 8 validation, 8 test"
                    + " pairs");
        }
    }

    @Test
    void nyuDepthV2() throws IOException {
        try (ScratchRoot root = ScratchRoot.create(tmp.resolve("root"))) {
            // enough scenes for the committed validation ranks (up to 245 of the training scenes): 736 small images
            Path fixture = tmp.resolve("nyu-fixture");
            Scripts.Result made = Scripts.bash(Map.of(), "-c", "/usr/bin/python3 data-scripts/nyu-depth-v2/"
                    + "make-raw-fixture.py '" + fixture + "' --count 736 --height 32 --width 48");
            assertEquals(0, made.exitCode(), made.output());
            StringBuilder sources = new StringBuilder();
            for (String name : List.of("nyu_depth_v2_labeled.mat", "splits.mat", "classMapping40.mat")) {
                byte[] content = Files.readAllBytes(fixture.resolve(name));
                server.put("/nyu/" + name, content);
                sources.append(name).append('\t').append(content.length).append('\t').append(Sha256.hex(content))
                        .append('\t').append(server.url()).append("/nyu/").append(name).append('\n');
            }
            Path list = Files.writeString(tmp.resolve("sources.tsv"), sources);
            String build = root.ok(Map.of("NYU_SOURCES", list.toString()), "data-scripts/nyu-depth-v2/build.sh",
                    "--no-install");
            assertTrue(build.contains("done: " + root.path().resolve("data/nyu-depth-v2/prepared")), build);
            runBenchmark(root, "nyu-depth-v2", Map.of("profile", "ci", "fixture", "false", "methods", "fd-cmkd",
                    "students", "rgb", "seeds", "0", "workers", "1", "width", "4", "batchSize", "2", "maxImages", "4"),
                    "RgbdSplit(val, 4 images 32 x 48");
        }
    }

    /** Runs the benchmark with no data path in {@code root} and checks that it read the scripts' output. */
    private static void runBenchmark(ScratchRoot root, String benchmark, String samples) throws IOException {
        runBenchmark(root, benchmark, SMOKE, samples);
    }

    private static void runBenchmark(ScratchRoot root, String benchmark, Map<String, String> settings, String samples)
            throws IOException {
        Scripts.Result run = root.kitRun(List.of(benchmark), settings);
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains(samples), run.output());
        try (Stream<Path> files = Files.walk(root.path().resolve("results"))) {
            assertTrue(files.anyMatch(file -> file.getFileName().toString().equals("results.csv")), run.output());
        }
    }

    /** A {@code seconds}-long test pattern with a tone, in {@code format} (flv or mp4), made with ffmpeg. */
    static byte[] video(Path file, String format, int seconds) throws IOException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=64x48:rate=25:duration=" + seconds, "-f", "lavfi", "-i", "sine=frequency=300:duration="
                + seconds + ":sample_rate=44100"));
        command.addAll(format.equals("flv") ? List.of("-c:v", "flv", "-c:a", "mp3") : List.of("-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-c:a", "aac"));
        command.addAll(List.of("-shortest", file.toString()));
        Scripts.ok("-c", command.stream().map(a -> "'" + a + "'").collect(Collectors.joining(" ")));
        return Files.readAllBytes(file);
    }

    private static byte[] tone(Path file, double hertz) throws IOException {
        float[] samples = new float[16_000 * 2];
        for (int t = 0; t < samples.length; t++) {
            samples[t] = (float) (0.3 * Math.sin(2 * Math.PI * hertz * t / 16_000.0));
        }
        Wav.write(file, samples, 16_000);
        return Files.readAllBytes(file);
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
