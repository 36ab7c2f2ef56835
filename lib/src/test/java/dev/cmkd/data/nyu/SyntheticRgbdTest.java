package dev.cmkd.data.nyu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The SYNTHETIC RGB-D renderer: deterministic, a z-buffer, every class, and readable by the loader. */
class SyntheticRgbdTest {

    @TempDir
    Path dir;

    @Test
    void rendersAZBufferedSceneWithEveryClass() {
        SyntheticRgbd generator = SyntheticRgbd.builder().optSize(48, 64).build();
        int[] pixels = new int[5];
        int missing = 0;
        for (int i = 0; i < 10; i++) {
            SyntheticRgbd.Rendering r = generator.render(i);
            for (int p = 0; p < r.label().length; p++) {
                pixels[r.label()[p]]++;
                missing += r.depth()[p] == 0 ? 1 : 0;
            }
            // the bottom row sees the floor or an object in front of the wall: nearer than the top row's wall
            int top = r.depth()[32];
            int bottom = r.depth()[47 * 64 + 32];
            assertTrue(bottom == 0 || top == 0 || bottom < top, "image " + i + ": " + bottom + " vs " + top);
            assertArrayEquals(r.rgb(), generator.render(i).rgb(), "deterministic");
        }
        int total = 10 * 48 * 64;
        for (int k = 1; k <= 4; k++) {
            assertTrue(pixels[k] > total / 50, "class " + k + " covers " + pixels[k] + " pixels");
        }
        assertEquals(0.02, (double) pixels[0] / total, 0.01, "void pixels");
        assertEquals(0.02, (double) missing / total, 0.01, "pixels without depth");
    }

    @Test
    void writesTheNyuLayoutMarkedSynthetic() throws Exception {
        Path prepared = SyntheticRgbd.builder().optSize(8, 12).build().write(dir, 3, 1, 2);
        assertTrue(Files.readString(prepared.resolve("prepared.json")).contains("\"synthetic\": true"));
        RgbdSplit test = NyuDepthV2.builder().build().load(prepared, "test");
        assertTrue(test.isSynthetic());
        assertEquals(2, test.size());
        assertEquals("0005", test.id(0));
        assertEquals(SyntheticRgbd.CLASSES, test.classNames());
        SyntheticRgbd.Rendering r = SyntheticRgbd.builder().optSize(8, 12).build().render(4);
        assertEquals(r.depth()[13], test.depthMillimetres(0, 1, 1));
        assertEquals(r.label()[13] - 1, test.label(0, 1, 1));
        assertEquals(r.rgb()[13 * 3 + 2], test.rgb(0, 1, 1, 2));
        assertEquals(4, NyuDepthV2.builder().build().load(prepared, "official-train").size());
    }
}
