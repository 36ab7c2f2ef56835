package dev.cmkd.data.avmnist;

import static dev.cmkd.data.avmnist.MnistFixture.TEST_IMAGES;
import static dev.cmkd.data.avmnist.MnistFixture.TEST_LABELS;
import static dev.cmkd.data.avmnist.MnistFixture.TRAIN_IMAGES;
import static dev.cmkd.data.avmnist.MnistFixture.TRAIN_LABELS;
import static dev.cmkd.data.avmnist.MnistFixture.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.FileFormatException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * The IDX reader on the committed MNIST fixture and on broken files: errors name the file, the field and
 * the fix the caller names.
 */
class IdxTest {

    private static final String FIX = "rebuild it with build.sh";

    @TempDir
    Path dir;

    @Test
    void readsTheFixture() {
        int[] labels = Idx.readLabels(file(TRAIN_LABELS), FIX);
        assertEquals(60, labels.length);
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(labels, 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4}, Idx.readLabels(file(TEST_LABELS), 5, FIX));
        Idx.Images images = Idx.readImages(file(TRAIN_IMAGES), FIX);
        assertEquals(file(TRAIN_IMAGES), images.file());
        assertEquals(60, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.columns());
        assertEquals(60 * 784, images.pixels().length);
        assertEquals(40, Idx.count(file(TEST_IMAGES), FIX));
        double mean = 0;
        for (byte pixel : images.pixels()) {
            mean += pixel & 0xff;
        }
        mean /= images.pixels().length;
        assertTrue(mean > 20 && mean < 50, "mean pixel " + mean + " should be MNIST-like (about 33)");
        assertEquals(images.pixels()[(7 * 28 + 12) * 28 + 15] & 0xff, images.pixel(7, 12, 15), "row-major pixel");
    }

    @Test
    void readsWithALimitAndResolvesThePlainFile() {
        assertArrayEquals(new int[] {7, 2, 1}, Idx.readLabels(file(TEST_LABELS), 3, FIX));
        assertEquals(2, Idx.readImages(file(TEST_IMAGES), 2, FIX).count());
        assertEquals(60, Idx.count(file(TRAIN_LABELS), FIX));
        assertEquals(file(TEST_LABELS), Idx.resolve(file(TEST_LABELS).getParent(), TEST_LABELS, FIX));
    }

    @Test
    void readsGzipByContent() throws IOException {
        Path gz = dir.resolve("t10k-labels-idx1-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(file(TEST_LABELS)));
        }
        assertArrayEquals(Idx.readLabels(file(TEST_LABELS), FIX), Idx.readLabels(gz, FIX));
        assertEquals(gz, Idx.resolve(dir, "t10k-labels-idx1-ubyte", FIX));

        // content, not name: a gzip-compressed file without .gz reads the same
        Path images = dir.resolve("images-idx3-ubyte");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(images))) {
            out.write(Files.readAllBytes(file(TEST_IMAGES)));
        }
        assertArrayEquals(Idx.readImages(file(TEST_IMAGES), FIX).pixels(), Idx.readImages(images, FIX).pixels());
    }

    @Test
    void wrongMagicNamesFileAndField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Idx.readImages(file(TRAIN_LABELS), FIX));
        assertTrue(e.getMessage().contains(TRAIN_LABELS), e.getMessage());
        assertTrue(e.getMessage().contains("field 'magic number' is 0x00000801, expected 0x00000803"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; fix: " + FIX), e.getMessage());

        // the other way round, with the caller's fix (as the loader reads labels)
        FileFormatException labels = expect(() -> Idx.readLabels(file(TEST_IMAGES), FIX), TEST_IMAGES,
                TEST_IMAGES + ": field 'magic number' is 0x00000803", "0x00000801");
        assertEquals(file(TEST_IMAGES), labels.file());
        expect(() -> Idx.count(file(TEST_IMAGES).getParent().resolve("README.md"), FIX), "README.md",
                "field 'magic number'", "not an IDX ubyte file");
    }

    @Test
    void truncatedBodyNamesFileAndField() throws IOException {
        Path file = dir.resolve("cut-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(file(TRAIN_IMAGES));
        Files.write(file, Arrays.copyOf(bytes, 16 + 784 * 3 + 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(file, FIX));
        assertTrue(e.getMessage().contains("cut-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("field 'pixels' truncated"), e.getMessage());
        assertEquals(3, Idx.readImages(file, 3, FIX).count(), "the complete leading images stay readable");
        expect(() -> Idx.readImages(file, FIX), "cut-images-idx3-ubyte", "field 'pixels' truncated",
                "the header declares 60 items");

        Path labels = dir.resolve("cut-labels-idx1-ubyte");
        Files.write(labels, Arrays.copyOf(Files.readAllBytes(file(TRAIN_LABELS)), 8 + 59));
        expect(() -> Idx.readLabels(labels, FIX), "cut-labels-idx1-ubyte", "field 'labels' truncated");
    }

    @Test
    void trailingBytesAreRejectedWhenReadingTheWholeFile() throws IOException {
        Path images = dir.resolve("long-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(file(TEST_IMAGES));
        Files.write(images, Arrays.copyOf(bytes, bytes.length + 5));
        expect(() -> Idx.readImages(images, FIX), "long-images-idx3-ubyte",
                "field 'length' is " + (bytes.length + 5) + " bytes",
                "expected 16 + 40 images x 28 x 28 = " + bytes.length);
        assertEquals(39, Idx.readImages(images, 39, FIX).count(),
                "a limit below the count reads only the leading images");
        expect(() -> Idx.readImages(images, 40, FIX), "field 'length'", "5 bytes follow the last item");

        Path labels = dir.resolve("long-labels-idx1-ubyte");
        Files.write(labels, Arrays.copyOf(Files.readAllBytes(file(TEST_LABELS)), 8 + 40 + 1));
        expect(() -> Idx.readLabels(labels, FIX), "long-labels-idx1-ubyte",
                "field 'length' is 49 bytes, expected 8 + 40 labels = 48");
        assertEquals(39, Idx.readLabels(labels, 39, FIX).length);
    }

    @Test
    void truncatedHeaderAndNegativeCountNameTheField() throws IOException {
        Path shortFile = dir.resolve("short-idx1-ubyte");
        Files.write(shortFile, new byte[] {0, 0, 8, 1, 0, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(shortFile, FIX));
        assertTrue(e.getMessage().contains("short-idx1-ubyte: field 'count' missing"), e.getMessage());

        Path negative = dir.resolve("negative-idx3-ubyte");
        Files.write(negative, ByteBuffer.allocate(16).putInt(Idx.IMAGES_MAGIC).putInt(1).putInt(-28).putInt(28).array());
        e = assertThrows(IllegalArgumentException.class, () -> Idx.readImages(negative, FIX));
        assertTrue(e.getMessage().contains("negative-idx3-ubyte: field 'rows' is -28"), e.getMessage());

        Path empty = Files.write(dir.resolve("empty-idx3-ubyte"), new byte[0]);
        expect(() -> Idx.readImages(empty, FIX), "empty-idx3-ubyte: field 'magic number' missing");
    }

    @Test
    void missingFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Idx.resolve(dir, "train-images-idx3-ubyte", FIX));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(dir.resolve("nothing"), FIX));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
        expect(() -> Idx.readLabels(dir.resolve("t10k-labels-idx1-ubyte"), FIX), "missing file",
                "t10k-labels-idx1-ubyte");
        expect(() -> Idx.resolve(dir, "t10k-images-idx3-ubyte", FIX), "missing file", "t10k-images-idx3-ubyte.gz");
    }

    /** Asserts a {@link FileFormatException} whose message has every fragment and ends with {@code "; fix: " + FIX}. */
    private static FileFormatException expect(Executable action, String... fragments) {
        FileFormatException e = assertThrows(FileFormatException.class, action);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
        assertTrue(e.getMessage().endsWith("; fix: " + FIX), e.getMessage());
        return e;
    }
}
