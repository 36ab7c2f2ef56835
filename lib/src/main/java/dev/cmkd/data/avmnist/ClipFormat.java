package dev.cmkd.data.avmnist;

import dev.cmkd.data.audio.Wav;

/**
 * The format of every AV-MNIST-TTS clip (data.md, section 3.2): 16 kHz mono, exactly 1.0 s.
 *
 * <pre>
 *   y = x * 0.708 / max|x|                    peak-normalised to -3 dBFS (unchanged if x is silent)
 *   clip = [800 zeros (50 ms)] ++ y[0 .. min(|y|, 15200)) ++ zeros up to 16000 samples
 *   sample = clamp(round(clip * 32767), -32768, 32767)   16-bit PCM
 * </pre>
 *
 * where {@code x} is the word's speech as 16-bit samples scaled by 1/32768.
 */
public final class ClipFormat {

    /** Sample rate of every clip. */
    public static final int SAMPLE_RATE = 16_000;
    /** Samples per clip (1.0 s). */
    public static final int CLIP_SAMPLES = 16_000;
    /** Leading silence (50 ms). */
    public static final int LEAD_SAMPLES = 800;
    /** Peak after normalisation (-3 dBFS). */
    public static final double PEAK = 0.708;

    private ClipFormat() {}

    /** Returns the clip's 16,000 samples for the speech samples {@code speech[start, end)}. */
    public static short[] clip(short[] speech, int start, int end) {
        int peak = 0;
        for (int i = start; i < end; i++) {
            peak = Math.max(peak, Math.abs(speech[i]));
        }
        double scale = peak == 0 ? 0 : PEAK / (peak / 32768.0);
        short[] clip = new short[CLIP_SAMPLES];
        int kept = Math.min(end - start, CLIP_SAMPLES - LEAD_SAMPLES);
        for (int i = 0; i < kept; i++) {
            double value = speech[start + i] / 32768.0 * scale;
            long quantised = Math.round(value * 32767);
            clip[LEAD_SAMPLES + i] = (short) Math.max(-32768, Math.min(32767, quantised));
        }
        return clip;
    }

    /** Returns the WAV bytes of the clip for the speech samples {@code speech[start, end)}. */
    public static byte[] wav(short[] speech, int start, int end) {
        return Wav.encodeMono16(clip(speech, start, end), SAMPLE_RATE);
    }
}
