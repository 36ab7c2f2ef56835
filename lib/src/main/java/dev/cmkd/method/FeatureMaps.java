package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.loss.LossFunctions;

import java.util.Locale;
import java.util.function.BiFunction;

/**
 * Tensor helpers of the methods on maps: nearest upsampling of a map to the logits' grid, bilinear resizing of a
 * map to another's size ({@link FitNet}'s hints), logits as one row per pixel, and terms taken over the labelled
 * pixels only.
 */
public final class FeatureMaps {

    private FeatureMaps() {}

    /** Returns {@code x [B, C, h, w]} upsampled to {@code [B, C, f h, f w]} by repeating each pixel. */
    public static NDArray upsample(NDArray x, int factor) {
        return factor == 1 ? x : x.repeat(2, factor).repeat(3, factor);
    }

    /**
     * Returns {@code x [B, C, h, w]} resized to {@code [B, C, H, W]} by bilinear interpolation with aligned corners,
     * as PyTorch's {@code F.interpolate(x, (H, W), mode='bilinear', align_corners=True)}, written as two matrix
     * products so that it is differentiable and exact on every engine:
     *
     * <pre>
     *   resize(x) = A_H x A_W^T,   A_H[i, :] interpolates between rows floor(s_i) and floor(s_i) + 1 of x,
     *                              s_i = i (h - 1) / (H - 1)   (s_i = 0 when H = 1)
     * </pre>
     *
     * and {@code x} itself when the sizes agree.
     */
    public static NDArray resizeBilinear(NDArray x, long height, long width) {
        Shape shape = x.getShape();
        if (shape.get(2) == height && shape.get(3) == width) {
            return x;
        }
        NDArray rows = interpolation(x, height, shape.get(2));
        NDArray columns = interpolation(x, width, shape.get(3));
        return rows.matMul(x.matMul(columns.transpose()));
    }

    /** Returns the aligned-corners linear interpolation matrix {@code [to, from]}, in {@code like}'s type. */
    private static NDArray interpolation(NDArray like, long to, long from) {
        int n = Math.toIntExact(to);
        int m = Math.toIntExact(from);
        double[] weights = new double[n * m];
        for (int i = 0; i < n; i++) {
            double source = n == 1 ? 0 : i * (m - 1) / (double) (n - 1);
            int low = Math.min((int) Math.floor(source), m - 1);
            int high = Math.min(low + 1, m - 1);
            double fraction = source - low;
            weights[i * m + low] += 1 - fraction;
            weights[i * m + high] += fraction;
        }
        return like.getManager().create(weights, new Shape(n, m)).toType(like.getDataType(), false)
                .toDevice(like.getDevice(), false);
    }

    /**
     * Returns {@code f = H / h}, checking that logits {@code [B, K, H, W]} are the map {@code [B, D, h, w]}
     * upsampled by an integer {@code f} in both directions; errors name {@code method}.
     */
    static int upsampleFactor(String method, Shape logits, Shape map) {
        if (logits.dimension() != 4 || map.dimension() != 4) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: logits %s and feature map %s are not"
                    + " [B, K, H, W] and [B, D, h, w]", method, logits, map));
        }
        long factor = logits.get(2) / map.get(2);
        if (factor * map.get(2) != logits.get(2) || factor * map.get(3) != logits.get(3)) {
            throw new IllegalArgumentException(method + ": logits " + logits
                    + " are not an integer multiple of the feature map " + map);
        }
        return Math.toIntExact(factor);
    }

    /** Returns the student's map shape if the teacher's map has the same one; errors name {@code method}. */
    static Shape requireSameShape(String method, NDArray studentMap, NDArray teacherMap) {
        Shape shape = studentMap.getShape();
        if (!shape.equals(teacherMap.getShape())) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: the student's map %s and the teacher's"
                    + " %s differ; use the same encoder on both modalities", method, shape, teacherMap.getShape()));
        }
        return shape;
    }

    /** Returns {@code [B, K, H, W]} as {@code [B H W, K]}, one row per pixel in row-major {@code (b, y, x)}. */
    static NDArray rows(NDArray logits) {
        return logits.transpose(0, 2, 3, 1).reshape(-1, logits.getShape().get(1));
    }

    /**
     * Returns {@code terms} of the labelled pixels: it receives the mask of the rows to keep ({@code [B H W]},
     * over {@link #rows}) and their labels {@code [N]}. When no pixel is labelled it is evaluated on every pixel
     * as class 0 so that the terms and their graph exist, and each term is multiplied by 0.
     */
    static LossTerms onLabelledPixels(NDArray labels, BiFunction<NDArray, NDArray, LossTerms> terms) {
        NDArray flatLabels = labels.flatten();
        NDArray valid = flatLabels.gte(0);
        if (valid.toType(DataType.INT64, false).sum().getLong() > 0) {
            return terms.apply(valid, flatLabels.get(valid));
        }
        LossTerms any = terms.apply(valid.logicalNot(), flatLabels.zerosLike()); // every pixel, as class 0
        LossTerms zero = new LossTerms();
        for (String name : any.names()) {
            zero.add(name, any.weight(name), LossFunctions.times(any.get(name), 0));
        }
        return zero;
    }
}
