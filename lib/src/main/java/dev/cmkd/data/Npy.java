package dev.cmkd.data;

import static dev.cmkd.data.Checks.checkData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a 2-D NumPy {@code .npy} file (format versions 1 to 3) of little-endian float32 ({@code <f4}) or
 * float64 ({@code <f8}) in C order, as written by {@code numpy.save(path, array)}. Specification:
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /**
     * A row-major matrix.
     *
     * @param rows the number of rows
     * @param columns the number of columns
     * @param values {@code rows * columns} values, row after row
     */
    public record Matrix(int rows, int columns, float[] values) {}

    private Npy() {}

    /** Reads {@code file}; {@code fix} ends every error message. */
    public static Matrix readMatrix(Path file, String fix) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new DatasetException("missing file " + file + "; fix: " + fix);
            }
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            checkData(buffer.remaining() > 0 && buffer.get() == b,
                    file + ": field 'magic' is not \\x93NUMPY: not an .npy file; fix: " + fix);
        }
        int major = buffer.get();
        buffer.get();
        long headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort()) : Integer.toUnsignedLong(buffer.getInt());
        checkData(major >= 1 && major <= 3 && headerLength <= buffer.remaining(), file + ": field 'version' " + major
                + " or header length " + headerLength + " is not supported; fix: " + fix);
        byte[] headerBytes = new byte[(int) headerLength];
        buffer.get(headerBytes);
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, "descr", file, fix);
        checkData("False".equals(find(FORTRAN, header, "fortran_order", file, fix)), file + ": field 'fortran_order'"
                + " is True; fix: save a C-ordered array (numpy.ascontiguousarray) — " + fix);
        String[] dims = find(SHAPE, header, "shape", file, fix).split(",");
        checkData(dims.length >= 2 && !dims[1].isBlank() && (dims.length == 2 || dims.length == 3 && dims[2].isBlank()),
                file + ": field 'shape' is (" + String.join(",", dims) + "), expected two dimensions (rows, features);"
                        + " fix: " + fix);
        int rows = Integer.parseInt(dims[0].trim());
        int columns = Integer.parseInt(dims[1].trim());
        int width = switch (descr) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            default -> throw new DatasetException(file + ": field 'descr' is '" + descr
                    + "', expected '<f4' (float32) or '<f8' (float64); fix: " + fix);
        };
        long count = (long) rows * columns;
        checkData(buffer.remaining() == count * width, "%s: %d data bytes, expected %d x %d x %d = %d (truncated?);"
                + " fix: %s", file, buffer.remaining(), rows, columns, width, count * width, fix);
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = width == 4 ? buffer.getFloat() : (float) buffer.getDouble();
        }
        return new Matrix(rows, columns, values);
    }

    private static String find(Pattern pattern, String header, String field, Path file, String fix) {
        Matcher matcher = pattern.matcher(header);
        checkData(matcher.find(), file + ": header field '" + field + "' is missing in " + header.trim() + "; fix: "
                + fix);
        return matcher.group(1);
    }
}
