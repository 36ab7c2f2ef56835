package dev.cmkd.data.av;

import static dev.cmkd.data.Checks.checkArgument;

import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.audio.LogSpectrogram;

import java.util.List;

/**
 * What one audio-visual benchmark looks like once prepared: its name, class count, the audio clips' sample
 * rate and the pipeline from waveform to spectrogram, the visual input side, and the data script that
 * prepares it. Sources for each convention: data.md section 2 and the Javadoc of {@link AudioPipeline}.
 *
 * @param name the dataset's name, as in {@code data-scripts/<name>/} and {@code data/<name>/}
 * @param numClasses the number of classes
 * @param audio the audio pipeline (its sample rate is the prepared WAVs' rate)
 * @param frameSize the visual input side (224)
 */
public record AvConvention(String name, int numClasses, AudioPipeline audio, int frameSize) {

    /** The audio modality's name. */
    public static final String AUDIO = "audio";
    /** The visual modality's name. */
    public static final String VISUAL = "visual";
    /** The modalities, in the order of every split's inputs. */
    public static final List<String> MODALITIES = List.of(AUDIO, VISUAL);

    /**
     * CREMA-D, 6 emotions (released code's order: NEU HAP SAD FEA DIS ANG): WAVs at 22,050 Hz (librosa's
     * default rate, at which the released code loads the 16 kHz originals), tiled to 160,000 samples, the
     * released code's log spectrogram, 1 x 257 x 1004.
     */
    public static final AvConvention CREMA_D = new AvConvention("crema-d", 6,
            AudioPipeline.tiled(LogSpectrogram.builder().build(), 160_000, 0), 224);

    /**
     * AVE, 28 events, as C2KD: WAVs at 16 kHz holding the annotated event repeated to 10 s (160,000 samples), the
     * CREMA-D spectrogram at fs 16,000 (257 x 1004), reshaped cyclically to 257 x 1024 as C2KD's {@code
     * np.resize} does: 1 x 257 x 1024 (data-scripts/ave/README.md).
     */
    public static final AvConvention AVE = new AvConvention("ave", 28,
            AudioPipeline.tiled(LogSpectrogram.builder().optSampleRate(16_000).build(), 160_000, 1024), 224);

    /**
     * VGGSound, C2KD's 50-class subset: WAVs at 16 kHz, doubled to at least 10 s, a 5 s window (random start in
     * [0, 5 s] in training), C2KD's log-magnitude STFT (n_fft 256, hop 128): 1 x 129 x 626.
     */
    public static final AvConvention VGGSOUND_50 = new AvConvention("vggsound-50", 50,
            AudioPipeline.cropped(LogSpectrogram.vggSoundBuilder().build(), 160_000, 80_000, 80_000), 224);

    /** Validates the values. */
    public AvConvention {
        checkArgument(numClasses >= 2 && frameSize >= 1, "AvConvention %s: numClasses %d must be >= 2 and frameSize"
                + " %d >= 1", name, numClasses, frameSize);
    }

    /** Returns the shape of one visual input, {@code (3, frameSize, frameSize)}. */
    public Shape visualShape() {
        return new Shape(3, frameSize, frameSize);
    }

    /** Returns the shapes of one sample per modality, in {@link #MODALITIES} order. */
    public List<Shape> sampleShapes() {
        return List.of(audio.shape(), visualShape());
    }

    /** Returns the command that prepares this dataset, for error messages. */
    public String fix() {
        return "prepare the dataset with data-scripts/" + name + "/prepare.sh (see data-scripts/" + name
                + "/README.md)";
    }
}
