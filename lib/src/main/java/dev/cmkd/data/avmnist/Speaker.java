package dev.cmkd.data.avmnist;

import static dev.cmkd.data.Checks.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One synthetic speaker of AV-MNIST-TTS and the prosody of each of its renditions (data.md, section
 * 3.2).
 *
 * <p>The 143 speakers, in a fixed order ({@link #ROSTER}):
 * <ul>
 *   <li>0–127: espeak-ng voice {@code <accent>+<variant>}, accent-major, accents {@code en-us, en-gb,
 *       en-gb-scotland, en-gb-x-rp, en-gb-x-gbclan, en-gb-x-gbcwmd, en-029, en-us-nyc}, variants {@code
 *       m1..m7, f1..f5, klatt, klatt2, klatt3, croak};
 *   <li>128–142: flite voice {@code kal, kal16, awb, rms, slt} with a sox pitch shift of -300, 0, +300
 *       cents, voice-major.
 * </ul>
 *
 * For speaker {@code i}, rep {@code r} and digit {@code d}:
 * <pre>
 *   espeak-ng speed  = 130 + (7i + 29r) mod 71    words per minute, 130..200
 *   espeak-ng pitch  = 25 + (11i + 31r) mod 51    espeak-ng's 0..99 scale, 25..75
 *   flite tempo      = (85 + (5i + 3d + 11r) mod 31) / 100   sox "tempo -s" factor, 0.85..1.15
 * </pre>
 *
 * @param index position in the roster, 0..142
 * @param engine the synthesiser
 * @param voice espeak-ng {@code accent+variant} or flite voice name
 * @param pitchShiftCents sox pitch shift in cents (flite only; 0 for espeak-ng)
 */
public record Speaker(int index, Engine engine, String voice, int pitchShiftCents) {

    /** The synthesiser of a speaker. */
    public enum Engine {
        /** eSpeak NG, batched SSML. */
        ESPEAK_NG("espeak-ng"),
        /** CMU Flite, one call per word, varied by sox. */
        FLITE("flite");

        private final String csvName;

        Engine(String csvName) {
            this.csvName = csvName;
        }

        /** Returns the name used in {@code clips.csv}: {@code espeak-ng} or {@code flite}. */
        public String csvName() {
            return csvName;
        }
    }

    /** espeak-ng accents, in roster order. */
    public static final List<String> ESPEAK_ACCENTS = List.of("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp",
            "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc");
    /** espeak-ng voice variants, in roster order. */
    public static final List<String> ESPEAK_VARIANTS = List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2",
            "f3", "f4", "f5", "klatt", "klatt2", "klatt3", "croak");
    /** flite voices, in roster order. */
    public static final List<String> FLITE_VOICES = List.of("kal", "kal16", "awb", "rms", "slt");
    /** sox pitch shifts of each flite voice, in roster order. */
    public static final List<Integer> FLITE_PITCH_SHIFTS = List.of(-300, 0, 300);
    /** The digit words, index = digit. */
    public static final List<String> WORDS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine");
    /** All 143 speakers, index = position. */
    public static final List<Speaker> ROSTER = roster();

    /** Returns speaker {@code index} of the roster, or throws naming the allowed range. */
    public static Speaker of(int index) {
        checkArgument(index >= 0 && index < ROSTER.size(), "speaker index %d outside [0, %d]", index,
                ROSTER.size() - 1);
        return ROSTER.get(index);
    }

    /** Returns this speaker's split ({@link Split#ofSpeaker}). */
    public Split split() {
        return Split.ofSpeaker(index);
    }

    /** Returns the espeak-ng speed (words per minute) of rep {@code rep}. */
    public int speed(int rep) {
        return 130 + Math.floorMod(7 * index + 29 * rep, 71);
    }

    /** Returns the espeak-ng pitch (0..99 scale) of rep {@code rep}. */
    public int pitch(int rep) {
        return 25 + Math.floorMod(11 * index + 31 * rep, 51);
    }

    /** Returns the flite tempo factor of digit {@code digit}, rep {@code rep}, in hundredths (85..115). */
    public int tempoPercent(int digit, int rep) {
        return 85 + Math.floorMod(5 * index + 3 * digit + 11 * rep, 31);
    }

    /** Returns the flite tempo factor as sox reads it, e.g. {@code "0.93"}. */
    public String tempo(int digit, int rep) {
        int percent = tempoPercent(digit, rep);
        return String.format(Locale.ROOT, "%d.%02d", percent / 100, percent % 100);
    }

    /** Returns the clip's relative path: {@code audio/<digit>_spk<NNN>_<rep>.wav}. */
    public String wavPath(int digit, int rep) {
        return String.format(Locale.ROOT, "audio/%d_spk%03d_%d.wav", digit, index, rep);
    }

    private static List<Speaker> roster() {
        List<Speaker> speakers = new ArrayList<>();
        for (String accent : ESPEAK_ACCENTS) {
            for (String variant : ESPEAK_VARIANTS) {
                speakers.add(new Speaker(speakers.size(), Engine.ESPEAK_NG, accent + "+" + variant, 0));
            }
        }
        for (String voice : FLITE_VOICES) {
            for (int cents : FLITE_PITCH_SHIFTS) {
                speakers.add(new Speaker(speakers.size(), Engine.FLITE, voice, cents));
            }
        }
        return Collections.unmodifiableList(speakers);
    }
}
