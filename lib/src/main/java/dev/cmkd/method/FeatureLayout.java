package dev.cmkd.method;

/**
 * The shape of what a task's networks give a distillation method.
 *
 * <pre>
 *   VECTOR   feature [B, D], logits [B, C], labels [B]                      classification; task loss CE
 *   MAP      feature [B, D, h, w], logits [B, K, H, W] (an integer multiple of the map), labels [B, H, W]
 *            with -1 where a pixel is void                                  segmentation; per-pixel CE
 * </pre>
 */
public enum FeatureLayout {
    /** Feature vectors and one label per sample. */
    VECTOR,
    /** Feature maps and one label per pixel. */
    MAP
}
