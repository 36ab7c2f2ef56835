package dev.cmkd.data.audio;

import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * Turns a mono waveform into a 2-D time-frequency feature {@code [rows, frames]} (row-major: all
 * frames of row 0, then row 1, ...). Implementations are immutable and thread-safe, so loaders may
 * call {@link #compute} from several threads.
 */
public interface AudioFrontEnd {

    /** Returns a short name for file names and logs, e.g. {@code "log-mel"}. */
    String name();

    /** Returns the sample rate the front-end's parameters assume, in Hz. */
    int sampleRate();

    /** Returns the feature shape {@code (rows, frames)} for a signal of {@code samples} samples. */
    Shape outputShape(int samples);

    /** Returns the feature of {@code signal}, {@code rows * frames} floats, row-major. */
    float[] compute(float[] signal);

    /**
     * Returns every parameter that changes the output, in a fixed order, values being {@link Number},
     * {@link String} or {@link Boolean}; feature caches key on it.
     */
    Map<String, Object> parameters();
}
