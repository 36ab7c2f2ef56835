package dev.cmkd.data.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * What the front-ends record about themselves, to the letter: {@link AudioFrontEnd#parameters()} keys the
 * feature caches ({@code FeatureCache} headers of {@code AvMnistTtsLoader}, {@code PreparedAvLoader}) and
 * {@code toString()} stands in the loaders' descriptions, so a change to either invalidates users' caches and
 * records. The expected strings were taken from the code before the front-ends shared their framing code.
 */
class FrontEndRecordTest {

    private static void assertRecord(AudioFrontEnd frontEnd, String toString, String parameters) {
        assertEquals(toString, frontEnd.toString());
        assertEquals(parameters, frontEnd.parameters().toString());
        for (Object value : frontEnd.parameters().values()) {
            assertEquals(true, List.of(Integer.class, Double.class, String.class, Boolean.class)
                    .contains(value.getClass()), value + " is a " + value.getClass());
        }
    }

    @Test
    void logMelRecords() {
        assertRecord(LogMel.builder().build(),
                "LogMel(sr 16000, fft 400, hop 160, 40 bands 20.0-8000.0 Hz, floor 1.0E-6)",
                "{frontEnd=log-mel, sampleRate=16000, fftSize=400, hop=160, window=hann, padding=reflect,"
                        + " melBands=40, melScale=htk, fMin=20.0, fMax=8000.0, logFloor=1.0E-6}");
        assertRecord(LogMel.builder().optSampleRate(22_050).optFftSize(512).optHop(128).optMelBands(64).optFMin(0)
                        .optFMax(11_025).optLogFloor(1e-10).build(),
                "LogMel(sr 22050, fft 512, hop 128, 64 bands 0.0-11025.0 Hz, floor 1.0E-10)",
                "{frontEnd=log-mel, sampleRate=22050, fftSize=512, hop=128, window=hann, padding=reflect,"
                        + " melBands=64, melScale=htk, fMin=0.0, fMax=11025.0, logFloor=1.0E-10}");
    }

    @Test
    void logSpectrogramRecords() {
        String defaults = "{frontEnd=log-stft, sampleRate=22050, segmentLength=512, fftSize=512, hop=159,"
                + " window=tukey(0.25), padding=none, detrend=constant, spectrum=density, logOffset=1.0E-7,"
                + " standardizePerClip=true}";
        assertRecord(LogSpectrogram.builder().build(), "LogSpectrogram" + defaults, defaults);
        String vggSound = "{frontEnd=log-stft, sampleRate=16000, segmentLength=256, fftSize=256, hop=128,"
                + " window=hann, padding=zero, detrend=none, spectrum=magnitude, logOffset=1.0E-7,"
                + " standardizePerClip=false}";
        assertRecord(LogSpectrogram.vggSoundBuilder().build(), "LogSpectrogram" + vggSound, vggSound);
        String custom = "{frontEnd=log-stft, sampleRate=22050, segmentLength=512, fftSize=1024, hop=159,"
                + " window=rectangular, padding=reflect, detrend=none, spectrum=power, logOffset=1.0E-5,"
                + " standardizePerClip=true}";
        assertRecord(LogSpectrogram.builder().optFftSize(1024).optWindow(Window.rectangular())
                .optPadding(Padding.REFLECT).optSpectrum(LogSpectrogram.Spectrum.POWER)
                .optDetrend(LogSpectrogram.Detrend.NONE).optLogOffset(1e-5).build(), "LogSpectrogram" + custom, custom);
    }

    @Test
    void validationMessagesNameTheFrontEnd() {
        Map<String, Runnable> cases = Map.of(
                "LogMel: fMax 9000.0 must be in (fMin, sampleRate / 2] = (20.0, 8000.0] Hz",
                () -> LogMel.builder().optFMax(9_000).build(),
                "LogSpectrogram: fftSize 100 must be at least segmentLength = 512",
                () -> LogSpectrogram.builder().optFftSize(100).build(),
                "LogSpectrogram: window null must be non-null",
                () -> LogSpectrogram.builder().optWindow(null).build());
        cases.forEach((message, build) ->
                assertEquals(message, assertThrows(IllegalArgumentException.class, build::run).getMessage()));
    }
}
