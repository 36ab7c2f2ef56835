package dev.cmkd.frequency;

/**
 * Where the DC bin (the feature's mean over the transformed axes) goes.
 *
 * <p>FD-CMKD's released training code drops it from both bands ({@link #EXCLUDED}); the authors'
 * similarity notebook keeps it in the low band ({@link #IN_LOW}). Since the mean is shared by most
 * features, the choice changes measured cross-modal similarity a lot; {@link #SEPARATE} exposes it as
 * a band of its own.
 */
public enum DcMode {
    /** In neither band: {@code low + high = x - mean(x)}. The released training code. */
    EXCLUDED,
    /** In the low band: {@code low + high = x}. The released similarity-analysis notebook. */
    IN_LOW,
    /** A third band: {@code dc + low + high = x}. */
    SEPARATE;

    /** Returns the bands a split in this mode produces, in output order. */
    public Band[] outputBands() {
        return this == SEPARATE ? new Band[] {Band.LOW, Band.HIGH, Band.DC}
                                : new Band[] {Band.LOW, Band.HIGH};
    }

    /** Returns the output band the spectral bin of {@code natural} band is routed to, or null. */
    Band route(Band natural) {
        return natural != Band.DC ? natural : switch (this) {
            case IN_LOW -> Band.LOW;
            case SEPARATE -> Band.DC;
            case EXCLUDED -> null;
        };
    }
}
