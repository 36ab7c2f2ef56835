package dev.cmkd.data.avmnist;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reader of IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST (Y. LeCun, C. Cortes,
 * C. Burges, "The MNIST database of handwritten digits"): a big-endian header, then the values.
 *
 * <pre>
 *   labels (idx1-ubyte): int32 magic 0x00000801, int32 count,                           count bytes
 *   images (idx3-ubyte): int32 magic 0x00000803, int32 count, int32 rows, int32 columns, count*rows*columns bytes
 * </pre>
 *
 * A file may be gzip-compressed (recognised by its content, not its name). Every error names the file
 * and the field that is wrong, e.g. {@code train-images-idx3-ubyte: field 'magic number' is
 * 0x00000801, expected 0x00000803 (IDX ubyte images)}.
 */
public final class Idx {

    /** Magic number of an IDX file of unsigned-byte labels (one dimension). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Magic number of an IDX file of unsigned-byte images (three dimensions). */
    public static final int IMAGES_MAGIC = 0x00000803;

    private Idx() {}

    /**
     * Images read from an IDX file.
     *
     * @param count number of images
     * @param rows rows per image (28 for MNIST)
     * @param columns columns per image (28 for MNIST)
     * @param pixels {@code count * rows * columns} unsigned bytes, image after image, row-major
     */
    public record Images(int count, int rows, int columns, byte[] pixels) {

        /** Returns pixel {@code (row, column)} of image {@code index} in [0, 255]. */
        public int pixel(int index, int row, int column) {
            return pixels[(index * rows + row) * columns + column] & 0xff;
        }
    }

    /** Reads all labels of an IDX label file ({@code idx1-ubyte}), each in [0, 255]. */
    public static int[] readLabels(Path file) {
        return readLabels(file, Integer.MAX_VALUE);
    }

    /** Reads the first {@code min(limit, count)} labels of an IDX label file. */
    public static int[] readLabels(Path file, int limit) {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in, LABELS_MAGIC, "labels");
            int count = readCount(file, in, "count");
            int n = Math.min(count, Math.max(0, limit));
            byte[] bytes = readBody(file, in, n, "labels", count);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + e.getMessage(), e);
        }
    }

    /** Reads all images of an IDX image file ({@code idx3-ubyte}). */
    public static Images readImages(Path file) {
        return readImages(file, Integer.MAX_VALUE);
    }

    /** Reads the first {@code min(limit, count)} images of an IDX image file. */
    public static Images readImages(Path file, int limit) {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in, IMAGES_MAGIC, "images");
            int count = readCount(file, in, "count");
            int rows = readCount(file, in, "rows");
            int columns = readCount(file, in, "columns");
            int n = Math.min(count, Math.max(0, limit));
            long size = (long) n * rows * columns;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s: fields 'count' x 'rows' x 'columns' = %d x %d x %d is too large to hold in memory",
                        file, n, rows, columns));
            }
            byte[] pixels = readBody(file, in, (int) size, "pixels", count);
            return new Images(n, rows, columns, pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + e.getMessage(), e);
        }
    }

    /** Reads only the number of items a label or image file declares (its {@code count} field). */
    public static int count(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = readInt(file, in, "magic number");
            if (magic != LABELS_MAGIC && magic != IMAGES_MAGIC) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s: field 'magic number' is 0x%08x, expected 0x%08x (labels) or 0x%08x (images);"
                                + " is this an IDX ubyte file?", file, magic, LABELS_MAGIC, IMAGES_MAGIC));
            }
            return readCount(file, in, "count");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + e.getMessage(), e);
        }
    }

    /**
     * Returns {@code dir/name}, or {@code dir/name.gz} if only the compressed file exists; throws naming
     * both if neither does.
     */
    public static Path resolve(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gzipped = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        throw new IllegalArgumentException("IDX file not found: " + plain + " (nor " + gzipped.getFileName()
                + "); fetch MNIST with data-scripts/av-mnist-tts/build.sh");
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such IDX file");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static void checkMagic(Path file, DataInputStream in, int expected, String what) throws IOException {
        int magic = readInt(file, in, "magic number");
        if (magic != expected) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: field 'magic number' is 0x%08x, expected 0x%08x (IDX ubyte %s)", file, magic, expected,
                    what));
        }
    }

    private static int readCount(Path file, DataInputStream in, String field) throws IOException {
        int value = readInt(file, in, field);
        if (value < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: field '%s' is %d, must not be negative", file, field, value));
        }
        return value;
    }

    private static int readInt(Path file, DataInputStream in, String field) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": field '" + field + "' missing: the header is truncated", e);
        }
    }

    private static byte[] readBody(Path file, DataInputStream in, int n, String field, int declared)
            throws IOException {
        byte[] bytes = new byte[n];
        int read = in.readNBytes(bytes, 0, n);
        if (read < n) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: field '%s' truncated: the header declares %d items but the file ends after %d of the"
                            + " %d bytes needed; download it again", file, field, declared, read, n));
        }
        return bytes;
    }
}
