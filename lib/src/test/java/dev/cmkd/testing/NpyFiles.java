package dev.cmkd.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes .npy files for tests, byte for byte as numpy.save writes a C-ordered float32 matrix (format 1.0). */
public final class NpyFiles {

    private NpyFiles() {}

    /** Writes {@code values} ({@code rows * columns}, row-major) to {@code file}. */
    public static void writeFloat32(Path file, int rows, int columns, float[] values) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
        int padded = ((10 + header.length() + 1 + 63) / 64) * 64 - 10;
        header = header + " ".repeat(padded - header.length() - 1) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + padded + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded);
        buffer.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (float v : values) {
            buffer.putFloat(v);
        }
        Files.write(file, buffer.array());
    }
}
