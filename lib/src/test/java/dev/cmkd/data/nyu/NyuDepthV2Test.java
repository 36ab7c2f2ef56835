package dev.cmkd.data.nyu;

import dev.cmkd.data.Batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cmkd.data.DatasetException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * The preparation and the loader on a raw-format fixture: make-raw-fixture.py writes a synthetic HDF5 .mat
 * (MATLAB v7.3 layout), splits.mat and classMapping40.mat whose content is given by formulas; prepare.py
 * turns them into the PNG layout; {@link NyuDepthV2} must read back exactly the formulas' values, in the
 * right orientation, with the 894 -> 40 mapping, the splits and the scene-disjoint validation carve.
 */
class NyuDepthV2Test {

    private static final int H = 6;
    private static final int W = 8;

    @TempDir
    static Path dir;
    private static Path prepared;

    @BeforeAll
    static void prepare() throws Exception {
        Path raw = dir.resolve("raw");
        Scripts.Result fixture = Scripts.python("make-raw-fixture.py", raw.toString(), "--count", "12",
                "--height", Integer.toString(H), "--width", Integer.toString(W));
        assertEquals(0, fixture.exitCode(), fixture.output());
        Path ranks = Files.writeString(dir.resolve("ranks.txt"), "# scene rank 2 of the training scenes\n2\n");
        prepared = dir.resolve("prepared");
        Scripts.Result result = Scripts.python("prepare.py", raw.toString(), prepared.toString(),
                "--val-scene-ranks", ranks.toString());
        assertEquals(0, result.exitCode(), result.output());
    }

    /** Image i, pixel (y, x): the fixture's formulas (see make-raw-fixture.py). */
    private static int expectedClass(int i, int y, int x) {
        int label894 = (7 * i + W * y + x) % 895;
        return label894 == 0 ? RgbdSplit.VOID : (label894 - 1) % 40;
    }

    @Test
    void readsThePreparedValuesInTheRightOrientation() {
        RgbdSplit test = NyuDepthV2.builder().build().load(prepared, "test");
        assertEquals(List.of("0005", "0006", "0011", "0012"), List.of(test.id(0), test.id(1), test.id(2), test.id(3)));
        assertEquals(40, test.numClasses());
        assertEquals(H, test.height());
        assertEquals(W, test.width());
        assertFalse(test.isSynthetic());
        for (int k = 0; k < test.size(); k++) {
            int i = Integer.parseInt(test.id(k));
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals((17 * i + 5 * y + 3 * x + 80 * c) % 256, test.rgb(k, y, x, c));
                    }
                    assertEquals(500 + 250 * i + 10 * y + x, test.depthMillimetres(k, y, x));
                    assertEquals(expectedClass(i, y, x), test.label(k, y, x), "image " + i + " (" + y + ", " + x + ")");
                }
            }
        }
    }

    @Test
    void splitsAndTheValidationCarveAreSceneDisjoint() throws Exception {
        NyuDepthV2 loader = NyuDepthV2.builder().build();
        assertEquals(List.of("0003", "0004"), ids(loader.load(prepared, "val")));
        assertEquals(List.of("0001", "0002", "0007", "0008", "0009", "0010"), ids(loader.load(prepared, "train")));
        assertEquals(8, loader.load(prepared, "official-train").size());
        assertTrue(Files.readString(prepared.resolve("prepared.json")).contains("\"scene_01\""));
    }

    @Test
    void normalisesAndDownsamples() {
        RgbdSplit train = NyuDepthV2.builder().optDownsample(2).optMaxImages(2).build().load(prepared, "train");
        assertEquals(2, train.size());
        assertEquals(H / 2, train.height());
        // image 1: colour of block (0, 0) is the mean of pixels (0..1, 0..1); depth and label the centre (1, 1)
        assertEquals(21, train.rgb(0, 0, 0, 0)); // red of image 1 at (0..1, 0..1): 17, 20, 22, 25
        assertEquals(500 + 250 + 10 + 1, train.depthMillimetres(0, 0, 0));
        try (NDManager manager = NDManager.newBaseManager()) {
            Batch batch = train.batch(manager, new int[] {0}, 0);
            float[] depth = batch.input(1).toFloatArray();
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float d : depth) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertEquals(0f, min, 1e-6f);
            assertEquals(1f, max, 1e-6f);
            assertEquals(21 / 255f, batch.input(0).toFloatArray()[0], 1e-7f);
        }
    }

    /**
     * NYU's 40 classes (Gupta et al.'s order) by the name of the 13 each merges into: class13Mapping.mat of
     * ankurhanda/nyuv2-meta-data at b92d15c5, read name by name (wall, floor, cabinet, bed, ...).
     */
    private static final String[] MERGED_INTO = {"wall", "floor", "furniture", "bed", "chair", "sofa", "table", "wall",
        "window", "furniture", "picture", "furniture", "window", "table", "furniture", "window", "furniture",
        "objects", "objects", "floor", "objects", "ceiling", "books", "furniture", "tv", "objects", "objects",
        "objects", "objects", "objects", "objects", "furniture", "objects", "objects", "objects", "objects", "objects",
        "objects", "furniture", "objects"};

    @Test
    void theThirteenClassesMergeTheFortyAsTheirSourceDoes() {
        RgbdSplit test = NyuDepthV2.builder().optClasses(13).build().load(prepared, "test");
        assertEquals(13, test.numClasses());
        assertEquals(NyuDepthV2.CLASSES_13, test.classNames());
        for (int k = 0; k < test.size(); k++) {
            int i = Integer.parseInt(test.id(k));
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int forty = expectedClass(i, y, x);
                    int expected = forty == RgbdSplit.VOID ? RgbdSplit.VOID
                            : NyuDepthV2.CLASSES_13.indexOf(MERGED_INTO[forty]);
                    assertEquals(expected, test.label(k, y, x), "image " + i + " (" + y + ", " + x + ")");
                }
            }
        }
        assertTrue(NyuDepthV2.builder().optClasses(13).build().toString().contains("13 classes"));
        assertThrows(IllegalArgumentException.class, () -> NyuDepthV2.builder().optClasses(20).build());
    }

    @Test
    void thirteenClassesNeedNyusForty(@TempDir Path synthetic) {
        SyntheticRgbd.builder().optSize(H, W).build().write(synthetic, 2, 1, 1);
        DatasetException refused = assertThrows(DatasetException.class,
                () -> NyuDepthV2.builder().optClasses(13).build().load(synthetic, "test"));
        assertTrue(refused.getMessage().contains("lists 4 classes") && refused.getMessage().contains("fix:"),
                refused.getMessage());
    }

    @Test
    void errorsNameTheFileAndTheFix() throws Exception {
        NyuDepthV2 loader = NyuDepthV2.builder().build();
        DatasetException missing = assertThrows(DatasetException.class, () -> loader.load(dir.resolve("none"), "train"));
        assertTrue(missing.getMessage().contains("prepared.json") && missing.getMessage().contains("build.sh"),
                missing.getMessage());
        DatasetException split = assertThrows(DatasetException.class, () -> loader.load(prepared, "nosuch"));
        assertTrue(split.getMessage().contains("nosuch.txt"), split.getMessage());

        Path broken = dir.resolve("broken");
        copy(prepared, broken);
        BufferedImage eightBit = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(eightBit, "png", broken.resolve("depth/0001.png").toFile());
        DatasetException depth = assertThrows(DatasetException.class, () -> loader.load(broken, "train"));
        assertTrue(depth.getMessage().contains("depth/0001.png") && depth.getMessage().contains("16"),
                depth.getMessage());

        copy(prepared, broken);
        BufferedImage labels = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        labels.getRaster().setSample(2, 1, 0, 77);
        ImageIO.write(labels, "png", broken.resolve("label40/0001.png").toFile());
        DatasetException label = assertThrows(DatasetException.class, () -> loader.load(broken, "train"));
        assertTrue(label.getMessage().contains("label40/0001.png") && label.getMessage().contains("(y 1, x 2)")
                && label.getMessage().contains("77"), label.getMessage());
    }

    @Test
    void preparationStopsOnAMissingFileWithWhatToDo() throws Exception {
        Path raw = dir.resolve("raw-incomplete");
        copy(dir.resolve("raw"), raw);
        Files.delete(raw.resolve("splits.mat"));
        Scripts.Result result = Scripts.python("prepare.py", raw.toString(), dir.resolve("out").toString());
        assertEquals(1, result.exitCode());
        assertTrue(result.output().contains("splits.mat is missing") && result.output().contains("download.sh"),
                result.output());
    }

    private static List<String> ids(RgbdSplit split) {
        return java.util.stream.IntStream.range(0, split.size()).mapToObj(split::id).toList();
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
