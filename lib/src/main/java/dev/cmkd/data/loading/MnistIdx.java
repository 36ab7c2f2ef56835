package dev.cmkd.data.loading;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A package-private reader of MNIST's IDX files (big-endian header, unsigned bytes; gzip-compressed files
 * are accepted too): {@code idx3} images with magic {@code 0x00000803} and dimensions {@code count, rows,
 * cols}, {@code idx1} labels with magic {@code 0x00000801} and dimension {@code count}
 * (http://yann.lecun.com/exdb/mnist/, data.md section 5). Kept private to the loader on purpose: the
 * dataset builder has its own reader, and the two can be merged later.
 */
final class MnistIdx {

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private MnistIdx() {}

    /** Images: {@code pixels[i * rows * cols + r * cols + c]}, unsigned. */
    record Images(Path file, int count, int rows, int cols, byte[] pixels) {

        int pixel(int image, int offset) {
            return pixels[image * rows * cols + offset] & 0xFF;
        }
    }

    static Images readImages(Path file, String fix) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes(file, fix));
        checkMagic(file, buffer, IMAGES_MAGIC, "idx3 unsigned-byte images", 16, fix);
        int count = buffer.getInt(4);
        int rows = buffer.getInt(8);
        int cols = buffer.getInt(12);
        checkLength(file, buffer, 16, (long) count * rows * cols, String.format(Locale.ROOT,
                "16 + %d images x %d x %d", count, rows, cols), fix);
        byte[] pixels = new byte[count * rows * cols];
        buffer.get(16, pixels);
        return new Images(file, count, rows, cols, pixels);
    }

    static byte[] readLabels(Path file, String fix) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes(file, fix));
        checkMagic(file, buffer, LABELS_MAGIC, "idx1 unsigned-byte labels", 8, fix);
        int count = buffer.getInt(4);
        checkLength(file, buffer, 8, count, "8 + " + count + " labels", fix);
        byte[] labels = new byte[count];
        buffer.get(8, labels);
        return labels;
    }

    private static byte[] bytes(Path file, String fix) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("missing file " + file + "; fix: " + fix);
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    return in.readAllBytes();
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkMagic(Path file, ByteBuffer buffer, int magic, String kind, int headerBytes,
            String fix) {
        if (buffer.capacity() < headerBytes) {
            throw new DatasetException(String.format(Locale.ROOT,
                    "%s: field 'header' has %d bytes, expected %d (%s); the file is truncated; fix: %s", file,
                    buffer.capacity(), headerBytes, kind, fix));
        }
        if (buffer.getInt(0) != magic) {
            throw new DatasetException(String.format(Locale.ROOT,
                    "%s: field 'magic' is 0x%08X, expected 0x%08X (%s); fix: %s", file, buffer.getInt(0), magic,
                    kind, fix));
        }
        for (int offset = 4; offset < headerBytes; offset += 4) {
            if (buffer.getInt(offset) < 0) {
                throw new DatasetException(String.format(Locale.ROOT,
                        "%s: field 'dimension %d' is %d, expected a count; fix: %s", file, offset / 4 - 1,
                        buffer.getInt(offset), fix));
            }
        }
    }

    private static void checkLength(Path file, ByteBuffer buffer, int header, long payload, String formula,
            String fix) {
        if (buffer.capacity() != header + payload) {
            throw new DatasetException(String.format(Locale.ROOT,
                    "%s: field 'length' is %d bytes, expected %s = %d; the file is truncated or corrupt; fix: %s",
                    file, buffer.capacity(), formula, header + payload, fix));
        }
    }
}
