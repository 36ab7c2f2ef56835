package dev.cmkd.data.nyu;

import static dev.cmkd.data.Checks.checkData;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.data.DatasetException;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

/**
 * Reads the prepared NYU-Depth V2 layout (or {@link SyntheticRgbd}'s, which is the same) into memory:
 *
 * <pre>
 *   prepared.json         written last by the preparation; {"synthetic": true} marks synthetic data
 *   classes.tsv           "id  name" header, then the K classes with ids 1..K (NYU: the 40 classes)
 *   splits/NAME.txt       one image id per line (NNNN): official-train, train, val, test
 *   rgb/NNNN.png          8-bit RGB
 *   depth/NNNN.png        16-bit grayscale, millimetres, 0 = no measurement
 *   label40/NNNN.png      8-bit grayscale, 0 = void, k = class k (1..K)
 * </pre>
 *
 * The stored label {@code k >= 1} becomes class {@code k - 1}, 0 becomes {@link RgbdSplit#VOID}; with {@code
 * optClasses(13)} NYU's 40 classes are merged into the 13 of {@link #CLASSES_13}. An image
 * can be downsampled by an integer factor {@code f} at load time: colour by the mean of each {@code f x f}
 * block, depth and labels by the block's centre pixel (labels must not be averaged). Every problem is
 * reported as a {@link DatasetException} naming the file, the field and the fix.
 */
public final class NyuDepthV2 {

    /** The prepared layout's marker, written last by the preparation. */
    public static final String PREPARED = "prepared.json";
    /** The class list. */
    public static final String CLASSES = "classes.tsv";

    /**
     * The 13-class set of the NYU-Depth V2 literature (e.g. Eigen and Fergus, ICCV 2015), in the order of its source:
     * {@code class13Mapping.mat} of {@code ankurhanda/nyuv2-meta-data} at commit {@code b92d15c5} (408 bytes,
     * SHA-256 {@code 4e79ab24c345896c19abc62476b2c3520f3e2db00f71f868c5027208af48a3de}), field {@code classNames}.
     */
    public static final List<String> CLASSES_13 = List.of("bed", "books", "ceiling", "chair", "floor", "furniture",
            "objects", "picture", "sofa", "table", "tv", "wall", "window");

    /**
     * Class {@code k} of the 40 (1-based, Gupta et al.'s order: wall, floor, cabinet, ...) becomes class {@code
     * FROM_40_TO_13[k - 1]} of {@link #CLASSES_13} (1-based): the same file's field {@code labels13}.
     */
    private static final int[] FROM_40_TO_13 = {12, 5, 6, 1, 4, 9, 10, 12, 13, 6, 8, 6, 13, 10, 6, 13, 6, 7, 7, 5, 7,
        3, 2, 6, 11, 7, 7, 7, 7, 7, 7, 6, 7, 7, 7, 7, 7, 7, 6, 7};

    private final int downsample;
    private final int maxImages;
    private final int classes;

    private NyuDepthV2(Builder builder) {
        this.downsample = builder.downsample;
        this.maxImages = builder.maxImages;
        this.classes = builder.classes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns whether {@code prepared} holds a finished preparation (its {@value #PREPARED} exists). */
    public static boolean isPrepared(Path prepared) {
        return Files.isRegularFile(prepared.resolve(PREPARED));
    }

    /** Reads the split {@code split} ({@code train}, {@code val}, {@code test} or {@code official-train}). */
    public RgbdSplit load(Path prepared, String split) {
        Path marker = prepared.resolve(PREPARED);
        checkData(isPrepared(prepared), marker + " is missing: " + prepared + " is not a finished preparation. Run"
                + " data-scripts/nyu-depth-v2/build.sh (the real data) or SyntheticRgbd (a synthetic stand-in)");
        boolean synthetic = readSynthetic(marker);
        List<String> stored = readClasses(prepared.resolve(CLASSES));
        checkData(classes == 40 || stored.size() == FROM_40_TO_13.length, "%s lists %d classes; the 13 classes are"
                + " merged from NYU's 40; fix: prepare the real NYU-Depth V2 (data-scripts/nyu-depth-v2/build.sh) or"
                + " read the %d classes as they are (-Dfdcmkd.classes=40)", prepared.resolve(CLASSES), stored.size(),
                stored.size());
        List<String> classNames = classes == 40 ? stored : CLASSES_13;
        int[] lookup = new int[stored.size() + 1]; // stored label -> class, 0 -> void
        lookup[0] = RgbdSplit.VOID;
        for (int k = 1; k <= stored.size(); k++) {
            lookup[k] = (classes == 40 ? k : FROM_40_TO_13[k - 1]) - 1;
        }
        List<String> ids = readIds(prepared.resolve("splits").resolve(split + ".txt"));
        if (ids.size() > maxImages) {
            ids = ids.subList(0, maxImages);
        }
        int[] size = imageSize(prepared.resolve("rgb").resolve(ids.get(0) + ".png"));
        int height = size[0] / downsample;
        int width = size[1] / downsample;
        int plane = height * width;
        byte[] rgb = new byte[ids.size() * plane * 3];
        short[] depth = new short[ids.size() * plane];
        byte[] labels = new byte[ids.size() * plane];
        List<String> finalIds = ids;
        IntStream.range(0, ids.size()).parallel().forEach(i -> {
            String id = finalIds.get(i);
            readColour(prepared.resolve("rgb").resolve(id + ".png"), size, rgb, i * plane * 3);
            readDepth(prepared.resolve("depth").resolve(id + ".png"), size, depth, i * plane);
            readLabels(prepared.resolve("label40").resolve(id + ".png"), size, lookup, labels, i * plane);
        });
        return new RgbdSplit(split, ids, classNames, height, width, rgb, depth, labels,
                DepthNormalization.PER_IMAGE_MIN_MAX, synthetic);
    }

    private static boolean readSynthetic(Path marker) {
        try {
            JsonObject json = JsonParser.parseString(Files.readString(marker)).getAsJsonObject();
            return json.has("synthetic") && json.get("synthetic").getAsBoolean();
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(marker + ": cannot read the JSON field 'synthetic' (" + e.getMessage()
                    + "); rerun the preparation", e);
        }
    }

    private static List<String> readClasses(Path file) {
        List<String> lines = lines(file, "rerun the preparation");
        checkData(!lines.isEmpty() && lines.get(0).equals("id\tname"),
                file + ": the header must be 'id<TAB>name'; rerun the preparation");
        List<String> names = new ArrayList<>();
        for (int k = 1; k < lines.size(); k++) {
            String[] fields = lines.get(k).split("\t", -1);
            checkData(fields.length == 2 && fields[0].equals(Integer.toString(k)),
                    "%s line %d: expected '%d<TAB>name', got '%s'; rerun the preparation", file, k + 1, k,
                    lines.get(k));
            names.add(fields[1]);
        }
        checkData(names.size() >= 2 && names.size() <= 127,
                file + ": " + names.size() + " classes; between 2 and 127 are supported");
        return names;
    }

    private static List<String> readIds(Path file) {
        List<String> ids = lines(file, "name one of the prepared splits (train, val, test, official-train)"
                + " or rerun the preparation");
        for (int line = 0; line < ids.size(); line++) {
            checkData(ids.get(line).matches("[0-9A-Za-z_-]+"), "%s line %d: '%s' is not an image id; rerun the"
                    + " preparation", file, line + 1, ids.get(line));
        }
        checkData(!ids.isEmpty(), file + " lists no image; rerun the preparation");
        return ids;
    }

    private static List<String> lines(Path file, String fix) {
        checkData(Files.isRegularFile(file), file + " is missing; " + fix);
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private int[] imageSize(Path file) {
        BufferedImage image = read(file);
        int height = image.getHeight();
        int width = image.getWidth();
        checkData(height % downsample == 0 && width % downsample == 0, "%s is %d x %d, not divisible by the"
                + " downsampling factor %d; choose a factor that divides both", file, height, width, downsample);
        return new int[] {height, width};
    }

    private static BufferedImage read(Path file) {
        checkData(Files.isRegularFile(file),
                file + " is missing; rerun the preparation (data-scripts/nyu-depth-v2/build.sh)");
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IOException("not a readable image");
            }
            return image;
        } catch (IOException e) {
            throw new DatasetException(file + " cannot be decoded as PNG (" + e.getMessage() + "); delete it and"
                    + " rerun the preparation", e);
        }
    }

    private static Raster raster(Path file, int[] size, int bands, int bits, String what) {
        BufferedImage image = read(file);
        Raster raster = image.getRaster();
        checkData(image.getHeight() == size[0] && image.getWidth() == size[1], "%s is %d x %d, the split's first image"
                + " %d x %d; all images must have one size: rerun the preparation", file, image.getHeight(),
                image.getWidth(), size[0], size[1]);
        int actualBands = raster.getNumBands();
        int actualBits = raster.getSampleModel().getSampleSize(0);
        checkData(actualBands == bands && actualBits == bits,
                "%s has %d band(s) of %d bits, expected %s (%d x %d bits); rerun the preparation", file, actualBands,
                actualBits, what, bands, bits);
        return raster;
    }

    private void readColour(Path file, int[] size, byte[] out, int offset) {
        Raster raster = raster(file, size, 3, 8, "8-bit RGB");
        int f = downsample;
        int width = size[1] / f;
        int[] block = new int[f * f * 3];
        for (int y = 0; y < size[0] / f; y++) {
            for (int x = 0; x < width; x++) {
                raster.getPixels(x * f, y * f, f, f, block);
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int p = 0; p < f * f; p++) {
                        sum += block[p * 3 + c];
                    }
                    out[offset + (y * width + x) * 3 + c] = (byte) Math.round((float) sum / (f * f));
                }
            }
        }
    }

    private void readDepth(Path file, int[] size, short[] out, int offset) {
        Raster raster = raster(file, size, 1, 16, "16-bit grayscale millimetres");
        int f = downsample;
        int width = size[1] / f;
        for (int y = 0; y < size[0] / f; y++) {
            for (int x = 0; x < width; x++) {
                out[offset + y * width + x] = (short) raster.getSample(x * f + f / 2, y * f + f / 2, 0);
            }
        }
    }

    /** Reads the stored labels of {@code file} as the classes {@code lookup} gives them (0 = void, 1..K). */
    private void readLabels(Path file, int[] size, int[] lookup, byte[] out, int offset) {
        int classes = lookup.length - 1;
        Raster raster = raster(file, size, 1, 8, "8-bit grayscale labels");
        int f = downsample;
        int width = size[1] / f;
        for (int y = 0; y < size[0] / f; y++) {
            for (int x = 0; x < width; x++) {
                int value = raster.getSample(x * f + f / 2, y * f + f / 2, 0);
                if (value > classes) {
                    throw new DatasetException(String.format(Locale.ROOT, "%s pixel (y %d, x %d) has label %d, but"
                            + " classes.tsv lists %d classes (0 = void, 1..%d); rerun the preparation", file,
                            y * f + f / 2, x * f + f / 2, value, classes, classes));
                }
                out[offset + y * width + x] = (byte) lookup[value];
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "NyuDepthV2(downsample %d, depth PER_IMAGE_MIN_MAX%s%s)", downsample,
                classes == 40 ? "" : ", " + classes + " classes",
                maxImages == Integer.MAX_VALUE ? "" : ", at most " + maxImages + " images");
    }

    /** Builder in DJL's style: every setting is optional. */
    public static final class Builder {

        private int downsample = 1;
        private int maxImages = Integer.MAX_VALUE;
        private int classes = 40;

        private Builder() {}

        /**
         * Optional: the classes, 40 (default: the stored ones, Gupta et al.'s for NYU) or 13 ({@link #CLASSES_13},
         * merged from the 40).
         */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** Optional: an integer downsampling factor applied at load time. Default 1 (480 x 640 for NYU). */
        public Builder optDownsample(int factor) {
            this.downsample = factor;
            return this;
        }

        /** Optional: read at most the first {@code n} images of each split (smoke runs). Default all. */
        public Builder optMaxImages(int n) {
            this.maxImages = n;
            return this;
        }

        public NyuDepthV2 build() {
            if (classes != 40 && classes != 13) {
                throw new IllegalArgumentException("NyuDepthV2: classes is " + classes + "; it is 40 or 13");
            }
            if (downsample < 1 || maxImages < 1) {
                throw new IllegalArgumentException("NyuDepthV2: downsample (" + downsample + ") and maxImages ("
                        + maxImages + ") must be at least 1");
            }
            return new NyuDepthV2(this);
        }
    }
}
