package dev.cmkd.data.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link Wav}: round trip, tolerated variants, the canonical encoding the AV-MNIST-TTS builder writes, PCM
 * reading, and errors that name the file, the field and the fix.
 */
class WavTest {

    @TempDir
    Path dir;

    @Test
    void roundTripQuantisesTo16Bits() {
        float[] samples = {0f, 0.5f, -0.5f, 1f, -1f, 2f, -2f, 1e-5f};
        Path file = Wav.write(dir.resolve("a.wav"), samples, 16_000);
        Wav.Clip clip = Wav.read(file);
        assertEquals(16_000, clip.sampleRate());
        // rint(32767 x), half to even as numpy (+-16383.5 -> +-16384), clipped to [-32768, 32767]
        float[] expected = {0f, 16384 / 32768f, -16384 / 32768f, 32767 / 32768f, -32767 / 32768f, 32767 / 32768f, -1f,
            0f};
        assertArrayEquals(expected, clip.samples());
        for (float x : clip.samples()) {
            assertTrue(x >= -1 && x < 1);
        }
    }

    @Test
    void skipsExtraChunksAndToleratesAnOversizedDataLength() throws IOException {
        short[] pcm = {100, -200, 300};
        byte[] bytes = wav(1, 1, 16_000, 16, pcm, true, 0x7FFFFFFF);
        Path file = Files.write(dir.resolve("b.wav"), bytes);
        assertArrayEquals(new float[] {100 / 32768f, -200 / 32768f, 300 / 32768f}, Wav.read(file).samples());
    }

    @Test
    void errorsNameFileFieldAndFix() throws IOException {
        short[] pcm = new short[8];
        expect(wav(1, 2, 16_000, 16, pcm, false, -1), "'channels' is 2", "sox in.wav -c 1");
        expect(wav(1, 1, 16_000, 8, pcm, false, -1), "'bits per sample' is 8", "-b 16");
        expect(wav(3, 1, 16_000, 32, pcm, false, -1), "'format' is 3 (IEEE float)", "signed-integer");
        expect("not a wav file at all".getBytes(StandardCharsets.US_ASCII), "'RIFF header'", "sox");
        Path file = Files.write(dir.resolve("rate.wav"), wav(1, 1, 22_050, 16, pcm, false, -1));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Wav.readMono16(file, 16_000));
        assertTrue(e.getMessage().contains("rate.wav") && e.getMessage().contains("'sample rate' is 22050 Hz")
                && e.getMessage().contains("-r 16000"), e.getMessage());
        UncheckedIOException missing = assertThrows(UncheckedIOException.class, () -> Wav.read(dir.resolve("no.wav")));
        assertTrue(missing.getMessage().contains("no.wav"), missing.getMessage());
    }

    @Test
    void wavHeaderIsCanonical() {
        byte[] wav = Wav.encodeMono16(new short[] {1, -2}, 16_000);
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(48, wav.length);
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(40, b.getInt(4));
        assertEquals("WAVEfmt ", new String(wav, 8, 8, StandardCharsets.US_ASCII));
        assertEquals(16, b.getInt(16));
        assertEquals(1, b.getShort(20));
        assertEquals(1, b.getShort(22));
        assertEquals(16_000, b.getInt(24));
        assertEquals(32_000, b.getInt(28));
        assertEquals(2, b.getShort(32));
        assertEquals(16, b.getShort(34));
        assertEquals("data", new String(wav, 36, 4, StandardCharsets.US_ASCII));
        assertEquals(4, b.getInt(40));
        assertArrayEquals(new short[] {1, -2}, Wav.decode(wav, Path.of("test")).samples());
    }

    @Test
    void writeStoresRoundedSamplesWithTheCanonicalEncoding() throws IOException {
        float[] samples = {0f, 0.5f, -0.5f, 1f, -1f, 2f, -2f, 1e-5f, 0.25f};
        Path file = Wav.write(dir.resolve("c.wav"), samples, 16_000);
        short[] rounded = {0, 16384, -16384, 32767, -32767, 32767, -32768, 0, 8192};
        assertArrayEquals(Wav.encodeMono16(rounded, 16_000), Files.readAllBytes(file));
        assertArrayEquals(rounded, Wav.readPcm(file).samples());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Wav.encodeMono16(new short[1], 0));
        assertTrue(e.getMessage().contains("sampleRate 0"), e.getMessage());
    }

    @Test
    void pcmReadingKeepsChannelsAndTheSixteenBitSamples() throws IOException {
        short[] pcm = {100, -200, 300, -32768, 32767, 0};
        Path stereo = Files.write(dir.resolve("stereo.wav"), wav(1, 2, 22_050, 16, pcm, true, 0x7FFFFFFF));
        Wav.Pcm read = Wav.readPcm(stereo);
        assertEquals(22_050, read.sampleRate());
        assertEquals(2, read.channels());
        assertArrayEquals(pcm, read.samples());
        assertArrayEquals(pcm, Wav.decode(Files.readAllBytes(stereo), stereo).samples());
        FileFormatException mono = assertThrows(FileFormatException.class, () -> Wav.read(stereo));
        assertTrue(mono.getMessage().contains("'channels' is 2"), mono.getMessage());

        Path eightBit = Files.write(dir.resolve("8bit.wav"), wav(1, 1, 16_000, 8, pcm, false, -1));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Wav.readPcm(eightBit));
        assertTrue(e.getMessage().contains("8bit.wav") && e.getMessage().contains("'bits per sample' is 8"),
                e.getMessage());
        e = assertThrows(FileFormatException.class,
                () -> Wav.decode("not a wav".getBytes(StandardCharsets.US_ASCII), Path.of("clip")));
        assertTrue(e.getMessage().startsWith("clip: field 'RIFF header'"), e.getMessage());
        assertEquals(Path.of("clip"), e.file());
    }

    private void expect(byte[] bytes, String field, String fix) throws IOException {
        Path file = Files.write(dir.resolve("bad.wav"), bytes);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Wav.read(file));
        assertTrue(e.getMessage().contains("bad.wav") && e.getMessage().contains(field)
                && e.getMessage().contains(fix), e.getMessage());
        assertEquals(file, e.file());
    }

    /** A hand-made WAV; {@code dataLength < 0} writes the true length. */
    static byte[] wav(int format, int channels, int rate, int bits, short[] pcm, boolean listChunk, int dataLength) {
        byte[] list = listChunk ? "LIST\u0005\0\0\0abcde\0".getBytes(StandardCharsets.ISO_8859_1) : new byte[0];
        ByteBuffer b = ByteBuffer.allocate(44 + list.length + 2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + list.length + 2 * pcm.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) format)
                .putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits);
        b.put(list);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataLength < 0 ? 2 * pcm.length : dataLength);
        for (short s : pcm) {
            b.putShort(s);
        }
        return b.array();
    }
}
