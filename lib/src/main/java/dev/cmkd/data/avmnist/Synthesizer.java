package dev.cmkd.data.avmnist;

import dev.cmkd.data.audio.Wav;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Synthesises one rendition (one speaker, one rep, the ten digit words) into ten finished clips, as
 * data.md section 3.2 describes. Temporary files go to a work folder, one name per task, so renditions
 * can run in parallel; the result does not depend on the order in which they run.
 */
final class Synthesizer {

    /** Silence between the words of a batched espeak-ng rendition. */
    static final String BREAK = "<break time=\"800ms\"/>";

    /**
     * The ten clips of one rendition.
     *
     * @param speaker the speaker
     * @param rep the rep
     * @param wavs the WAV bytes of each clip, index = digit
     * @param fellBack whether the batched espeak-ng call did not give ten segments and each word was
     *     synthesised on its own
     */
    record Rendition(Speaker speaker, int rep, byte[][] wavs, boolean fellBack) {}

    private final Path workDir;
    private final long seed;
    private final ConcurrentHashMap<String, Path> fliteWords = new ConcurrentHashMap<>();

    Synthesizer(Path workDir, long seed) {
        this.workDir = workDir;
        this.seed = seed;
    }

    /**
     * Returns the order in which a batched rendition speaks the digits: a Fisher–Yates shuffle of
     * {@code 0..9} drawn from {@code new SplittableRandom((seed * 1_000_003 + speaker) * 1_000_003 + rep)},
     * swapping position {@code k} (from 9 down to 1) with {@code nextInt(k + 1)}.
     */
    static int[] wordOrder(long seed, int speaker, int rep) {
        SplittableRandom random = new SplittableRandom((seed * 1_000_003L + speaker) * 1_000_003L + rep);
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (int k = order.length - 1; k > 0; k--) {
            int j = random.nextInt(k + 1);
            int swap = order[k];
            order[k] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** Synthesises the ten clips of {@code speaker}'s rep {@code rep}. */
    Rendition render(Speaker speaker, int rep) {
        return speaker.engine() == Speaker.Engine.ESPEAK_NG ? espeak(speaker, rep) : flite(speaker, rep);
    }

    private Rendition espeak(Speaker speaker, int rep) {
        int[] order = wordOrder(seed, speaker.index(), rep);
        StringBuilder ssml = new StringBuilder("<speak>");
        for (int k = 0; k < order.length; k++) {
            ssml.append(k == 0 ? "" : BREAK).append(Speaker.WORDS.get(order[k]));
        }
        ssml.append("</speak>");
        String name = String.format(Locale.ROOT, "spk%03d_r%d", speaker.index(), rep);
        short[] batch = espeak16k(speaker, rep, ssml.toString(), name);
        List<EnergyGate.Segment> segments = EnergyGate.segments(batch);
        byte[][] wavs = new byte[10][];
        if (segments.size() == order.length) {
            for (int k = 0; k < order.length; k++) {
                EnergyGate.Segment segment = segments.get(k);
                wavs[order[k]] = ClipFormat.wav(batch, segment.start(), segment.end());
            }
            return new Rendition(speaker, rep, wavs, false);
        }
        return wordByWord(speaker, rep);
    }

    /**
     * The fallback of a batched espeak-ng rendition: one call per word with the same voice, speed and
     * pitch, keeping the span from the first to the last active frame ({@link EnergyGate#span}).
     */
    Rendition wordByWord(Speaker speaker, int rep) {
        byte[][] wavs = new byte[10][];
        for (int digit = 0; digit < 10; digit++) {
            String name = String.format(Locale.ROOT, "spk%03d_r%d_d%d", speaker.index(), rep, digit);
            short[] word = espeak16k(speaker, rep, "<speak>" + Speaker.WORDS.get(digit) + "</speak>", name);
            EnergyGate.Segment span = EnergyGate.span(word);
            wavs[digit] = ClipFormat.wav(word, span.start(), span.end());
        }
        return new Rendition(speaker, rep, wavs, true);
    }

    private short[] espeak16k(Speaker speaker, int rep, String ssml, String name) {
        Path raw = workDir.resolve(name + "_espeak.wav");
        Path resampled = workDir.resolve(name + "_16k.wav");
        try {
            SpeechTools.espeak(speaker.voice(), speaker.speed(rep), speaker.pitch(rep), ssml, raw);
            SpeechTools.sox(raw, resampled);
            return mono16k(resampled);
        } finally {
            delete(raw);
            delete(resampled);
        }
    }

    private Rendition flite(Speaker speaker, int rep) {
        byte[][] wavs = new byte[10][];
        for (int digit = 0; digit < 10; digit++) {
            // flite is deterministic and has no prosody options here: each (voice, word) is synthesised once
            // and varied through sox only, which gives the same bytes as one flite call per clip.
            int word = digit;
            Path base = fliteWords.computeIfAbsent(speaker.voice() + "_" + digit, key -> {
                Path file = workDir.resolve("flite_" + key + ".wav");
                SpeechTools.flite(speaker.voice(), Speaker.WORDS.get(word), file);
                return file;
            });
            Path shifted = workDir.resolve(String.format(Locale.ROOT, "spk%03d_r%d_d%d_16k.wav", speaker.index(), rep,
                    digit));
            try {
                SpeechTools.sox(base, shifted, "pitch", Integer.toString(speaker.pitchShiftCents()), "tempo", "-s",
                        speaker.tempo(digit, rep));
                short[] speech = mono16k(shifted);
                EnergyGate.Segment span = EnergyGate.span(speech);
                wavs[digit] = ClipFormat.wav(speech, span.start(), span.end());
            } finally {
                delete(shifted);
            }
        }
        return new Rendition(speaker, rep, wavs, false);
    }

    private static short[] mono16k(Path file) {
        Wav.Pcm pcm = Wav.readPcm(file);
        if (pcm.channels() != 1 || pcm.sampleRate() != ClipFormat.SAMPLE_RATE) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: sox gave %d channels at %d Hz, expected mono at %d Hz", file, pcm.channels(),
                    pcm.sampleRate(), ClipFormat.SAMPLE_RATE));
        }
        return pcm.samples();
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + file, e);
        }
    }
}
