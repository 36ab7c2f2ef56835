package dev.cmkd.data.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Golden-value tests of {@link LogMel}, {@link LogSpectrogram} and {@link Wav} against independent
 * implementations (torch.stft, scipy.signal.spectrogram, a numpy mel bank): fixture {@code
 * golden/audio_golden.json} and the WAVs of {@code golden/audio/}, written by {@code
 * lib/src/test/python/make_audio_golden.py}, which explains the tolerance (absolute 1e-4 on log values).
 */
class AudioGoldenTest {

    private static final String FIXTURE = "/golden/audio_golden.json";
    private static double worstError;
    private static String worstCase = "";

    static JsonObject fixture() {
        try (InputStream in = AudioGoldenTest.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + FIXTURE
                        + "; run /usr/bin/python3 lib/src/test/python/make_audio_golden.py");
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (JsonElement element : fixture().getAsJsonArray("cases")) {
            JsonObject c = element.getAsJsonObject();
            cases.add(Arguments.of(c.get("name").getAsString(), c));
        }
        return cases.stream();
    }

    @BeforeAll
    static void reset() {
        worstError = 0;
    }

    @AfterAll
    static void report() {
        System.out.printf(Locale.ROOT, "AudioGoldenTest: largest |java - reference| = %.3g%s, tolerance %s%n",
                worstError, worstError == 0 ? " (every case bit-identical in float32)" : " (" + worstCase + ")",
                fixture().getAsJsonObject("meta").getAsJsonObject("tolerance").get("abs"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(String name, JsonObject c) throws URISyntaxException {
        double tolerance = fixture().getAsJsonObject("meta").getAsJsonObject("tolerance").get("abs").getAsDouble();
        Path wav = Path.of(AudioGoldenTest.class.getResource("/golden/audio/" + c.get("signal").getAsString()
                + ".wav").toURI());
        float[] signal = Arrays.copyOf(Wav.readMono16(wav, 16_000), c.get("samples").getAsInt());
        JsonObject p = c.getAsJsonObject("parameters");
        AudioFrontEnd frontEnd = c.get("frontEnd").getAsString().equals("log-mel") ? logMel(p) : logStft(p);

        JsonArray shape = c.getAsJsonArray("shape");
        assertEquals(shape.get(0).getAsLong(), frontEnd.outputShape(signal.length).get(0), name + " rows");
        assertEquals(shape.get(1).getAsLong(), frontEnd.outputShape(signal.length).get(1), name + " frames");

        float[] actual = frontEnd.compute(signal);
        float[] expected = decode(c.get("expected").getAsString());
        assertEquals(expected.length, actual.length, name + " length");
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            if (worstIndex < 0 || error > worst) {
                worst = error;
                worstIndex = i;
            }
        }
        synchronized (AudioGoldenTest.class) {
            if (worst > worstError) {
                worstError = worst;
                worstCase = name;
            }
        }
        int frames = shape.get(1).getAsInt();
        assertTrue(worst <= tolerance, String.format(Locale.ROOT,
                "%s: |java - reference| = %.3g at row %d frame %d (java %s, reference %s) exceeds %s", name, worst,
                worstIndex / frames, worstIndex % frames, actual[Math.max(0, worstIndex)],
                expected[Math.max(0, worstIndex)], tolerance));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parametersRoundTrip(String name, JsonObject c) {
        JsonObject p = c.getAsJsonObject("parameters");
        AudioFrontEnd frontEnd = c.get("frontEnd").getAsString().equals("log-mel") ? logMel(p) : logStft(p);
        assertEquals(c.get("frontEnd").getAsString(), frontEnd.parameters().get("frontEnd"));
        assertEquals(p.get("sampleRate").getAsInt(), frontEnd.sampleRate());
    }

    @org.junit.jupiter.api.Test
    void wavReaderMatchesPythonWave() throws URISyntaxException {
        Path wav = Path.of(AudioGoldenTest.class.getResource("/golden/audio/tone.wav").toURI());
        Wav.Clip clip = Wav.read(wav);
        assertEquals(16_000, clip.sampleRate());
        assertEquals(16_000, clip.samples().length);
        // 0.5 sin(2 pi 1000 t / 16000): sample 4 is 0.5 sin(pi / 2) = 0.5 -> round(16383.5) = 16384 -> 0.5
        assertEquals(0f, clip.samples()[0]);
        assertEquals(16384 / 32768f, clip.samples()[4]);
        assertArrayEquals(new float[] {0f}, new float[] {clip.samples()[8]}, 1f / 32768);
    }

    private static LogMel logMel(JsonObject p) {
        return LogMel.builder().optSampleRate(p.get("sampleRate").getAsInt()).optFftSize(p.get("fftSize").getAsInt())
                .optHop(p.get("hop").getAsInt()).optMelBands(p.get("melBands").getAsInt())
                .optFMin(p.get("fMin").getAsDouble()).optFMax(p.get("fMax").getAsDouble())
                .optLogFloor(p.get("logFloor").getAsDouble()).build();
    }

    private static LogSpectrogram logStft(JsonObject p) {
        Window window = switch (p.get("window").getAsString()) {
            case "hann" -> Window.hann();
            case "rectangular" -> Window.rectangular();
            case "tukey" -> Window.tukey(p.get("alpha").getAsDouble());
            default -> throw new IllegalArgumentException("unknown window " + p.get("window"));
        };
        return LogSpectrogram.builder().optSampleRate(p.get("sampleRate").getAsInt())
                .optSegmentLength(p.get("segmentLength").getAsInt()).optFftSize(p.get("fftSize").getAsInt())
                .optHop(p.get("hop").getAsInt()).optWindow(window)
                .optPadding(Padding.valueOf(p.get("padding").getAsString().toUpperCase(Locale.ROOT)))
                .optDetrend(LogSpectrogram.Detrend.valueOf(p.get("detrend").getAsString().toUpperCase(Locale.ROOT)))
                .optSpectrum(LogSpectrogram.Spectrum.valueOf(p.get("spectrum").getAsString().toUpperCase(Locale.ROOT)))
                .optLogOffset(p.get("logOffset").getAsDouble())
                .optStandardizePerClip(p.get("standardizePerClip").getAsBoolean()).build();
    }

    private static float[] decode(String base64) {
        ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return values;
    }
}
