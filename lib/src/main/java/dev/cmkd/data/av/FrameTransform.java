package dev.cmkd.data.av;

import static dev.cmkd.data.Checks.checkArgument;

import java.util.SplittableRandom;

/**
 * One video frame to a visual network's input {@code [3, size, size]}, as the FD-CMKD released code does with
 * torchvision on PIL images ({@code dataset/CremadDataset.py}; C2KD uses the same for AVE and VGGSound):
 *
 * <ul>
 *   <li><b>training view</b>: {@code RandomResizedCrop(size)} with torchvision's defaults (scale {@code [0.08,
 *       1]}, aspect ratio {@code [3/4, 4/3]}, ten attempts, then the centre crop fallback), then {@code
 *       RandomHorizontalFlip(0.5)};
 *   <li><b>test view</b>: {@code Resize((size, size))}, the whole frame squeezed to a square;
 *   <li>then {@code ToTensor} ({@code x / 255}) and {@code Normalize} with ImageNet's mean {@code (0.485,
 *       0.456, 0.406)} and standard deviation {@code (0.229, 0.224, 0.225)}, channel-major RGB.
 * </ul>
 *
 * Resizing is PIL's bilinear filter with its antialiasing ({@code Image.resize(..., BILINEAR)}, what
 * torchvision calls on PIL images): separable, a triangle kernel whose support is widened by the
 * downscaling factor, horizontal pass first, each pass rounded to 8 bits. PIL computes in fixed point, so
 * single pixels may differ by one grey level. Which frame is used is chosen by {@link #frameIndex}.
 */
public final class FrameTransform {

    /** ImageNet's per-channel mean (torchvision). */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet's per-channel standard deviation (torchvision). */
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private static final double MIN_SCALE = 0.08;
    private static final double MAX_SCALE = 1.0;
    private static final double LOG_MIN_RATIO = Math.log(3.0 / 4.0);
    private static final double LOG_MAX_RATIO = Math.log(4.0 / 3.0);

    private final int size;

    /** Creates the transform to {@code size x size} (224 in the paper). */
    public FrameTransform(int size) {
        checkArgument(size >= 1, "FrameTransform: size " + size + " must be at least 1");
        this.size = size;
    }

    public int size() {
        return size;
    }

    /**
     * Returns the index of the frame to use among {@code count} frames sorted by name: uniform in {@code [0,
     * count)} for a training view, {@code count / 2} (the middle) for a test view ({@code random == null}), as
     * the released code does with one frame per clip.
     */
    public static int frameIndex(int count, SplittableRandom random) {
        return random == null ? count / 2 : random.nextInt(count);
    }

    /**
     * Transforms an RGB image given as packed {@code 0xRRGGBB} pixels, row-major, into {@code out} from
     * {@code offset}: {@code 3 * size * size} floats, channel-major.
     *
     * @param random the training view's randomness; null for the test view
     */
    public void apply(int[] rgb, int width, int height, SplittableRandom random, float[] out, int offset) {
        int[] crop = random == null ? new int[] {0, 0, height, width} : randomResizedCrop(width, height, random);
        boolean flip = random != null && random.nextDouble() < 0.5;
        int top = crop[0];
        int left = crop[1];
        int cropHeight = crop[2];
        int cropWidth = crop[3];
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            int[] channel = new int[cropWidth * cropHeight];
            for (int y = 0; y < cropHeight; y++) {
                for (int x = 0; x < cropWidth; x++) {
                    channel[y * cropWidth + x] = (rgb[(top + y) * width + left + x] >> shift) & 0xFF;
                }
            }
            int[] resized = resize(channel, cropWidth, cropHeight, size, size);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int value = resized[y * size + (flip ? size - 1 - x : x)];
                    out[offset + c * plane + y * size + x] = (value / 255f - MEAN[c]) / STD[c];
                }
            }
        }
    }

    /**
     * Returns {@code (top, left, height, width)} of torchvision's {@code RandomResizedCrop.get_params} for an
     * image of {@code width x height}: up to ten draws of an area fraction in {@code [0.08, 1]} and a log-uniform
     * aspect ratio in {@code [3/4, 4/3]}, {@code w = round(sqrt(A r))}, {@code h = round(sqrt(A / r))}, accepted
     * if it fits, at a uniform position; otherwise the largest centred crop whose ratio lies in the range.
     */
    public static int[] randomResizedCrop(int width, int height, SplittableRandom random) {
        double area = (double) width * height;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (MIN_SCALE + (MAX_SCALE - MIN_SCALE) * random.nextDouble());
            double ratio = Math.exp(LOG_MIN_RATIO + (LOG_MAX_RATIO - LOG_MIN_RATIO) * random.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new int[] {top, left, h, w};
            }
        }
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < Math.exp(LOG_MIN_RATIO)) {
            h = (int) Math.round(w / Math.exp(LOG_MIN_RATIO));
        } else if (inRatio > Math.exp(LOG_MAX_RATIO)) {
            w = (int) Math.round(h * Math.exp(LOG_MAX_RATIO));
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }

    /** PIL's antialiased bilinear resize of one 8-bit channel, horizontal pass first, rounded after each pass. */
    static int[] resize(int[] channel, int width, int height, int outWidth, int outHeight) {
        int[] horizontal = new int[outWidth * height];
        Kernel kx = new Kernel(width, outWidth);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < outWidth; x++) {
                double sum = 0;
                for (int k = 0; k < kx.count[x]; k++) {
                    sum += kx.weights[x][k] * channel[y * width + kx.first[x] + k];
                }
                horizontal[y * outWidth + x] = clamp8(sum);
            }
        }
        int[] out = new int[outWidth * outHeight];
        Kernel ky = new Kernel(height, outHeight);
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                double sum = 0;
                for (int k = 0; k < ky.count[y]; k++) {
                    sum += ky.weights[y][k] * horizontal[(ky.first[y] + k) * outWidth + x];
                }
                out[y * outWidth + x] = clamp8(sum);
            }
        }
        return out;
    }

    private static int clamp8(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    /**
     * PIL's resampling coefficients ({@code precompute_coeffs} in {@code Resample.c}) for the bilinear filter
     * from {@code in} to {@code out} samples: scale {@code s = in / out}, support {@code max(s, 1)}; output
     * {@code i} is centred at {@code (i + 0.5) s} and weighs input {@code j} by {@code max(0, 1 - |(j - c + 0.5)
     * / max(s, 1)|)}, normalised to sum 1.
     */
    private static final class Kernel {

        final int[] first;
        final int[] count;
        final double[][] weights;

        Kernel(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale;
            first = new int[out];
            count = new int[out];
            weights = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), in);
                double[] w = new double[max - min];
                double total = 0;
                for (int j = min; j < max; j++) {
                    double t = Math.abs((j - center + 0.5) / filterScale);
                    w[j - min] = t < 1 ? 1 - t : 0;
                    total += w[j - min];
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] = total == 0 ? 0 : w[k] / total;
                }
                first[i] = min;
                count[i] = w.length;
                weights[i] = w;
            }
        }
    }
}
