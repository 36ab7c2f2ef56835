package dev.cmkd.data.audio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link LogMel} and {@link LogSpectrogram} share besides their transform ({@link Stft}): the head
 * of their parameter record and the check their builders run on each option.
 */
final class FrontEnds {

    private FrontEnds() {}

    /**
     * Returns a new, modifiable, insertion-ordered record that starts with {@code frontEnd} ({@link
     * AudioFrontEnd#name()}) and {@code sampleRate}; the front-end adds the rest in its fixed order.
     */
    static Map<String, Object> parameters(AudioFrontEnd frontEnd) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("frontEnd", frontEnd.name());
        parameters.put("sampleRate", frontEnd.sampleRate());
        return parameters;
    }

    /**
     * Throws {@code "<owner>: <parameter> <value> must be <range>"} as an {@link IllegalArgumentException}
     * unless {@code ok}.
     */
    static void require(String owner, boolean ok, String parameter, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException(owner + ": " + parameter + " " + value + " must be " + range);
        }
    }
}
