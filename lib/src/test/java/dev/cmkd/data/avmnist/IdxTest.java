package dev.cmkd.data.avmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on the committed MNIST fixture and on broken files: errors name the file and the field. */
class IdxTest {

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(IdxTest.class.getResource("/avmnist/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsTheFixture() {
        int[] labels = Idx.readLabels(fixture(AvMnistTts.TRAIN_LABELS));
        assertEquals(60, labels.length);
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(labels, 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4}, Idx.readLabels(fixture(AvMnistTts.TEST_LABELS), 5));
        Idx.Images images = Idx.readImages(fixture(AvMnistTts.TRAIN_IMAGES));
        assertEquals(60, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.columns());
        assertEquals(60 * 784, images.pixels().length);
        assertEquals(40, Idx.count(fixture(AvMnistTts.TEST_IMAGES)));
        double mean = 0;
        for (byte pixel : images.pixels()) {
            mean += pixel & 0xff;
        }
        mean /= images.pixels().length;
        assertTrue(mean > 20 && mean < 50, "mean pixel " + mean + " should be MNIST-like (about 33)");
    }

    @Test
    void readsGzipByContent() throws IOException {
        Path gz = dir.resolve("t10k-labels-idx1-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(fixture(AvMnistTts.TEST_LABELS)));
        }
        assertArrayEquals(Idx.readLabels(fixture(AvMnistTts.TEST_LABELS)), Idx.readLabels(gz));
        assertEquals(gz, Idx.resolve(dir, "t10k-labels-idx1-ubyte"));
    }

    @Test
    void wrongMagicNamesFileAndField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Idx.readImages(fixture(AvMnistTts.TRAIN_LABELS)));
        assertTrue(e.getMessage().contains(AvMnistTts.TRAIN_LABELS), e.getMessage());
        assertTrue(e.getMessage().contains("field 'magic number' is 0x00000801, expected 0x00000803"), e.getMessage());
    }

    @Test
    void truncatedBodyNamesFileAndField() throws IOException {
        Path file = dir.resolve("cut-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(fixture(AvMnistTts.TRAIN_IMAGES));
        Files.write(file, Arrays.copyOf(bytes, 16 + 784 * 3 + 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(file));
        assertTrue(e.getMessage().contains("cut-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("field 'pixels' truncated"), e.getMessage());
        assertEquals(3, Idx.readImages(file, 3).count(), "the complete leading images stay readable");
    }

    @Test
    void truncatedHeaderAndNegativeCountNameTheField() throws IOException {
        Path shortFile = dir.resolve("short-idx1-ubyte");
        Files.write(shortFile, new byte[] {0, 0, 8, 1, 0, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(shortFile));
        assertTrue(e.getMessage().contains("short-idx1-ubyte: field 'count' missing"), e.getMessage());

        Path negative = dir.resolve("negative-idx3-ubyte");
        Files.write(negative, ByteBuffer.allocate(16).putInt(Idx.IMAGES_MAGIC).putInt(1).putInt(-28).putInt(28).array());
        e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(negative));
        assertTrue(e.getMessage().contains("negative-idx3-ubyte: field 'rows' is -28"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Idx.resolve(dir, "train-images-idx3-ubyte"));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
    }
}
