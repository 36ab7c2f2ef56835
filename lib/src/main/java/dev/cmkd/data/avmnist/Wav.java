package dev.cmkd.data.avmnist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Minimal RIFF/WAVE codec for 16-bit PCM, enough for the tools' outputs and the clips of AV-MNIST-TTS.
 * {@link #encodeMono16} writes the canonical 44-byte header ({@code RIFF}, {@code fmt } of 16 bytes with
 * format 1, {@code data}), nothing else, so equal samples give equal bytes.
 */
public final class Wav {

    private Wav() {}

    /**
     * Decoded 16-bit PCM audio.
     *
     * @param sampleRate samples per second
     * @param channels number of interleaved channels
     * @param samples the samples, interleaved
     */
    public record Pcm(int sampleRate, int channels, short[] samples) {}

    /** Reads a 16-bit PCM WAV file; throws naming the file and the field it cannot accept. */
    public static Pcm read(Path file) {
        try {
            return decode(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not read: " + e.getMessage(), e);
        }
    }

    /** Decodes the bytes of a 16-bit PCM WAV file; {@code name} is used in errors. */
    public static Pcm decode(byte[] bytes, String name) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || buffer.getInt(0) != 0x46464952 || buffer.getInt(8) != 0x45564157) {
            throw new IllegalArgumentException(name + ": not a RIFF/WAVE file (field 'chunk id')");
        }
        int position = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (position + 8 <= bytes.length) {
            int id = buffer.getInt(position);
            long size = buffer.getInt(position + 4) & 0xffffffffL;
            int body = position + 8;
            if (id == 0x20746d66) { // "fmt "
                format = buffer.getShort(body) & 0xffff;
                channels = buffer.getShort(body + 2) & 0xffff;
                rate = buffer.getInt(body + 4);
                bits = buffer.getShort(body + 14) & 0xffff;
            } else if (id == 0x61746164) { // "data"
                if (format != 1 || bits != 16) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "%s: field 'format' is %d with %d bits, expected PCM (1) with 16 bits", name, format,
                            bits));
                }
                int available = (int) Math.min(size, bytes.length - body) & ~1;
                short[] samples = new short[available / 2];
                ByteBuffer data = ByteBuffer.wrap(bytes, body, available).order(ByteOrder.LITTLE_ENDIAN);
                data.asShortBuffer().get(samples);
                return new Pcm(rate, channels, samples);
            }
            position = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new IllegalArgumentException(name + ": no 'data' chunk");
    }

    /** Encodes mono 16-bit PCM samples as a canonical 44-byte-header WAV file. */
    public static byte[] encodeMono16(short[] samples, int sampleRate) {
        int dataBytes = samples.length * 2;
        ByteBuffer buffer = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(0x46464952).putInt(36 + dataBytes).putInt(0x45564157);
        buffer.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(sampleRate)
                .putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        buffer.putInt(0x61746164).putInt(dataBytes);
        for (short sample : samples) {
            buffer.putShort(sample);
        }
        return buffer.array();
    }
}
