package dev.cmkd.experiment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How {@link Experiment} seeds the engine before it initialises the network of a modality for a seed.
 *
 * <p>Why it matters: FD-CMKD's frequencies run along the channel axis, so a band only means something across two
 * networks if channel {@code i} of one corresponds to channel {@code i} of the other. Two networks of the same
 * architecture (both embedded modalities have one input channel) initialised from the same engine seed start from
 * identical weights, and that creates such a correspondence before any training: a cross-modal similarity per band,
 * and a student that starts aligned with its teacher, can then be artefacts of the initialisation (issue 14).
 *
 * <p>{@link #INDEPENDENT} (the default) derives each network's engine seed from the seed and the modality:
 * <pre>
 *   engineSeed(seed, modality) = first 4 bytes, big-endian, of SHA-256(UTF-8(seed + "/" + modality)), AND 0x7fffffff
 * </pre>
 * ({@code seed} in decimal, e.g. {@code "0/image"}): the same on every JVM and machine, a non-negative {@code int} as
 * {@code Engine.setRandomSeed} takes. The role (teacher or student) is deliberately not part of it: (a) the
 * protocol's {@code none} student <em>is</em> the teacher run of its modality ({@link Protocol}), and (b) methods are
 * compared paired by seed, which needs every student of a modality ({@code none}, {@code kd}, {@code fd-cmkd}, ...)
 * to start from the same weights. A student and the teacher that teaches it always differ in modality, so they
 * always start from different weights.
 *
 * <p>{@link #SHARED} seeds every network of a seed with the seed itself, the kit's behaviour before issue 14, kept to
 * study the effect of identical initialisation.
 */
public enum Initialisation {

    /** Each network from an engine seed derived from the seed and its modality (the default). */
    INDEPENDENT("independent"),
    /** Every network of a seed from the seed itself: networks of equal architecture start identical. */
    SHARED("shared");

    private final String label;

    Initialisation(String label) {
        this.label = label;
    }

    /** Returns the engine seed that initialises the network of {@code modality} for the runs of {@code seed}. */
    public int engineSeed(long seed, String modality) {
        if (this == SHARED) {
            return (int) seed;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((seed + "/" + modality)
                    .getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getInt() & Integer.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Returns the label, {@code independent} or {@code shared}. */
    @Override
    public String toString() {
        return label;
    }
}
