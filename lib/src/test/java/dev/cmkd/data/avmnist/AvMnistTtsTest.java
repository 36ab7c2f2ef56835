package dev.cmkd.data.avmnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cmkd.data.audio.Wav;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny real build of AV-MNIST-TTS from the committed MNIST fixture: three speakers (flite kal -300
 * cents = train, espeak-ng en-us+m3 = test, en-us+m5 = val), one rep, 20 / 10 / 10 pairs. It needs
 * espeak-ng, flite and sox: they are installed through {@code environment/install-system-packages.sh
 * data} when missing, and the tests are skipped, saying why, if that is impossible.
 */
class AvMnistTtsTest {

    private static final int[] SPEAKERS = {128, 2, 4};
    private static final int TRAIN = 20;
    private static final int VAL = 10;
    private static final int TEST = 10;

    @TempDir
    static Path tmp;

    private static String toolsProblem;
    private static Path first;
    private static Path second;
    private static AvMnistTts.Report firstReport;

    @BeforeAll
    static void buildTwice() throws IOException {
        toolsProblem = ensureTools();
        if (toolsProblem != null) {
            return;
        }
        first = tmp.resolve("first");
        second = tmp.resolve("second");
        firstReport = tiny(first).optThreads(2).build().run();
        tiny(second).optThreads(1).build().run();
    }

    private static AvMnistTts.Builder tiny(Path output) throws IOException {
        Path mnist = output.resolve(AvMnistTts.MNIST_DIR);
        Files.createDirectories(mnist);
        for (String name : List.of(AvMnistTts.TRAIN_IMAGES, AvMnistTts.TRAIN_LABELS, AvMnistTts.TEST_IMAGES,
                AvMnistTts.TEST_LABELS)) {
            Files.copy(MnistFixture.file(name), mnist.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        return AvMnistTts.builder().setOutputDir(output).optSpeakers(SPEAKERS).optReps(1).optTrainPairs(TRAIN)
                .optValPairs(VAL).optTestPairs(TEST);
    }

    /** Returns null if the tools are there (installing them if needed), or why they are not. */
    private static String ensureTools() {
        if (SpeechTools.missing().isEmpty()) {
            return null;
        }
        Path script = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("environment/install-system-packages.sh");
            if (Files.isRegularFile(candidate)) {
                script = candidate;
                break;
            }
        }
        if (script == null) {
            return "espeak-ng/flite/sox missing and environment/install-system-packages.sh not found";
        }
        try {
            Process process = new ProcessBuilder("bash", script.toString(), "data").inheritIO().start();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                return "espeak-ng/flite/sox missing and '" + script + " data' failed (needs root and apt)";
            }
        } catch (IOException e) {
            return "espeak-ng/flite/sox missing and could not run " + script + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while installing espeak-ng/flite/sox";
        }
        return SpeechTools.missing().isEmpty() ? null : "still missing after installing: " + SpeechTools.missing();
    }

    private static void needTools() {
        assumeTrue(toolsProblem == null, () -> "skipped: " + toolsProblem
                + "; install them with environment/install-system-packages.sh data (as root)");
    }

    private static List<String[]> csv(Path file, String header) {
        try {
            List<String> lines = Files.readAllLines(file);
            assertEquals(header, lines.get(0), file + " header");
            List<String[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                rows.add(line.split(",", -1));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void twoBuildsAreIdentical() throws IOException {
        needTools();
        String manifest = Files.readString(first.resolve(AvMnistTts.MANIFEST));
        assertEquals(manifest, Files.readString(second.resolve(AvMnistTts.MANIFEST)),
                "two builds (2 threads and 1 thread) give the same bytes");
        assertEquals(30 + 2, manifest.lines().count(), "30 WAVs, clips.csv and pairs.csv");
        assertEquals(30, firstReport.clips());
        assertEquals(TRAIN + VAL + TEST, firstReport.totalPairs());
        assertEquals(30, AvMnistTts.verifyOrThrow(first) - 2);
        String json = Files.readString(first.resolve(AvMnistTts.BUILD_JSON));
        for (String tool : SpeechTools.TOOLS) {
            assertTrue(json.contains("\"" + tool + "\": \""), "build.json names the version of " + tool);
        }
        assertTrue(json.contains("\"arguments\": \"--reps 1 --train 20 --val 10 --test 10 --seed 20251125"
                + " --speakers 2,4,128\","), json);
    }

    @Test
    void splitsAreSpeakerDisjointAndCoverBothEngines() {
        needTools();
        Map<String, String> splitOfSpeaker = new HashMap<>();
        Set<Split> splits = EnumSet.noneOf(Split.class);
        Set<String> engines = new HashSet<>();
        List<String[]> clips = csv(first.resolve(AvMnistTts.CLIPS_CSV), AvMnistTts.CLIPS_HEADER);
        assertEquals(30, clips.size());
        for (String[] row : clips) {
            int speaker = Integer.parseInt(row[2]);
            assertEquals(Split.ofSpeaker(speaker).csvName(), row[3], "split of speaker " + speaker);
            String previous = splitOfSpeaker.putIfAbsent(row[2], row[3]);
            assertTrue(previous == null || previous.equals(row[3]), "speaker " + speaker + " in one split only");
            splits.add(Split.fromCsv(row[3]));
            engines.add(row[4]);
            assertEquals(Speaker.of(speaker).wavPath(Integer.parseInt(row[1]), Integer.parseInt(row[9])), row[0]);
            assertTrue(Files.isRegularFile(first.resolve(row[0])), row[0]);
        }
        assertEquals(EnumSet.allOf(Split.class), splits);
        assertEquals(Set.of("espeak-ng", "flite"), engines);
    }

    @Test
    void pairsUseClipsOfTheirSplitAndLabel() {
        needTools();
        Map<String, String[]> clips = new HashMap<>();
        for (String[] row : csv(first.resolve(AvMnistTts.CLIPS_CSV), AvMnistTts.CLIPS_HEADER)) {
            clips.put(row[0], row);
        }
        int[] trainLabels = Idx.readLabels(MnistFixture.file(AvMnistTts.TRAIN_LABELS), "rebuild the fixture");
        int[] testLabels = Idx.readLabels(MnistFixture.file(AvMnistTts.TEST_LABELS), "rebuild the fixture");
        List<String[]> pairs = csv(first.resolve(AvMnistTts.PAIRS_CSV), AvMnistTts.PAIRS_HEADER);
        assertEquals(TRAIN + VAL + TEST, pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            String[] pair = pairs.get(i);
            String split = i < TRAIN ? "train" : i < TRAIN + VAL ? "val" : "test";
            int index = i < TRAIN + VAL ? i : i - TRAIN - VAL;
            assertEquals(split, pair[0]);
            assertEquals(i < TRAIN + VAL ? "train" : "t10k", pair[1]);
            assertEquals(index, Integer.parseInt(pair[2]));
            int label = (i < TRAIN + VAL ? trainLabels : testLabels)[index];
            assertEquals(label, Integer.parseInt(pair[3]), "pair " + i + " carries the image's label");
            String[] clip = clips.get(pair[4]);
            assertNotNull(clip, pair[4]);
            assertEquals(split, clip[3], "pair " + i + " uses a clip of its split");
            assertEquals(label, Integer.parseInt(clip[1]), "pair " + i + " uses a clip of its label");
        }
    }

    @Test
    void wavsAreExactly16kMono16BitOneSecond() throws IOException {
        needTools();
        try (Stream<Path> files = Files.list(first.resolve(AvMnistTts.AUDIO_DIR))) {
            List<Path> wavs = files.sorted().toList();
            assertEquals(30, wavs.size(), "no stray files in audio/");
            for (Path file : wavs) {
                assertTrue(file.getFileName().toString().matches("\\d_spk\\d{3}_\\d\\.wav"), file.toString());
                byte[] bytes = Files.readAllBytes(file);
                assertEquals(44 + 32_000, bytes.length, file + " size");
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(0x46464952, b.getInt(0), "RIFF");
                assertEquals(36 + 32_000, b.getInt(4));
                assertEquals(0x45564157, b.getInt(8), "WAVE");
                assertEquals(16, b.getInt(16), "fmt size");
                assertEquals(1, b.getShort(20), "PCM");
                assertEquals(1, b.getShort(22), "mono");
                assertEquals(16_000, b.getInt(24), "16 kHz");
                assertEquals(32_000, b.getInt(28), "byte rate");
                assertEquals(2, b.getShort(32), "block align");
                assertEquals(16, b.getShort(34), "16 bits");
                assertEquals(32_000, b.getInt(40), "data size");
                short[] samples = Wav.decode(bytes, file).samples();
                int peak = 0;
                for (int i = 0; i < samples.length; i++) {
                    if (i < 800) {
                        assertEquals(0, samples[i], file + ": 50 ms of silence first");
                    }
                    peak = Math.max(peak, Math.abs(samples[i]));
                }
                assertEquals(Math.round(0.708 * 32767), peak, file + ": peak at -3 dBFS");
                long speech = java.util.stream.IntStream.range(800, 16_000).filter(i -> samples[i] != 0).count();
                assertTrue(speech > 1600, file + ": at least 0.1 s of speech, found " + speech + " samples");
            }
        }
    }

    @Test
    void corruptedOrMissingFilesFailVerificationByName() throws IOException {
        needTools();
        Path copy = tmp.resolve("corrupt");
        copyTree(first, copy);
        assertTrue(AvMnistTts.verify(copy).ok());
        Path wav = copy.resolve("audio/3_spk002_0.wav");
        byte[] bytes = Files.readAllBytes(wav);
        bytes[5000] ^= 1;
        Files.write(wav, bytes);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AvMnistTts.verifyOrThrow(copy));
        assertTrue(e.getMessage().contains("audio/3_spk002_0.wav"), e.getMessage());
        assertTrue(e.getMessage().contains("rebuild"), e.getMessage());

        Files.delete(copy.resolve(AvMnistTts.PAIRS_CSV));
        Manifest.Check check = AvMnistTts.verify(copy);
        assertFalse(check.ok());
        assertEquals(List.of("audio/3_spk002_0.wav", "pairs.csv: missing"),
                check.problems().stream().map(p -> p.startsWith("audio/") ? p.substring(0, p.indexOf(':')) : p).toList());

        Files.delete(copy.resolve(AvMnistTts.MANIFEST));
        e = assertThrows(IllegalStateException.class, () -> AvMnistTts.verifyOrThrow(copy));
        assertTrue(e.getMessage().contains("manifest.sha256: missing"), e.getMessage());
    }

    @Test
    void interruptedOrDamagedBuildRerunsCleanly() throws IOException {
        needTools();
        Path copy = tmp.resolve("rerun");
        copyTree(first, copy);
        AvMnistTts build = tiny(copy).build();
        assertTrue(build.isUpToDate());
        AvMnistTts.Report again = build.run();
        assertTrue(again.upToDate(), "an identical verified build is left alone");

        // as if killed mid-way: build.json gone, a temporary file and the work folder left behind, a WAV damaged
        Files.delete(copy.resolve(AvMnistTts.BUILD_JSON));
        Files.writeString(copy.resolve("audio/.0_spk002_0.wav123.part"), "partial");
        Files.createDirectories(copy.resolve(".work"));
        Files.writeString(copy.resolve("audio/5_spk128_0.wav"), "damaged");
        assertFalse(build.isUpToDate());
        AvMnistTts.Report rebuilt = build.run();
        assertFalse(rebuilt.upToDate());
        assertEquals(Files.readString(first.resolve(AvMnistTts.MANIFEST)), Files.readString(copy.resolve(AvMnistTts.MANIFEST)));
        AvMnistTts.verifyOrThrow(copy);
        assertFalse(Files.exists(copy.resolve("audio/.0_spk002_0.wav123.part")));
        assertFalse(Files.exists(copy.resolve(".work")));

        // different parameters are not "up to date"
        assertFalse(tiny(copy).optSeed(7).build().isUpToDate());
    }

    @Test
    void wordByWordFallbackGivesCompatibleClips() throws IOException {
        needTools();
        Path work = tmp.resolve("fallback-work");
        Files.createDirectories(work);
        Synthesizer synthesizer = new Synthesizer(work, 20251125L);
        Speaker speaker = Speaker.of(2);
        Synthesizer.Rendition batch = synthesizer.render(speaker, 0);
        Synthesizer.Rendition words = synthesizer.wordByWord(speaker, 0);
        assertFalse(batch.fellBack());
        assertTrue(words.fellBack());
        for (int digit = 0; digit < 10; digit++) {
            double batchSeconds = speechSeconds(batch.wavs()[digit]);
            double wordSeconds = speechSeconds(words.wavs()[digit]);
            assertTrue(Math.abs(batchSeconds - wordSeconds) < 0.15, String.format(
                    "digit %d: batch-cut %.3f s vs single word %.3f s", digit, batchSeconds, wordSeconds));
        }
    }

    private static double speechSeconds(byte[] wav) {
        short[] samples = Wav.decode(wav, Path.of("clip")).samples();
        int last = 0;
        for (int i = 0; i < samples.length; i++) {
            if (samples[i] != 0) {
                last = i;
            }
        }
        return (last - 800) / 16_000.0;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
