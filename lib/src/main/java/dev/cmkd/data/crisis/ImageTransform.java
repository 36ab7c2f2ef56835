package dev.cmkd.data.crisis;

import static dev.cmkd.data.Checks.checkArgument;

import static dev.cmkd.data.av.FrameTransform.MEAN;
import static dev.cmkd.data.av.FrameTransform.STD;

import dev.cmkd.data.av.FrameTransform;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The visual input pipeline of FD-CMKD's released code (method.md section 2.9, torchvision names), on a
 * decoded RGB picture of {@code W x H} pixels, giving a {@code 3 x S x S} float array (channel-major):
 *
 * <ul>
 *   <li><b>training</b>: {@code RandomResizedCrop(S)} with scale {@code (0.08, 1)} and aspect ratio {@code (3/4,
 *       4/3)}, drawn as torchvision draws it ({@link FrameTransform#randomResizedCrop} gives the formulas), then
 *       {@code RandomHorizontalFlip(0.5)};
 *   <li><b>evaluation</b>: {@code Resize((S, S))}, the whole picture to a square (aspect not kept);
 *   <li>both: pixel / 255, then per channel {@code (x - mean) / std} with ImageNet's mean {@code (0.485, 0.456,
 *       0.406)} and std {@code (0.229, 0.224, 0.225)}.
 * </ul>
 *
 * The crop draws and the ImageNet statistics are {@link FrameTransform}'s. Resampling is bilinear with
 * half-pixel centres ({@code align_corners = False}) and clamping at the crop's edges (the crop is cut, then
 * resized), without torchvision's antialiasing (unlike {@link FrameTransform}); the data scripts store
 * pictures with a shorter side of at most 256 px, so the test-time resize shrinks by a small factor. All
 * randomness comes from the caller's {@link SplittableRandom}, so a sample's augmentation is reproducible.
 */
public final class ImageTransform {

    private final int size;
    private final boolean training;

    private ImageTransform(int size, boolean training) {
        checkArgument(size >= 1, "ImageTransform: size " + size + " must be at least 1");
        this.size = size;
        this.training = training;
    }

    /** RandomResizedCrop to {@code size x size} and a random horizontal flip. */
    public static ImageTransform training(int size) {
        return new ImageTransform(size, true);
    }

    /** A resize of the whole picture to {@code size x size}. */
    public static ImageTransform evaluation(int size) {
        return new ImageTransform(size, false);
    }

    /** Returns the output side {@code S}. */
    public int size() {
        return size;
    }

    /** Returns whether the transform is random (training). */
    public boolean isTraining() {
        return training;
    }

    /** A crop box in pixels: left, top, width, height. */
    record Box(int left, int top, int width, int height) {}

    /**
     * Returns the normalised {@code 3 x S x S} array of {@code image}; {@code random} is used in training
     * only (and may then not be null).
     */
    public float[] apply(BufferedImage image, SplittableRandom random) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        Box box = training ? randomCrop(width, height, random) : new Box(0, 0, width, height);
        boolean flip = training && random.nextDouble() < 0.5;
        return resample(argb, width, box, flip);
    }

    /** torchvision's {@code RandomResizedCrop.get_params}, as {@link FrameTransform#randomResizedCrop} draws it. */
    static Box randomCrop(int width, int height, SplittableRandom random) {
        int[] crop = FrameTransform.randomResizedCrop(width, height, random);
        return new Box(crop[1], crop[0], crop[3], crop[2]);
    }

    private float[] resample(int[] argb, int width, Box box, boolean flip) {
        float[] out = new float[3 * size * size];
        int plane = size * size;
        double scaleX = (double) box.width() / size;
        double scaleY = (double) box.height() / size;
        for (int y = 0; y < size; y++) {
            double sy = box.top() + (y + 0.5) * scaleY - 0.5;
            int y0 = clamp((int) Math.floor(sy), box.top(), box.height());
            int y1 = clamp((int) Math.floor(sy) + 1, box.top(), box.height());
            double fy = sy - Math.floor(sy);
            for (int x = 0; x < size; x++) {
                int column = flip ? size - 1 - x : x;
                double sx = box.left() + (column + 0.5) * scaleX - 0.5;
                int x0 = clamp((int) Math.floor(sx), box.left(), box.width());
                int x1 = clamp((int) Math.floor(sx) + 1, box.left(), box.width());
                double fx = sx - Math.floor(sx);
                int p00 = argb[y0 * width + x0];
                int p01 = argb[y0 * width + x1];
                int p10 = argb[y1 * width + x0];
                int p11 = argb[y1 * width + x1];
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    double top = ((p00 >> shift) & 0xFF) * (1 - fx) + ((p01 >> shift) & 0xFF) * fx;
                    double bottom = ((p10 >> shift) & 0xFF) * (1 - fx) + ((p11 >> shift) & 0xFF) * fx;
                    double value = (top * (1 - fy) + bottom * fy) / 255.0;
                    out[c * plane + y * size + x] = (float) ((value - MEAN[c]) / STD[c]);
                }
            }
        }
        return out;
    }

    /** Clamps {@code index} into {@code [start, start + length)}: the crop is cut first, then resized. */
    private static int clamp(int index, int start, int length) {
        return Math.max(start, Math.min(start + length - 1, index));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, training ? "RandomResizedCrop(%d) + flip" : "Resize(%d, %d)", size, size);
    }
}
