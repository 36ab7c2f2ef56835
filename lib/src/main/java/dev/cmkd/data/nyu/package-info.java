/**
 * RGB-D semantic segmentation data: {@link dev.cmkd.data.nyu.NyuDepthV2} reads the layout that
 * {@code data-scripts/nyu-depth-v2/prepare.py} writes (PNG RGB, 16-bit PNG depth in millimetres, 8-bit PNG
 * labels with 0 = void, split files) into an in-memory {@link dev.cmkd.data.nyu.RgbdSplit}, which hands out
 * normalised, optionally augmented batches (the same random crop and flip for RGB, depth and labels).
 * {@link dev.cmkd.data.nyu.SyntheticRgbd} renders a clearly labelled SYNTHETIC stand-in in the same layout
 * for tests, smoke runs and notebooks, since no real RGB-D source is available offline.
 */
package dev.cmkd.data.nyu;
