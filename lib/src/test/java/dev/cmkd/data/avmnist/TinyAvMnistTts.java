package dev.cmkd.data.avmnist;

import dev.cmkd.data.Sha256;
import dev.cmkd.data.audio.Wav;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a tiny AV-MNIST-TTS dataset in the contract layout (data.md section 3.2): 12 training and 6 test
 * MNIST-like images (label {@code i mod 10}; image {@code i} of a set is a bright 6 x 6 square at a
 * label-dependent position plus pixel value {@code i} in the corner), and 20 clips, 2 speakers x 10
 * digits (speaker 0 is train, speaker 1 test): a tone of {@code 300 + 300 d} Hz after 800 samples of
 * silence. Pairs: train = train images 0-7 (speaker 0), val = train images 8-11 (speaker 0), test =
 * t10k images 0-5 (speaker 1).
 */
public final class TinyAvMnistTts {

    static final int TRAIN_IMAGES = 12;
    static final int TEST_IMAGES = 6;

    private TinyAvMnistTts() {}

    static int label(int image) {
        return image % 10;
    }

    /** Pixel {@code p} (row-major) of image {@code i}. */
    static int pixel(int image, int p) {
        int row = p / 28;
        int col = p % 28;
        int top = 2 + 2 * label(image);
        if (p == 0) {
            return image;
        }
        return row >= top && row < top + 6 && col >= 10 && col < 16 ? 255 : 0;
    }

    static String wav(int digit, int speaker) {
        return String.format("audio/%d_spk%03d_0.wav", digit, speaker);
    }

    static float[] clip(int digit, int speaker) {
        float[] x = new float[16_000];
        for (int t = 800; t < 16_000; t++) {
            x[t] = (float) ((0.5 - 0.1 * speaker) * Math.sin(2 * Math.PI * (300 + 300 * digit) * t / 16_000.0));
        }
        return x;
    }

    /** Writes the tiny dataset under {@code root} and returns it. */
    public static Path build(Path root) {
        try {
            Files.createDirectories(root.resolve("mnist"));
            Files.write(root.resolve("mnist/train-images-idx3-ubyte"), images(TRAIN_IMAGES));
            Files.write(root.resolve("mnist/train-labels-idx1-ubyte"), labels(TRAIN_IMAGES));
            Files.write(root.resolve("mnist/t10k-images-idx3-ubyte"), images(TEST_IMAGES));
            Files.write(root.resolve("mnist/t10k-labels-idx1-ubyte"), labels(TEST_IMAGES));
            StringBuilder clips = new StringBuilder("wav,label,speaker,split,engine,voice,pitch_shift_cents,speed,pitch,rep\n");
            for (int speaker = 0; speaker < 2; speaker++) {
                for (int digit = 0; digit < 10; digit++) {
                    Wav.write(root.resolve(wav(digit, speaker)), clip(digit, speaker), 16_000);
                    clips.append(wav(digit, speaker)).append(',').append(digit).append(',').append(speaker).append(',')
                            .append(speaker == 0 ? "train" : "test").append(",espeak-ng,en-us+m1,0,150,50,0\n");
                }
            }
            Files.writeString(root.resolve("clips.csv"), clips);
            StringBuilder pairs = new StringBuilder("split,image_set,image_index,label,wav\n");
            for (int i = 0; i < TRAIN_IMAGES; i++) {
                pairs.append(i < 8 ? "train" : "val").append(",train,").append(i).append(',').append(label(i))
                        .append(',').append(wav(label(i), 0)).append('\n');
            }
            for (int i = 0; i < TEST_IMAGES; i++) {
                pairs.append("test,t10k,").append(i).append(',').append(label(i)).append(',')
                        .append(wav(label(i), 1)).append('\n');
            }
            Files.writeString(root.resolve("pairs.csv"), pairs);
            Files.writeString(root.resolve("build.json"), "{\"builder\": \"TinyAvMnistTts (test)\"}\n");
            writeManifest(root);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code sha256  path} for every file but the manifest itself. */
    static void writeManifest(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String relative = root.relativize(file).toString();
                if (!relative.equals("manifest.sha256")) {
                    lines.add(Sha256.hex(file) + "  " + relative);
                }
            }
        }
        Files.write(root.resolve("manifest.sha256"), lines);
    }

    private static byte[] images(int count) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * 784);
        buffer.putInt(0x00000803).putInt(count).putInt(28).putInt(28);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < 784; p++) {
                buffer.put((byte) pixel(i, p));
            }
        }
        return buffer.array();
    }

    private static byte[] labels(int count) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + count);
        buffer.putInt(0x00000801).putInt(count);
        for (int i = 0; i < count; i++) {
            buffer.put((byte) label(i));
        }
        return buffer.array();
    }
}
