package dev.cmkd.data.audio;

import static dev.cmkd.data.Checks.checkArgument;
import static dev.cmkd.data.Checks.checkFile;

import dev.cmkd.data.FileFormatException;
import dev.cmkd.results.ResultFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes 16-bit PCM WAV files, the audio format of the kit's data contracts.
 *
 * <p>Reading parses the RIFF chunks itself: {@code fmt } must say PCM (format tag 1, or
 * WAVE_FORMAT_EXTENSIBLE 0xFFFE with the PCM sub-format), 16 bits and, except for {@link #readPcm} and
 * {@link #decode}, 1 channel; other chunks ({@code LIST}, {@code fact}, ...) are skipped. A {@code data}
 * length beyond the end of the file (as in WAVs streamed to stdout, e.g. by {@code espeak-ng} without
 * {@code -w}) is cut to the bytes present. {@link #read} and {@link #readMono16} give floats: a sample
 * {@code s} in [-32768, 32767] becomes {@code s / 32768} in [-1, 1); {@link #readPcm} and {@link #decode}
 * give the 16-bit samples themselves.
 *
 * <p>Writing always produces the canonical 44-byte header ({@code RIFF}, a 16-byte {@code fmt } chunk
 * with format 1, {@code data}) and nothing else, so equal samples give equal bytes: {@link #encodeMono16}
 * encodes 16-bit samples as they are (the AV-MNIST-TTS builder quantises its clips itself, see {@code
 * dev.cmkd.data.avmnist.ClipFormat}); {@link #write} stores floats as {@code rint(32767 x)} (round half
 * to even, as numpy) clipped to the 16-bit range, atomically.
 */
public final class Wav {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private Wav() {}

    /**
     * A decoded clip.
     *
     * @param sampleRate samples per second
     * @param samples the samples in [-1, 1)
     */
    public record Clip(int sampleRate, float[] samples) {}

    /**
     * Decoded 16-bit PCM audio.
     *
     * @param sampleRate samples per second
     * @param channels number of interleaved channels
     * @param samples the 16-bit samples, interleaved
     */
    public record Pcm(int sampleRate, int channels, short[] samples) {}

    /**
     * Reads a 16-bit PCM mono WAV file at any sample rate.
     *
     * @throws FileFormatException if the file is not a 16-bit PCM mono WAV; the message names the field
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Clip read(Path file) {
        Pcm pcm = parse(file, bytes(file), true);
        short[] samples = pcm.samples();
        float[] values = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            values[i] = samples[i] / 32768f;
        }
        return new Clip(pcm.sampleRate(), values);
    }

    /**
     * Reads a 16-bit PCM WAV file with any number of channels, keeping the 16-bit samples.
     *
     * @throws FileFormatException if the file is not a 16-bit PCM WAV; the message names the field
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Pcm readPcm(Path file) {
        return parse(file, bytes(file), false);
    }

    /**
     * Decodes the bytes of a 16-bit PCM WAV file with any number of channels, as {@link #readPcm} does;
     * {@code source} (where the bytes come from) is named in errors.
     *
     * @throws FileFormatException if the bytes are not a 16-bit PCM WAV; the message names the field
     */
    public static Pcm decode(byte[] bytes, Path source) {
        return parse(source, bytes, false);
    }

    /**
     * Reads a 16-bit PCM mono WAV file and checks its sample rate.
     *
     * @throws FileFormatException if the format or the sample rate differs; the message names the field
     */
    public static float[] readMono16(Path file, int expectedSampleRate) {
        Clip clip = read(file);
        checkFile(clip.sampleRate() == expectedSampleRate, file,
                "%s: field 'sample rate' is %d Hz, expected %d Hz; resample it (e.g. sox in.wav -r %d out.wav)", file,
                clip.sampleRate(), expectedSampleRate, expectedSampleRate);
        return clip.samples();
    }

    /** Writes {@code samples} as a 16-bit PCM mono WAV file, atomically (values outside [-1, 1] clip). */
    public static Path write(Path file, float[] samples, int sampleRate) {
        checkSampleRate("Wav.write", sampleRate);
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            double value = Math.rint(32767.0 * samples[i]);
            pcm[i] = (short) Math.max(-32768, Math.min(32767, value));
        }
        byte[] bytes = encodeMono16(pcm, sampleRate);
        return ResultFiles.write(file, temporary -> Files.write(temporary, bytes));
    }

    /** Encodes mono 16-bit PCM samples as a WAV file with the canonical 44-byte header. */
    public static byte[] encodeMono16(short[] samples, int sampleRate) {
        checkSampleRate("Wav.encodeMono16", sampleRate);
        int dataBytes = Math.multiplyExact(samples.length, 2);
        ByteBuffer buffer = ByteBuffer.allocate(Math.addExact(44, dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        buffer.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) FORMAT_PCM)
                .putShort((short) 1).putInt(sampleRate).putInt(2 * sampleRate).putShort((short) 2)
                .putShort((short) 16);
        buffer.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (short sample : samples) {
            buffer.putShort(sample);
        }
        return buffer.array();
    }

    private static void checkSampleRate(String method, int sampleRate) {
        checkArgument(sampleRate >= 1, method + ": sampleRate " + sampleRate + " must be at least 1 Hz");
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("WAV file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read WAV file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a 16-bit PCM WAV; with {@code mono}, the fmt chunk must also say 1 channel. */
    private static Pcm parse(Path file, byte[] bytes, boolean mono) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !tag(bytes, 0).equals("RIFF") || !tag(bytes, 8).equals("WAVE")) {
            String found = bytes.length < 12 ? bytes.length + " bytes" : "'" + tag(bytes, 0) + "'/'" + tag(bytes, 8) + "'";
            throw new FileFormatException(file, file + ": field 'RIFF header' is " + found
                    + ", expected 'RIFF'/'WAVE' (a little-endian WAV file); convert it (e.g. sox in -b 16 -c 1 out.wav)");
        }
        int position = 12;
        Format format = null;
        while (position + 8 <= bytes.length) {
            String id = tag(bytes, position);
            long size = Integer.toUnsignedLong(buffer.getInt(position + 4));
            int body = position + 8;
            if (id.equals("fmt ")) {
                format = checkFormat(file, buffer, body, size, mono);
            } else if (id.equals("data")) {
                checkFile(format != null, file, "%s: field 'fmt chunk' is missing before the data chunk; rewrite the"
                        + " file (e.g. sox in.wav -b 16 out.wav)", file);
                int available = bytes.length - body;
                int length = (int) Math.min(size, available) & ~1;
                short[] samples = new short[length / 2];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = buffer.getShort(body + 2 * i);
                }
                return new Pcm(format.sampleRate(), format.channels(), samples);
            }
            position = (int) Math.min((long) bytes.length, body + size + (size & 1));
        }
        throw new FileFormatException(file, file + ": field '" + (format == null ? "fmt chunk" : "data chunk")
                + "' is missing; the file is truncated or not a WAV file; regenerate it");
    }

    /** What the fmt chunk says, once checked. */
    private record Format(int sampleRate, int channels) {}

    /** Checks the fmt chunk and returns its sample rate and channels. */
    private static Format checkFormat(Path file, ByteBuffer buffer, int body, long size, boolean mono) {
        checkFile(size >= 16 && body + 16 <= buffer.limit(), file,
                "%s: field 'fmt chunk' has %d bytes, expected at least 16; the file is truncated; regenerate it", file,
                size);
        int format = Short.toUnsignedInt(buffer.getShort(body));
        int channels = Short.toUnsignedInt(buffer.getShort(body + 2));
        int sampleRate = buffer.getInt(body + 4);
        int bits = Short.toUnsignedInt(buffer.getShort(body + 14));
        if (format == FORMAT_EXTENSIBLE && size >= 26 && body + 26 <= buffer.limit()) {
            format = Short.toUnsignedInt(buffer.getShort(body + 24));
        }
        checkFile(format == FORMAT_PCM, file, "%s: field 'format' is %s, expected 1 (integer PCM); convert it (e.g."
                + " sox in.wav -e signed-integer -b 16 out.wav)", file, format == 3 ? "3 (IEEE float)" : format);
        checkFile(!mono || channels == 1, file,
                "%s: field 'channels' is %d, expected 1 (mono); convert it (e.g. sox in.wav -c 1 out.wav)", file,
                channels);
        checkFile(bits == 16, file,
                "%s: field 'bits per sample' is %d, expected 16; convert it (e.g. sox in.wav -b 16 out.wav)", file,
                bits);
        checkFile(sampleRate > 0, file, "%s: field 'sample rate' is %d Hz, expected a positive rate; regenerate the"
                + " file", file, Integer.toUnsignedLong(sampleRate));
        return new Format(sampleRate, channels);
    }

    private static String tag(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, StandardCharsets.US_ASCII);
    }
}
