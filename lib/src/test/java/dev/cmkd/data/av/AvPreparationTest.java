package dev.cmkd.data.av;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.testing.TestSettings;
import dev.cmkd.cli.Settings;
import dev.cmkd.experiment.Runner;
import dev.cmkd.tasks.TaskRegistry;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.Batch;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.audio.Wav;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.testing.Scripts;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each audio-visual dataset end to end on tiny raw fixtures in its source format, made here with ffmpeg
 * (lavfi test pattern and tone): the data script prepares them, {@link PreparedAvLoader} reads them with the
 * paper's inputs, and {@link dev.cmkd.experiment.Runner} trains a teacher and an FD-CMKD student for one epoch on a tiny
 * ResNet. ffmpeg is installed with {@code environment/install-system-packages.sh av} when missing.
 */
class AvPreparationTest {


    @TempDir
    static Path tmp;

    @BeforeAll
    static void tools() {
        Scripts.ensureFfmpeg();
    }

    @Test
    void cremaD() throws IOException {
        Path raw = Files.createDirectories(tmp.resolve("crema-d/raw"));
        Files.createDirectories(raw.resolve("AudioWAV"));
        Files.createDirectories(raw.resolve("VideoFlash"));
        List<String> ids = new ArrayList<>();
        ids.addAll(List.of("1001_IWW_HAP_XX", "1002_IWW_HAP_XX", "1001_DFA_ANG_XX"));
        ids.addAll(List.of("1041_TIE_NEU_XX", "1071_MTI_SAD_XX"));   // on the committed test list
        for (String id : ids) {
            float[] samples = new float[16_000 * 2];
            for (int t = 0; t < samples.length; t++) {
                samples[t] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * t / 16_000.0));
            }
            Wav.write(raw.resolve("AudioWAV/" + id + ".wav"), samples, 16_000);
            ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=30:duration=2.5", "-c:v", "flv",
                    raw.resolve("VideoFlash/" + id + ".flv").toString());
        }
        Path out = tmp.resolve("crema-d/prepared");
        String log = Scripts.ok("data-scripts/crema-d/prepare.sh", "--raw", raw.toString(), "--out", out.toString());
        assertTrue(log.contains("prepared 5 of 5 clips"), log);
        assertEquals(Map.of("1001_IWW_HAP_XX", "train", "1002_IWW_HAP_XX", "train", "1001_DFA_ANG_XX", "train",
                "1041_TIE_NEU_XX", "test", "1071_MTI_SAD_XX", "test"), splits(out));
        assertEquals("id,label,split,class", Files.readAllLines(out.resolve("clips.csv")).get(0));
        assertTrue(Files.readAllLines(out.resolve("clips.csv")).contains("1001_DFA_ANG_XX,5,train,ANG"));
        for (String id : ids) {
            assertEquals(3, Files.list(out.resolve("frames").resolve(id)).count(), id + ": 2.5 s at 1 fps");
            assertEquals(22_050, Wav.read(out.resolve("audio/" + id + ".wav")).sampleRate());
        }
        // no validation clip with so few clips (the carve is tested in ValidationCarveTest): use a copy of the test
        Files.writeString(out.resolve("clips.csv"), Files.readString(out.resolve("clips.csv"))
                + "1041_TIE_NEU_XX,0,val,NEU\n");
        checkLoadAndTrain(AvConvention.CREMA_D, out, new Shape(1, 257, 1004), 3, 1, 2);
    }

    @Test
    void ave() throws IOException {
        Path raw = Files.createDirectories(tmp.resolve("ave/raw/AVE_Dataset"));
        Files.createDirectories(raw.resolve("AVE"));
        for (String id : List.of("vidA", "vidB", "vidC", "vidD", "vidE")) {
            mp4(raw.resolve("AVE/" + id + ".mp4"), 3);
        }
        Files.writeString(raw.resolve("trainSet.txt"), "Category&VideoID&Quality&StartTime&EndTime\r\n"
                + "Church bell&vidA&good&0&10\r\nMale speech, man speaking&vidB&good&1&9\r\n"
                + "Church bell&vidA&good&0&10\r\n");
        Files.writeString(raw.resolve("valSet.txt"), "Church bell&vidC&good&0&10\n");
        Files.writeString(raw.resolve("testSet.txt"), "Male speech, man speaking&vidD&good&0&10\n"
                + "Church bell&vidE&good&2&5\n");
        Path out = tmp.resolve("ave/prepared");
        String log = Scripts.ok("data-scripts/ave/prepare.sh", "--raw", raw.toString(), "--out", out.toString());
        assertTrue(log.contains("prepared 5 of 5 clips"), log);
        // classes in order of first appearance in testSet.txt (C2KD); a name with a comma stays one field
        assertEquals(List.of("Male speech, man speaking", "Church bell"), Files.readAllLines(out.resolve("classes.txt")));
        checkLoadAndTrain(AvConvention.AVE, out, new Shape(1, 257, 1024), 2, 1, 2);
    }

    /**
     * AVE as C2KD prepares it: a clip whose event lies late ([7, 10) of 10 s) gives 16 kHz audio that is exactly
     * the event's samples of the source repeated to 10 s, and frames from inside the event only (the video's
     * brightness encodes its time); an empty event is widened to one second; the list anomalies are counted.
     */
    @Test
    void aveEventSegment() throws IOException {
        Path raw = Files.createDirectories(tmp.resolve("ave-event/raw"));
        Path videos = Files.createDirectories(raw.resolve("AVE"));
        for (String id : List.of("late", "full", "empty", "early")) {
            timedMp4(videos.resolve(id + ".mp4"), 10);
        }
        Files.writeString(raw.resolve("trainSet.txt"), "Category&VideoID&Quality&StartTime&EndTime\n"
                + "Bark&late&good&7&10\nBark&early&good&0&2\nBark&early&good&0&2\nGoat&empty&good&3&3\n");
        Files.writeString(raw.resolve("valSet.txt"), "Goat&full&good&0&10\n");
        Files.writeString(raw.resolve("testSet.txt"), "Goat&late&good&7&10\nBark&early&good&0&2\n");
        Path out = tmp.resolve("ave-event/prepared");
        String log = Scripts.ok("data-scripts/ave/prepare.sh", "--raw", raw.toString(), "--out", out.toString());
        assertTrue(log.contains("prepared 4 of 4 clips"), log);

        // audio: the event [7 s, 10 s) of the source at 16 kHz, repeated to 160,000 samples
        checkEventAudio(videos.resolve("late.mp4"), out.resolve("audio/late.wav"), 7, 10);
        checkEventAudio(videos.resolve("empty.mp4"), out.resolve("audio/empty.wav"), 3, 4);
        checkEventAudio(videos.resolve("full.mp4"), out.resolve("audio/full.wav"), 0, 10);
        // frames: the first of each second of the event; at least 10 (evenly spaced over a shorter event)
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0), frameTimes(out.resolve("frames/full")));
        for (Object[] event : new Object[][] {{"late", 7.0, 10.0}, {"empty", 3.0, 4.0}, {"early", 0.0, 2.0}}) {
            List<Double> times = frameTimes(out.resolve("frames/" + event[0]));
            assertEquals(10, times.size(), event[0] + ": " + times);
            for (int k = 0; k < times.size(); k++) {
                assertTrue(times.get(k) >= (double) event[1] && times.get(k) < (double) event[2],
                        event[0] + ": frame at " + times.get(k) + " s is outside the event: " + times);
                assertTrue(k == 0 || times.get(k) > times.get(k - 1), event[0] + ": not in time order " + times);
            }
        }

        // the lists: 7 rows of 4 videos; 'early' twice in train (kept once) and in test; 'late' in train and test
        // with different labels; one empty event. All are kept (as C2KD), reported, and nothing fails.
        String json = Files.readString(out.resolve("prepare.json"));
        for (String member : List.of("\"segment\": \"event\"", "\"rows\": 7, \"videos\": 4",
                "\"rows_per_list\": {\"train\": 4, \"val\": 1, \"test\": 2}",
                "\"repeated_in_one_list\": {\"train\": 1, \"val\": 0, \"test\": 0}",
                "\"in_two_lists\": {\"train+val\": 0, \"train+test\": 2, \"val+test\": 0, \"all three\": 0}",
                "\"in_two_lists_with_different_labels\": {\"train+val\": 0, \"train+test\": 1",
                "\"videos_with_more_than_one_label\": 1, \"empty_events\": 1, \"videos_with_different_segments\": 0",
                "\"counts\": {")) {
            assertTrue(json.contains(member), member + " in " + json);
        }
        assertEquals(List.of("kind\tvideo\trows (split:category:start-end)",
                "empty event (end <= start): one second from start used\tempty\ttrain:Goat:3-3",
                "in 2 lists\tearly\ttrain:Bark:0-2 | train:Bark:0-2 | test:Bark:0-2",
                "in 2 lists\tlate\ttrain:Bark:7-10 | test:Goat:7-10",
                "repeated in one list\tearly\ttrain:Bark:0-2 | train:Bark:0-2 | test:Bark:0-2"),
                Files.readAllLines(out.resolve("list-anomalies.tsv")));
        assertEquals(List.of("id,label,split,start,end,class", "late,1,train,7,10,\"Bark\"",
                "early,1,train,0,2,\"Bark\"", "empty,0,train,3,3,\"Goat\"", "full,0,val,0,10,\"Goat\"",
                "late,0,test,7,10,\"Goat\"", "early,1,test,0,2,\"Bark\""),
                Files.readAllLines(out.resolve("clips.csv")));

        // the whole clip stays reachable; one folder never mixes two preparations
        Path whole = tmp.resolve("ave-event/whole");
        Scripts.ok("data-scripts/ave/prepare.sh", "--raw", raw.toString(), "--out", whole.toString(), "--segment",
                "whole");
        assertEquals(10, Files.list(whole.resolve("frames/late")).count(), "1 fps over the whole clip");
        Wav.Clip wholeLate = Wav.read(whole.resolve("audio/late.wav"));
        assertEquals(16_000, wholeLate.sampleRate());
        assertTrue(wholeLate.samples().length >= 159_000, "the whole 10 s: " + wholeLate.samples().length);
        Scripts.Result mixed = Scripts.bash(Map.of(), "data-scripts/ave/prepare.sh", "--raw", raw.toString(), "--out",
                out.toString(), "--segment", "whole");
        assertTrue(mixed.exitCode() != 0 && mixed.output().contains("prepared with 'segment=event"), mixed.output());
    }

    /** The prepared WAV is the source's samples [from s, to s) at 16 kHz (decoded here), repeated to 10 s. */
    private static void checkEventAudio(Path video, Path prepared, int from, int to) {
        Path decoded = prepared.resolveSibling("." + prepared.getFileName() + ".source.wav");
        ffmpeg("-i", video.toString(), "-vn", "-ac", "1", "-af", "aresample=resampler=soxr", "-ar", "16000", "-c:a",
                "pcm_s16le", "-bitexact", decoded.toString());
        float[] source = Wav.read(decoded).samples();
        Wav.Clip clip = Wav.read(prepared);
        assertEquals(16_000, clip.sampleRate());
        assertEquals(160_000, clip.samples().length, prepared + ": 10 s at 16 kHz");
        int start = from * 16_000;
        int length = Math.min(to * 16_000, source.length) - start;
        assertTrue(length > (to - from) * 16_000 - 1_000, "the source holds the event: " + source.length);
        boolean differsFromClipStart = false;
        for (int i = 0; i < clip.samples().length; i++) {
            assertEquals(source[start + i % length], clip.samples()[i], prepared + " sample " + i);
            differsFromClipStart |= from > 0 && clip.samples()[i] != source[i];
        }
        assertTrue(from == 0 || differsFromClipStart, "the check tells the event from the clip's start");
    }

    /** The time (s) of each prepared frame of a {@link #timedMp4}: its frame number, read from the stripes, / 25. */
    private static List<Double> frameTimes(Path frames) throws IOException {
        List<Double> times = new ArrayList<>();
        try (Stream<Path> files = Files.list(frames)) {
            for (Path file : files.sorted().toList()) {
                BufferedImage image = ImageIO.read(file.toFile());
                int number = 0;
                for (int bit = 0; bit < 8; bit++) {
                    double sum = 0;
                    int width = image.getWidth() / 8;
                    for (int y = 0; y < image.getHeight(); y++) {
                        for (int x = bit * width + 2; x < (bit + 1) * width - 2; x++) {
                            sum += image.getRGB(x, y) & 0xFF;
                        }
                    }
                    number |= sum / (image.getHeight() * (width - 4)) > 128 ? 1 << bit : 0;
                }
                times.add(number / 25.0);
            }
        }
        return times;
    }

    /**
     * A {@code seconds}-long MP4 at 25 fps whose frames show their frame number in binary (8 vertical stripes, the
     * lowest bit left), so a frame tells its time, and whose audio is a rising chirp (so a stretch of samples tells
     * its time), AAC at 44.1 kHz.
     */
    private static void timedMp4(Path file, int seconds) {
        ffmpeg("-f", "lavfi", "-i", "color=c=black:size=128x16:rate=25:duration=" + seconds + ",format=gray,"
                + "geq=lum=255*mod(floor(N/pow(2\\,floor(X*8/W)))\\,2)", "-f", "lavfi", "-i",
                "aevalsrc=0.4*sin(2*PI*(200+60*t)*t):s=44100:d=" + seconds, "-c:v", "libx264", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-shortest", file.toString());
    }

    @Test
    void vggSound() throws IOException {
        Path videos = Files.createDirectories(tmp.resolve("vggsound/videos"));
        Path lists = Files.createDirectories(tmp.resolve("vggsound/splits"));
        StringBuilder train = new StringBuilder();
        for (int k = 0; k < 2; k++) {
            String ytid = String.format(Locale.ROOT, "dog-%02d_x", k);
            mp4(videos.resolve(ytid + "_000030.mp4"), 2);
            train.append(ytid).append(",30,dog barking,train\n");
        }
        mp4(videos.resolve("spk_7.mp4"), 2);                       // unpadded start, as some downloads name it
        train.append("spk,7,\"male speech, man speaking\",train\nnotdownloaded,10,dog barking,train\n");
        mp4(videos.resolve("tst1_000000.mp4"), 2);
        mp4(videos.resolve("tst2_000020.mp4"), 2);
        Files.writeString(lists.resolve("train_tiny.csv"), train);
        Files.writeString(lists.resolve("test_tiny.csv"), "tst1,0,\"male speech, man speaking\",test\n"
                + "tst2,20,dog barking,test\n");
        Path out = tmp.resolve("vggsound/prepared");
        // 2 s clips give fewer than 4 frames, which C2KD's rule drops: kept here (ScriptToBenchmarkTest drops one)
        String log = Scripts.ok("data-scripts/vggsound-50/prepare.sh", "--videos", videos.toString(), "--splits",
                lists.toString(), "--out", out.toString(), "--keep-short");
        assertTrue(log.contains("train: 4 listed, 3 found"), log);
        assertTrue(log.contains("test: 2 listed, 2 found"), log);
        assertEquals("train\tnotdownloaded_000010", Files.readString(out.resolve("missing.txt")).trim());
        assertEquals(Map.of("dog-00_x_000030", "train", "dog-01_x_000030", "train", "spk_000007", "train",
                "tst1_000000", "test", "tst2_000020", "test"), splits(out));
        Files.writeString(out.resolve("clips.csv"), Files.readString(out.resolve("clips.csv"))
                + "tst1_000000,1,val,\"male speech, man speaking\"\n");
        checkLoadAndTrain(AvConvention.VGGSOUND_50, out, new Shape(1, 129, 626), 3, 1, 2);
    }

    /** Loads the three splits, checks sizes, shapes and values, and trains one epoch of teacher and student. */
    private static void checkLoadAndTrain(AvConvention convention, Path prepared, Shape audioShape, int trainSize,
            int valSize, int testSize) {
        PreparedAvLoader loader = PreparedAvLoader.builder().setConvention(convention).build();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String split : PreparedAvLoader.SPLITS) {
            PairedSplit loaded = loader.load(prepared, split);
            sizes.put(split, loaded.size());
            assertEquals(audioShape, loaded.sampleShape(0));
            assertEquals(new Shape(3, 224, 224), loaded.sampleShape(1));
            assertEquals(split.equals("train"), loaded.randomViews());
            try (NDManager manager = NDManager.newBaseManager()) {
                Batch batch = loaded.batch(manager, new int[] {0});
                for (int m = 0; m < 2; m++) {
                    float[] values = batch.input(m).toFloatArray();
                    double sum = 0;
                    for (float v : values) {
                        assertTrue(Float.isFinite(v));
                        sum += Math.abs(v);
                    }
                    assertTrue(sum > 0, convention.name() + " " + split + " modality " + m + " is all zero");
                }
            }
        }
        assertEquals(Map.of("train", trainSize, "val", valSize, "test", testSize), Map.copyOf(sizes));

        Path output = tmp.resolve(convention.name() + "/results");
        Settings settings = TestSettings.of(TaskRegistry.get(convention.name()), "profile=ci", "data=" + prepared,
                "output=" + output, "methods=fd-cmkd", "students=" + AvConvention.AUDIO, "batchSize=2", "width=4",
                "maxClips=" + Integer.MAX_VALUE);
        BenchmarkReport report = Runner.train(TaskRegistry.get(convention.name()), settings);
        assertEquals(6, report.results().rowCount(), "teacher and student under three protocols");
        assertTrue(Files.isRegularFile(output.resolve("results/fd-cmkd-audio-seed0.csv")));
    }

    private static Map<String, String> splits(Path prepared) throws IOException {
        Map<String, String> splits = new TreeMap<>();
        for (String line : Files.readAllLines(prepared.resolve("clips.csv")).subList(1, Files.readAllLines(
                prepared.resolve("clips.csv")).size())) {
            String[] fields = line.split(",");
            splits.put(fields[0], fields[2]);
        }
        return splits;
    }

    private static void mp4(Path file, int seconds) {
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=80x60:rate=25:duration=" + seconds, "-f", "lavfi", "-i",
                "sine=frequency=300:duration=" + seconds + ":sample_rate=44100", "-c:v", "libx264", "-pix_fmt",
                "yuv420p", "-c:a", "aac", "-shortest", file.toString());
    }

    private static void ffmpeg(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
        command.addAll(List.of(arguments));
        Scripts.ok("-c", command.stream().map(a -> "'" + a + "'").collect(Collectors.joining(" ")));
    }
}
