package dev.cmkd.method;

/** Where FD-CMKD standardizes features (zero mean, unit L2 norm per sample) before matching them. */
public enum ScaleMode {
    /** No standardization: the "Scale" component switched off. */
    NONE,
    /** Each band separately, after the split. The authors' released code. */
    PER_BAND,
    /** The whole feature, before the split. Third-party re-implementations. */
    BEFORE_SPLIT
}
