package dev.cmkd.data.avmnist;

import static dev.cmkd.data.Checks.checkFile;

import dev.cmkd.data.FileFormatException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * Reader of IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST (Y. LeCun, C. Cortes,
 * C. Burges, "The MNIST database of handwritten digits", http://yann.lecun.com/exdb/mnist/): a big-endian
 * header, then the values.
 *
 * <pre>
 *   labels (idx1-ubyte): int32 magic 0x00000801, int32 count,                           count bytes
 *   images (idx3-ubyte): int32 magic 0x00000803, int32 count, int32 rows, int32 columns, count*rows*columns bytes
 * </pre>
 *
 * A file may be gzip-compressed (recognised by its content, not its name). Reading a whole file also
 * requires it to end right after its last item; reading only the first {@code limit} items
 * tolerates anything after them (a truncated download keeps its complete leading items readable).
 *
 * <p>Every error is a {@link FileFormatException} that names the file, the field that is wrong and the fix,
 * e.g. {@code train-images-idx3-ubyte: field 'magic number' is 0x00000801, expected 0x00000803 (IDX
 * ubyte images); fix: download the file again}. Each method takes the fix to name (what a user of the
 * caller should do, e.g. which script rebuilds the data). An I/O error is an {@link UncheckedIOException}
 * naming the file.
 */
public final class Idx {

    /** Magic number of an IDX file of unsigned-byte labels (one dimension). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Magic number of an IDX file of unsigned-byte images (three dimensions). */
    public static final int IMAGES_MAGIC = 0x00000803;

    private static final int LABELS_HEADER_BYTES = 8;
    private static final int IMAGES_HEADER_BYTES = 16;

    private Idx() {}

    /**
     * Images read from an IDX file.
     *
     * @param file the file they were read from
     * @param count number of images
     * @param rows rows per image (28 for MNIST)
     * @param columns columns per image (28 for MNIST)
     * @param pixels {@code count * rows * columns} unsigned bytes, image after image, row-major
     */
    public record Images(Path file, int count, int rows, int columns, byte[] pixels) {

        /** Returns pixel {@code (row, column)} of image {@code index} in [0, 255]. */
        public int pixel(int index, int row, int column) {
            return pixels[(index * rows + row) * columns + column] & 0xff;
        }
    }

    /** Reads all labels of an IDX label file ({@code idx1-ubyte}), each in [0, 255]; errors name {@code fix}. */
    public static int[] readLabels(Path file, String fix) {
        return readLabels(file, Integer.MAX_VALUE, fix);
    }

    /** Reads the first {@code min(limit, count)} labels of an IDX label file; errors name {@code fix}. */
    public static int[] readLabels(Path file, int limit, String fix) {
        try (DataInputStream in = open(file, fix)) {
            checkMagic(file, in, LABELS_MAGIC, "labels", fix);
            int count = readCount(file, in, "count", fix);
            int n = Math.min(count, Math.max(0, limit));
            byte[] bytes = readBody(file, in, n, "labels", count, fix);
            if (n == count) {
                checkEnd(file, in, LABELS_HEADER_BYTES, n, LABELS_HEADER_BYTES + " + " + count + " labels", fix);
            }
            return IntStream.range(0, n).map(i -> bytes[i] & 0xff).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + e.getMessage(), e);
        }
    }

    /** Reads all images of an IDX image file ({@code idx3-ubyte}); errors name {@code fix}. */
    public static Images readImages(Path file, String fix) {
        return readImages(file, Integer.MAX_VALUE, fix);
    }

    /** Reads the first {@code min(limit, count)} images of an IDX image file; errors name {@code fix}. */
    public static Images readImages(Path file, int limit, String fix) {
        try (DataInputStream in = open(file, fix)) {
            checkMagic(file, in, IMAGES_MAGIC, "images", fix);
            int count = readCount(file, in, "count", fix);
            int rows = readCount(file, in, "rows", fix);
            int columns = readCount(file, in, "columns", fix);
            int n = Math.min(count, Math.max(0, limit));
            long size = (long) n * rows * columns;
            checkFile(size <= Integer.MAX_VALUE - 8, file, "%s: fields 'count' x 'rows' x 'columns' = %d x %d x %d is"
                    + " too large to hold in memory (read fewer images with a limit); fix: %s", file, n, rows, columns,
                    fix);
            byte[] pixels = readBody(file, in, (int) size, "pixels", count, fix);
            if (n == count) {
                checkEnd(file, in, IMAGES_HEADER_BYTES, size, String.format(Locale.ROOT,
                        "%d + %d images x %d x %d", IMAGES_HEADER_BYTES, count, rows, columns), fix);
            }
            return new Images(file, n, rows, columns, pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + e.getMessage(), e);
        }
    }

    /** Reads only the number of items a label or image file declares ({@code count}); errors name {@code fix}. */
    public static int count(Path file, String fix) {
        try (DataInputStream in = open(file, fix)) {
            int magic = readInt(file, in, "magic number", fix);
            checkFile(magic == LABELS_MAGIC || magic == IMAGES_MAGIC, file, "%s: field 'magic number' is 0x%08x,"
                    + " expected 0x%08x (labels) or 0x%08x (images): not an IDX ubyte file; fix: %s", file, magic,
                    LABELS_MAGIC, IMAGES_MAGIC, fix);
            return readCount(file, in, "count", fix);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + e.getMessage(), e);
        }
    }


    /**
     * Returns {@code dir/name}, or {@code dir/name.gz} if only the compressed file exists; throws naming
     * both and {@code fix} if neither does.
     */
    public static Path resolve(Path dir, String name, String fix) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gzipped = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        throw new FileFormatException(plain, "missing file " + plain + " (nor " + gzipped.getFileName() + "); fix: "
                + fix);
    }

    private static DataInputStream open(Path file, String fix) throws IOException {
        checkFile(Files.isRegularFile(file), file, "missing file %s; fix: %s", file, fix);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static void checkMagic(Path file, DataInputStream in, int expected, String what, String fix)
            throws IOException {
        int magic = readInt(file, in, "magic number", fix);
        checkFile(magic == expected, file,
                "%s: field 'magic number' is 0x%08x, expected 0x%08x (IDX ubyte %s); fix: %s", file, magic, expected,
                what, fix);
    }

    private static int readCount(Path file, DataInputStream in, String field, String fix) throws IOException {
        int value = readInt(file, in, field, fix);
        checkFile(value >= 0, file, "%s: field '%s' is %d, must not be negative; fix: %s", file, field, value, fix);
        return value;
    }

    private static int readInt(Path file, DataInputStream in, String field, String fix) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new FileFormatException(file, file + ": field '" + field + "' missing: the header is truncated; fix: "
                    + fix, e);
        }
    }

    private static byte[] readBody(Path file, DataInputStream in, int n, String field, int declared, String fix)
            throws IOException {
        byte[] bytes = new byte[n];
        int read = in.readNBytes(bytes, 0, n);
        checkFile(read >= n, file, "%s: field '%s' truncated: the header declares %d items but the file ends after %d"
                + " of the %d bytes needed; fix: %s", file, field, declared, read, n, fix);
        return bytes;
    }

    /** Throws if anything follows the {@code body} bytes after a {@code header}-byte header. */
    private static void checkEnd(Path file, DataInputStream in, int header, long body, String formula, String fix)
            throws IOException {
        long extra = in.transferTo(OutputStream.nullOutputStream());
        checkFile(extra == 0, file, "%s: field 'length' is %d bytes, expected %s = %d: %d bytes follow the last item;"
                + " the file is corrupt; fix: %s", file, header + body + extra, formula, header + body, extra, fix);
    }
}
