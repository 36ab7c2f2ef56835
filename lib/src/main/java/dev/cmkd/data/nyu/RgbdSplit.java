package dev.cmkd.data.nyu;

import static dev.cmkd.data.Checks.checkArgument;

import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One split of an RGB-D segmentation dataset in memory, at its stored precision (8-bit colour, 16-bit
 * millimetres, one byte per label), so that NYU-Depth V2's 795 training images at 480 x 640 take about
 * 1.5 GB rather than 4 GB. Batches are normalised when they are made, in the caller's manager, on its
 * device:
 *
 * <pre>
 *   rgb    [n, 3, h, w] float32   x / 255
 *   depth  [n, 1, h, w] float32   {@link DepthNormalization} of the millimetres
 *   labels [n, h, w]    int64     class 0..K-1, or {@link #VOID} (-1) where the pixel is unlabelled
 * </pre>
 */
public final class RgbdSplit implements BatchSource {

    /** The label of an unlabelled (void) pixel; losses and metrics ignore it. */
    public static final int VOID = -1;

    private final String name;
    private final List<String> ids;
    private final List<String> classNames;
    private final int height;
    private final int width;
    private final byte[] rgb;
    private final short[] depth;
    private final byte[] labels;
    private final DepthNormalization normalization;
    private final boolean synthetic;

    /**
     * Creates a split.
     *
     * @param name the split's name, e.g. {@code train}
     * @param ids the image ids, e.g. {@code 0003}
     * @param classNames the K class names; labels are indices into it
     * @param height image height
     * @param width image width
     * @param rgb {@code n * h * w * 3} bytes, pixel-major (HWC), unsigned
     * @param depth {@code n * h * w} millimetres as unsigned shorts, 0 = no measurement
     * @param labels {@code n * h * w} classes {@code 0..K-1} or {@link #VOID}
     * @param normalization how depth is normalised in batches
     * @param synthetic whether the data are synthetic (reports must say so)
     */
    public RgbdSplit(String name, List<String> ids, List<String> classNames, int height, int width, byte[] rgb,
            short[] depth, byte[] labels, DepthNormalization normalization, boolean synthetic) {
        long pixels = (long) ids.size() * height * width;
        checkArgument(rgb.length == pixels * 3 && depth.length == pixels && labels.length == pixels,
                "RgbdSplit %s: %d images of %d x %d need %d rgb, %d depth and %d label values, got %d, %d, %d", name,
                ids.size(), height, width, pixels * 3, pixels, pixels, rgb.length, depth.length, labels.length);
        for (byte label : labels) {
            if (label != VOID && (label < 0 || label >= classNames.size())) {
                throw new IllegalArgumentException("RgbdSplit " + name + ": label " + label + " outside [0, "
                        + classNames.size() + ") and not VOID");
            }
        }
        this.name = name;
        this.ids = List.copyOf(ids);
        this.classNames = List.copyOf(classNames);
        this.height = height;
        this.width = width;
        this.rgb = rgb;
        this.depth = depth;
        this.labels = labels;
        this.normalization = normalization;
        this.synthetic = synthetic;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return ids.size();
    }

    public String id(int i) {
        return ids.get(i);
    }

    /** Returns the class names; {@code K = numClasses()}. */
    public List<String> classNames() {
        return classNames;
    }

    /** Returns the number of classes {@code K} (void excluded). */
    public int numClasses() {
        return classNames.size();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Returns whether the data are synthetic. */
    public boolean isSynthetic() {
        return synthetic;
    }

    /** Returns the label of pixel {@code (y, x)} of image {@code i}: a class or {@link #VOID}. */
    public int label(int i, int y, int x) {
        return labels[(i * height + y) * width + x];
    }

    /** Returns the depth of pixel {@code (y, x)} of image {@code i} in millimetres (0: no measurement). */
    public int depthMillimetres(int i, int y, int x) {
        return Short.toUnsignedInt(depth[(i * height + y) * width + x]);
    }

    /** Returns channel {@code c} (0 red, 1 green, 2 blue) of pixel {@code (y, x)} of image {@code i}, 0..255. */
    public int rgb(int i, int y, int x, int c) {
        return Byte.toUnsignedInt(rgb[((i * height + y) * width + x) * 3 + c]);
    }

    /** Returns the full images {@code indices}, unaugmented, as a batch in {@code manager} (every epoch alike). */
    @Override
    public Batch batch(NDManager manager, int[] indices, int epoch) {
        return batch(manager, indices, null, null);
    }

    /**
     * Returns the training view of this split: each image cropped and flipped as {@code augmentation} says (the
     * same for its colour, depth and labels), with draws that depend only on {@code seed}, the epoch and the image
     * ({@link BatchSource#sampleSeed}).
     */
    public BatchSource augmented(Augmentation augmentation, long seed) {
        RgbdSplit split = this;
        return new BatchSource() {
            @Override
            public String name() {
                return split.name();
            }

            @Override
            public int size() {
                return split.size();
            }

            @Override
            public Batch batch(NDManager manager, int[] indices, int epoch) {
                SplittableRandom[] random = new SplittableRandom[indices.length];
                for (int b = 0; b < indices.length; b++) {
                    random[b] = new SplittableRandom(BatchSource.sampleSeed(seed, epoch, indices[b]));
                }
                return split.batch(manager, indices, augmentation, random);
            }

            @Override
            public boolean randomViews() {
                return true;
            }

            @Override
            public String toString() {
                return split + ", " + augmentation;
            }
        };
    }

    /**
     * Returns the images {@code indices}, image {@code b} cropped and flipped as {@code augmentation} says with
     * draws from {@code random[b]}, as a batch in {@code manager}: inputs {@code [rgb, depth]} (the order of {@link
     * RgbdModality}), labels {@code [n, h, w]}. A null augmentation gives the full images.
     */
    Batch batch(NDManager manager, int[] indices, Augmentation augmentation, SplittableRandom[] random) {
        int h = augmentation == null ? height : augmentation.cropHeight();
        int w = augmentation == null ? width : augmentation.cropWidth();
        checkArgument(h <= height && w <= width,
                "RgbdSplit %s: crop %d x %d is larger than the images (%d x %d); choose a smaller crop", name, h, w,
                height, width);
        int n = indices.length;
        int plane = h * w;
        float[] colour = new float[n * 3 * plane];
        float[] range = new float[n * plane];
        long[] classes = new long[n * plane];
        for (int b = 0; b < n; b++) {
            int i = indices[b];
            int top = augmentation == null ? 0 : random[b].nextInt(height - h + 1);
            int left = augmentation == null ? 0 : random[b].nextInt(width - w + 1);
            boolean flip = augmentation != null && augmentation.horizontalFlip() && random[b].nextBoolean();
            float[] scale = depthScale(i);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int source = (i * height + top + y) * width + left + (flip ? w - 1 - x : x);
                    int target = y * w + x;
                    for (int c = 0; c < 3; c++) {
                        colour[(b * 3 + c) * plane + target] = Byte.toUnsignedInt(rgb[source * 3 + c]) / 255f;
                    }
                    int millimetres = Short.toUnsignedInt(depth[source]);
                    range[b * plane + target] = millimetres == 0 ? 0f
                            : Math.min(1f, Math.max(0f, (millimetres - scale[0]) * scale[1]));
                    classes[b * plane + target] = labels[source];
                }
            }
        }
        return new Batch(List.of(manager.create(colour, new Shape(n, 3, h, w)), manager.create(range,
                new Shape(n, 1, h, w))), manager.create(classes, new Shape(n, h, w)));
    }

    /** Returns {offset, factor} with normalised depth = (d - offset) * factor for image {@code i}. */
    private float[] depthScale(int i) {
        if (normalization == DepthNormalization.FIXED_RANGE) {
            return new float[] {0f, 1f / 10_000f};
        }
        int low = Integer.MAX_VALUE;
        int high = 0;
        for (int p = i * height * width; p < (i + 1) * height * width; p++) {
            int d = Short.toUnsignedInt(depth[p]);
            if (d > 0) {
                low = Math.min(low, d);
                high = Math.max(high, d);
            }
        }
        return high > low ? new float[] {low, 1f / (high - low)} : new float[] {0f, 0f};
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RgbdSplit(%s%s, %d images %d x %d, %d classes, depth %s)",
                synthetic ? "SYNTHETIC " : "", name, size(), height, width, numClasses(), normalization);
    }
}
