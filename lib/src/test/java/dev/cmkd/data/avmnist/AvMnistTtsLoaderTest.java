package dev.cmkd.data.avmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.DatasetException;
import dev.cmkd.data.ImageNormalization;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.Batch;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.audio.LogMel;
import dev.cmkd.data.audio.LogSpectrogram;
import dev.cmkd.data.audio.Wav;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** {@link AvMnistTtsLoader} on a tiny dataset written in the contract layout ({@link TinyAvMnistTts}). */
class AvMnistTtsLoaderTest {

    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void createManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }

    /** All values of modality {@code m}, sample after sample. */
    static float[] values(PairedSplit split, int m) {
        int[] all = IntStream.range(0, split.size()).toArray();
        try (NDManager scope = manager.newSubManager()) {
            return split.batch(scope, all).input(m).toFloatArray();
        }
    }

    @Test
    void loadsEachSplitWithShapesLabelsAndModalities() {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        AvMnistTtsLoader loader = AvMnistTtsLoader.builder().build();
        LogMel logMel = LogMel.builder().build();
        int[][] images = {{0, 1, 2, 3, 4, 5, 6, 7}, {8, 9, 10, 11}, {0, 1, 2, 3, 4, 5}};
        for (int s = 0; s < 3; s++) {
            String name = AvMnistTtsLoader.SPLITS.get(s);
            PairedSplit split = loader.load(root, name);
            assertEquals(name, split.name());
            assertEquals(List.of("image", "audio"), split.modalities());
            assertEquals(10, split.numClasses());
            assertEquals(images[s].length, split.size());
            assertEquals(new Shape(1, 28, 28), split.sampleShape(split.modalityIndex("image")));
            assertEquals(new Shape(1, 40, 101), split.sampleShape(split.modalityIndex("audio")));
            float[] pixels = values(split, 0);
            float[] audio = values(split, 1);
            int speaker = name.equals("test") ? 1 : 0;
            for (int i = 0; i < split.size(); i++) {
                int image = images[s][i];
                assertEquals(TinyAvMnistTts.label(image), split.label(i), name + " label " + i);
                for (int p = 0; p < 784; p++) {
                    assertEquals(TinyAvMnistTts.pixel(image, p) / 255f, pixels[i * 784 + p], name + " pixel");
                }
                float[] expected = logMel.compute(Wav.readMono16(root.resolve(TinyAvMnistTts.wav(split.label(i), speaker)),
                        16_000));
                assertArrayEquals(expected, Arrays.copyOfRange(audio, i * 4040, (i + 1) * 4040), name + " audio " + i);
            }
            try (NDManager scope = manager.newSubManager()) {
                Batch batch = split.batch(scope, new int[] {1, 0});
                assertEquals(new Shape(2, 1, 28, 28), batch.input(0).getShape());
                assertEquals(new Shape(2, 1, 40, 101), batch.input(1).getShape());
            }
        }
        PairedSplit limited = AvMnistTtsLoader.builder().optMaxPairs(3).build().load(root, "train");
        assertEquals(3, limited.size());
    }

    @Test
    void linearLogStftFrontEnd() {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        LogSpectrogram stft = LogSpectrogram.builder().optSampleRate(16_000).build();
        PairedSplit split = AvMnistTtsLoader.builder().optFrontEnd(stft).build().load(root, "test");
        assertEquals(new Shape(1, 257, 98), split.sampleShape(1));
        float[] audio = values(split, 1);
        float[] expected = stft.compute(Wav.readMono16(root.resolve(TinyAvMnistTts.wav(0, 1)), 16_000));
        assertArrayEquals(expected, Arrays.copyOf(audio, expected.length));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvMnistTtsLoader.builder().optFrontEnd(LogSpectrogram.builder().build()).build());
        assertTrue(e.getMessage().contains("sampleRate 22050") && e.getMessage().contains("optSampleRate(16000)"),
                e.getMessage());
    }

    @Test
    void trainStandardizationUsesTrainStatistics() {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        AvMnistTtsLoader loader = AvMnistTtsLoader.builder()
                .optImageNormalization(ImageNormalization.TRAIN_STANDARDIZED).build();
        float[] train = values(loader.load(root, "train"), 0);
        double mean = 0;
        for (int i = 0; i < 8; i++) {
            for (int p = 0; p < 784; p++) {
                mean += TinyAvMnistTts.pixel(i, p) / 255.0 / (8 * 784);
            }
        }
        double squares = 0;
        for (int i = 0; i < 8; i++) {
            for (int p = 0; p < 784; p++) {
                double v = TinyAvMnistTts.pixel(i, p) / 255.0 - mean;
                squares += v * v / (8 * 784);
            }
        }
        double std = Math.sqrt(squares);
        assertEquals(0, Arrays.stream(box(train)).mapToDouble(Float::doubleValue).average().orElseThrow(), 1e-5);
        float[] test = values(loader.load(root, "test"), 0);
        for (int p = 0; p < 784; p++) {
            assertEquals((TinyAvMnistTts.pixel(3, p) / 255.0 - mean) / std, test[3 * 784 + p], 1e-5, "test pixel " + p);
        }
    }

    @Test
    void noiseIsDeterministicAndChangesAudioOnly() {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        PairedSplit clean = AvMnistTtsLoader.builder().build().load(root, "train");
        PairedSplit noisy = AvMnistTtsLoader.builder().optSnrDb(0).build().load(root, "train");
        PairedSplit again = AvMnistTtsLoader.builder().optSnrDb(0).build().load(root, "train");
        PairedSplit otherSeed = AvMnistTtsLoader.builder().optSnrDb(0).optNoiseSeed(7).build().load(root, "train");
        assertArrayEquals(values(clean, 0), values(noisy, 0), "images are never noised");
        assertArrayEquals(values(noisy, 1), values(again, 1), "same seed, same noise");
        assertFalse(Arrays.equals(values(clean, 1), values(noisy, 1)), "noise changes the audio");
        assertFalse(Arrays.equals(values(noisy, 1), values(otherSeed, 1)), "another seed, another noise");
        for (int i = 0; i < clean.size(); i++) {
            assertEquals(clean.label(i), noisy.label(i));
        }

        float[] signal = TinyAvMnistTts.clip(3, 0);
        for (double snr : new double[] {10, 0, -5}) {
            float[] mixed = AvMnistTtsLoader.addNoise(signal, snr, 1, 42);
            assertArrayEquals(mixed, AvMnistTtsLoader.addNoise(signal, snr, 1, 42));
            assertFalse(Arrays.equals(mixed, AvMnistTtsLoader.addNoise(signal, snr, 1, 43)), "pair index seeds");
            double signalPower = 0;
            double noisePower = 0;
            for (int t = 0; t < signal.length; t++) {
                signalPower += signal[t] * signal[t];
                noisePower += (mixed[t] - signal[t]) * (mixed[t] - signal[t]);
            }
            assertEquals(snr, 10 * Math.log10(signalPower / noisePower), 0.2, "realised SNR");
        }
        assertArrayEquals(new float[100], AvMnistTtsLoader.addNoise(new float[100], 0, 1, 0), "silence stays silent");
    }

    @Test
    void cacheIsUsedAndKeyedOnSnrAndManifest() throws IOException {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        Path cache = dir.resolve("cache");
        AvMnistTtsLoader cached = AvMnistTtsLoader.builder().optCacheDir(cache).build();
        float[] computed = values(cached.load(root, "test"), 1);
        List<Path> data = files(cache, ".f32");
        assertEquals(1, data.size());
        Path header = Path.of(data.get(0).toString().replace(".f32", ".json"));
        String headerText = Files.readString(header);
        assertTrue(headerText.contains("\"sampleShape\": [1, 40, 101]") && headerText.contains("\"snrDb\": null")
                && headerText.contains("\"manifestSha256\"") && headerText.contains("\"fMax\": 8000.0"), headerText);
        assertEquals(4L * 6 * 4040, Files.size(data.get(0)));
        assertArrayEquals(computed, readFloats(data.get(0)), "the cache holds the features");

        // the second load reads the cache: a marked cache file shows through
        fill(data.get(0), 7f);
        assertTrue(allEqual(values(cached.load(root, "test"), 1), 7f), "second load must come from the cache");

        // another SNR is another entry
        float[] noisy = values(AvMnistTtsLoader.builder().optCacheDir(cache).optSnrDb(5).build().load(root, "test"), 1);
        assertEquals(2, files(cache, ".f32").size());
        assertFalse(allEqual(noisy, 7f));

        // a damaged header makes the entry stale: recomputed and rewritten
        Files.writeString(header, headerText.replace("\"snrDb\": null", "\"snrDb\": 3.0"));
        assertArrayEquals(computed, values(cached.load(root, "test"), 1));
        assertEquals(headerText, Files.readString(header));

        // a rebuilt dataset (new manifest) never reads the old entry
        fill(data.get(0), 7f);
        Files.writeString(root.resolve("manifest.sha256"), "rebuilt\n", java.nio.file.StandardOpenOption.APPEND);
        assertArrayEquals(computed, values(cached.load(root, "test"), 1));
        assertEquals(3, files(cache, ".f32").size());
    }

    @Test
    void errorsNameFileLineFieldAndFix() throws IOException {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        AvMnistTtsLoader loader = AvMnistTtsLoader.builder().build();
        Path pairs = root.resolve("pairs.csv");
        String original = Files.readString(pairs);

        Files.writeString(pairs, original.replace("train,train,2,2,", "train,train,abc,2,"));
        expect(() -> loader.load(root, "train"), "pairs.csv line 4, field 'image_index': 'abc'", "build.sh");
        Files.writeString(pairs, original.replace("train,train,2,2,", "train,train,2,5,"));
        expect(() -> loader.load(root, "train"), "pairs.csv line 4, field 'label': '5'", "MNIST label 2");
        Files.writeString(pairs, original.replace("train,train,2,2,", "train,train,99,2,"));
        expect(() -> loader.load(root, "train"), "pairs.csv line 4, field 'image_index': '99'", "[0, 12)");
        Files.writeString(pairs, original.replace("val,train,9,", "holdout,train,9,"));
        expect(() -> loader.load(root, "val"), "pairs.csv line 11, field 'split': 'holdout'", "build.sh");
        Files.writeString(pairs, original.replace("split,image_set", "split,imageset"));
        expect(() -> loader.load(root, "train"), "pairs.csv line 1 (header): column 'image_set' is missing", "build.sh");
        Files.writeString(pairs, original);

        Files.delete(root.resolve(TinyAvMnistTts.wav(4, 1)));
        expect(() -> loader.load(root, "test"), "pairs.csv line 18, field 'wav'", "4_spk001_0.wav");
        Wav.write(root.resolve(TinyAvMnistTts.wav(4, 1)), new float[16_000], 22_050);
        expect(() -> loader.load(root, "test"), "'sample rate' is 22050 Hz", "4_spk001_0.wav");
        Wav.write(root.resolve(TinyAvMnistTts.wav(4, 1)), new float[8_000], 16_000);
        expect(() -> loader.load(root, "test"), "field 'samples' is 8000, expected exactly 16000", "line 18");

        Path images = root.resolve("mnist/t10k-images-idx3-ubyte");
        byte[] imageBytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(imageBytes, imageBytes.length + 1));
        expect(() -> loader.load(root, "test"), "t10k-images-idx3-ubyte: field 'length' is 4721 bytes",
                "16 + 6 images x 28 x 28 = 4720", "fix: " + AvMnistTtsLoader.FIX);
        Files.write(images, Arrays.copyOf(imageBytes, 16 + 784 * 5));
        expect(() -> loader.load(root, "test"), "t10k-images-idx3-ubyte: field 'pixels' truncated",
                "fix: " + AvMnistTtsLoader.FIX);
        Files.write(images, imageBytes);

        Path labels = root.resolve("mnist/t10k-labels-idx1-ubyte");
        byte[] labelBytes = Files.readAllBytes(labels);
        labelBytes[3] = 0x03;
        Files.write(labels, labelBytes);
        expect(() -> loader.load(root, "test"), "t10k-labels-idx1-ubyte: field 'magic number' is 0x00000803",
                "0x00000801", "fix: " + AvMnistTtsLoader.FIX);
        Files.delete(labels);
        expect(() -> loader.load(root, "test"), "missing file", "t10k-labels-idx1-ubyte",
                "fix: " + AvMnistTtsLoader.FIX);

        Files.delete(pairs);
        expect(() -> loader.load(root, "train"), "missing file " + pairs, "data-scripts/av-mnist-tts/build.sh");
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class, () -> loader.load(root, "dev"));
        assertTrue(split.getMessage().contains("'dev'") && split.getMessage().contains("[train, val, test]"));
    }

    @Test
    void cacheNeedsTheManifest() throws IOException {
        Path root = TinyAvMnistTts.build(dir.resolve("data"));
        Files.delete(root.resolve("manifest.sha256"));
        expect(() -> AvMnistTtsLoader.builder().optCacheDir(dir.resolve("cache")).build().load(root, "val"),
                "manifest.sha256", "without optCacheDir");
        assertEquals(4, AvMnistTtsLoader.builder().build().load(root, "val").size());
    }

    private static void expect(Executable action, String... fragments) {
        DatasetException e = assertThrows(DatasetException.class, action);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
    }

    private static List<Path> files(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static void fill(Path file, float value) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) Files.size(file)).order(ByteOrder.LITTLE_ENDIAN);
        while (bytes.hasRemaining()) {
            bytes.putFloat(value);
        }
        Files.write(file, bytes.array());
    }

    private static boolean allEqual(float[] values, float value) {
        for (float v : values) {
            if (v != value) {
                return false;
            }
        }
        return true;
    }

    private static Float[] box(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
