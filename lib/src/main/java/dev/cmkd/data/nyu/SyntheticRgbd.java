package dev.cmkd.data.nyu;

import static dev.cmkd.data.Checks.checkArgument;

import com.google.gson.GsonBuilder;
import dev.cmkd.results.ResultFiles;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

/**
 * A SYNTHETIC RGB-D segmentation dataset: random rooms with boxes and spheres, ray-cast with a z-buffer
 * into a colour image, a depth map and a per-pixel class, written in the prepared NYU-Depth V2 layout
 * ({@link NyuDepthV2} reads it) with {@code "synthetic": true} in {@code prepared.json}. It exists because
 * no real RGB-D source can be downloaded offline (data.md); it checks the pipeline, it says nothing about
 * NYU-Depth V2 results.
 *
 * <p><b>Scene</b> (camera at the origin looking along +z, y down, focal length {@code 0.9 w} pixels): a
 * floor at {@code y = 1} m, a back wall at {@code z = Z} with {@code Z} uniform in [4, 6] m, 1 to 3 boxes
 * (axis-aligned, standing on the floor) and 1 to 3 spheres (resting on the floor), 1.8 to {@code Z - 0.5} m
 * away. Each pixel's ray keeps its nearest hit (the z-buffer); its depth is the hit's z.
 *
 * <p><b>Classes</b> (4): 1 wall, 2 floor, 3 box, 4 sphere in {@code label40/}, 0 = void for 2 % of the
 * pixels at random (NYU's unlabelled pixels). <b>Colour</b>: every surface has a random colour, independent
 * of its class, shaded by a Lambertian light from above ({@code 0.35 + 0.65 max(0, n . l)}, {@code l} the unit
 * vector towards the light, along (-0.4, -1, -0.5)), with Gaussian noise (sigma 4/255): the class must be
 * inferred from shape and shading. <b>Depth</b>: millimetres with Gaussian noise (sigma 10 mm); 2 % of the
 * pixels have no measurement (0). Image {@code i} is drawn from {@code SplittableRandom(seed + i)}, so the data
 * are deterministic.
 */
public final class SyntheticRgbd {

    /** The class names, ids 1..4. */
    public static final List<String> CLASSES = List.of("wall", "floor", "box", "sphere");

    /** The direction the light travels (unit), opposite to {@code l}. */
    private static final double[] LIGHT = normalize(new double[] {0.4, 1.0, 0.5});

    private final int height;
    private final int width;
    private final long seed;

    private SyntheticRgbd(Builder builder) {
        this.height = builder.height;
        this.width = builder.width;
        this.seed = builder.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes {@code train + val + test} images into {@code dir} in the prepared layout, with the splits
     * {@code train}, {@code val}, {@code test} and {@code official-train} (= train + val), and returns {@code
     * dir}. Image ids are {@code 0001...} in that order.
     */
    public Path write(Path dir, int train, int val, int test) {
        checkArgument(train >= 1 && val >= 1 && test >= 1,
                "SyntheticRgbd: every split needs at least one image, got " + train + " / " + val + " / " + test);
        int count = train + val + test;
        IntStream.range(0, count).parallel().forEach(i -> writeImage(dir, i));
        ResultFiles.writeString(ids(0, train), dir.resolve("splits/train.txt"));
        ResultFiles.writeString(ids(train, train + val), dir.resolve("splits/val.txt"));
        ResultFiles.writeString(ids(0, train + val), dir.resolve("splits/official-train.txt"));
        ResultFiles.writeString(ids(train + val, count), dir.resolve("splits/test.txt"));
        ResultFiles.writeString(IntStream.range(0, CLASSES.size()).mapToObj(k -> (k + 1) + "\t" + CLASSES.get(k) + "\n")
                .collect(Collectors.joining("", "id\tname\n", "")), dir.resolve(NyuDepthV2.CLASSES));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("source", "SYNTHETIC RGB-D (dev.cmkd.data.nyu.SyntheticRgbd): random boxes and spheres, not"
                + " NYU-Depth V2");
        summary.put("synthetic", true);
        summary.put("images", count);
        summary.put("height", height);
        summary.put("width", width);
        summary.put("train", train);
        summary.put("val", val);
        summary.put("test", test);
        summary.put("seed", seed);
        ResultFiles.writeString(new GsonBuilder().setPrettyPrinting().create().toJson(summary) + "\n",
                dir.resolve(NyuDepthV2.PREPARED));
        return dir;
    }

    private static String ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> id(i) + "\n").collect(Collectors.joining());
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "%04d", i + 1);
    }

    /** One rendered image: colour (HWC, 0..255), depth in millimetres, label 0..4 (0 void). */
    record Rendering(int[] rgb, int[] depth, int[] label) {}

    /** Renders image {@code i}. */
    Rendering render(int i) {
        SplittableRandom random = new SplittableRandom(seed + i);
        double wall = 4 + 2 * random.nextDouble();
        List<Shape> shapes = new ArrayList<>();
        shapes.add(new Plane(new double[] {0, 0, 1}, wall, colour(random), 1));
        shapes.add(new Plane(new double[] {0, 1, 0}, 1, colour(random), 2));
        int boxes = 1 + random.nextInt(3);
        for (int b = 0; b < boxes; b++) {
            double z = 1.8 + random.nextDouble() * (wall - 2.8);
            double sx = 0.3 + 0.7 * random.nextDouble();
            double sy = 0.3 + 0.9 * random.nextDouble();
            double sz = 0.3 + 0.6 * random.nextDouble();
            double x = (random.nextDouble() - 0.5) * 0.8 * z - sx / 2;
            shapes.add(new Box(new double[] {x, 1 - sy, z}, new double[] {x + sx, 1, z + sz}, colour(random), 3));
        }
        int spheres = 1 + random.nextInt(3);
        for (int s = 0; s < spheres; s++) {
            double r = 0.2 + 0.4 * random.nextDouble();
            double z = 1.8 + r + random.nextDouble() * (wall - 2.3 - 2 * r);
            double x = (random.nextDouble() - 0.5) * 0.8 * z;
            shapes.add(new Sphere(new double[] {x, 1 - r, z}, r, colour(random), 4));
        }
        double focal = 0.9 * width;
        int[] rgb = new int[height * width * 3];
        int[] depth = new int[height * width];
        int[] label = new int[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double[] ray = {(x + 0.5 - width / 2.0) / focal, (y + 0.5 - height / 2.0) / focal, 1};
                double nearest = Double.POSITIVE_INFINITY;
                Shape hit = null;
                for (Shape shape : shapes) {
                    double t = shape.intersect(ray);
                    if (t > 0 && t < nearest) {
                        nearest = t;
                        hit = shape;
                    }
                }
                int p = y * width + x; // every ray meets the back wall, so hit is set
                double[] point = {ray[0] * nearest, ray[1] * nearest, nearest};
                double shade = 0.35 + 0.65 * Math.max(0, -dot(hit.normal(point), LIGHT));
                for (int c = 0; c < 3; c++) {
                    double value = 255 * hit.colour()[c] * shade + 4 * random.nextGaussian();
                    rgb[p * 3 + c] = (int) Math.max(0, Math.min(255, Math.round(value)));
                }
                depth[p] = random.nextDouble() < 0.02 ? 0
                        : (int) Math.max(1, Math.min(65535, Math.round(1000 * nearest + 10 * random.nextGaussian())));
                label[p] = random.nextDouble() < 0.02 ? 0 : hit.classId();
            }
        }
        return new Rendering(rgb, depth, label);
    }

    private void writeImage(Path dir, int i) {
        Rendering r = render(i);
        BufferedImage colour = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage range = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage classes = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster colourRaster = colour.getRaster();
        WritableRaster rangeRaster = range.getRaster();
        WritableRaster classRaster = classes.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                colourRaster.setPixel(x, y, new int[] {r.rgb[p * 3], r.rgb[p * 3 + 1], r.rgb[p * 3 + 2]});
                rangeRaster.setSample(x, y, 0, r.depth[p]);
                classRaster.setSample(x, y, 0, r.label[p]);
            }
        }
        String name = id(i) + ".png";
        ResultFiles.write(dir.resolve("rgb").resolve(name), f -> ImageIO.write(colour, "png", f.toFile()));
        ResultFiles.write(dir.resolve("depth").resolve(name), f -> ImageIO.write(range, "png", f.toFile()));
        ResultFiles.write(dir.resolve("label40").resolve(name), f -> ImageIO.write(classes, "png", f.toFile()));
    }

    private static double[] colour(SplittableRandom random) {
        return new double[] {0.2 + 0.8 * random.nextDouble(), 0.2 + 0.8 * random.nextDouble(),
            0.2 + 0.8 * random.nextDouble()};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double[] normalize(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        return new double[] {v[0] / norm, v[1] / norm, v[2] / norm};
    }

    /** A surface: ray parameter of the first hit of the ray {@code t * ray} (t > 0), or infinity. */
    private interface Shape {
        double intersect(double[] ray);

        double[] normal(double[] point);

        double[] colour();

        int classId();
    }

    /** The plane {@code n . p = offset}, seen from the camera's side; {@code n} is a unit axis. */
    private record Plane(double[] n, double offset, double[] colour, int classId) implements Shape {
        @Override
        public double intersect(double[] ray) {
            double along = dot(n, ray);
            return along > 1e-9 ? offset / along : Double.POSITIVE_INFINITY;
        }

        @Override
        public double[] normal(double[] point) {
            return new double[] {-n[0], -n[1], -n[2]};
        }
    }

    /** An axis-aligned box {@code [lo, hi]}. */
    private record Box(double[] lo, double[] hi, double[] colour, int classId) implements Shape {
        @Override
        public double intersect(double[] ray) {
            double near = Double.NEGATIVE_INFINITY;
            double far = Double.POSITIVE_INFINITY;
            for (int a = 0; a < 3; a++) {
                if (Math.abs(ray[a]) < 1e-12) {
                    if (0 < lo[a] || 0 > hi[a]) {
                        return Double.POSITIVE_INFINITY;
                    }
                    continue;
                }
                double t1 = lo[a] / ray[a];
                double t2 = hi[a] / ray[a];
                near = Math.max(near, Math.min(t1, t2));
                far = Math.min(far, Math.max(t1, t2));
            }
            return near <= far && near > 0 ? near : Double.POSITIVE_INFINITY;
        }

        @Override
        public double[] normal(double[] point) {
            int axis = 0;
            double best = Double.POSITIVE_INFINITY;
            double sign = 1;
            for (int a = 0; a < 3; a++) {
                for (int side = 0; side < 2; side++) {
                    double distance = Math.abs(point[a] - (side == 0 ? lo[a] : hi[a]));
                    if (distance < best) {
                        best = distance;
                        axis = a;
                        sign = side == 0 ? -1 : 1;
                    }
                }
            }
            double[] n = new double[3];
            n[axis] = sign;
            return n;
        }
    }

    /** A sphere. */
    private record Sphere(double[] centre, double radius, double[] colour, int classId) implements Shape {
        @Override
        public double intersect(double[] ray) {
            double a = dot(ray, ray);
            double b = dot(ray, centre);
            double discriminant = b * b - a * (dot(centre, centre) - radius * radius);
            if (discriminant < 0) {
                return Double.POSITIVE_INFINITY;
            }
            double t = (b - Math.sqrt(discriminant)) / a;
            return t > 0 ? t : Double.POSITIVE_INFINITY;
        }

        @Override
        public double[] normal(double[] point) {
            return normalize(new double[] {point[0] - centre[0], point[1] - centre[1], point[2] - centre[2]});
        }
    }

    /** Builder in DJL's style: every setting is optional. */
    public static final class Builder {

        private int height = 48;
        private int width = 64;
        private long seed = 20251127;

        private Builder() {}

        /** Optional: the image size. Default 48 x 64 (NYU's 4:3 aspect ratio). */
        public Builder optSize(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        /** Optional: the seed. Default 20251127. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public SyntheticRgbd build() {
            checkArgument(height >= 4 && width >= 4,
                    "SyntheticRgbd: size " + height + " x " + width + " must be at least 4 x 4");
            return new SyntheticRgbd(this);
        }
    }
}
