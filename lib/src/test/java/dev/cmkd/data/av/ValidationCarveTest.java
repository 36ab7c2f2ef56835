package dev.cmkd.data.av;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cmkd.testing.Scripts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validation carve of data-scripts/lib/av.sh: every 10th training clip of each class, in id order. */
class ValidationCarveTest {

    @TempDir
    Path tmp;

    @Test
    void takesEveryTenthClipOfEachClassInIdOrder() throws IOException {
        // class "a": 25 clips -> positions 9 and 19; class "b c" (with a space): 10 -> position 9; "d": 9 -> none
        List<String> lines = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        int[] counts = {25, 10, 9};
        String[] classes = {"a", "b c", "d"};
        for (int c = 0; c < 3; c++) {
            for (int k = counts[c] - 1; k >= 0; k--) {       // given in reverse: the carve sorts
                String id = String.format(Locale.ROOT, "clip%d_%03d", c, k);
                lines.add(id + "\t" + classes[c]);
                if (k % 10 == 9) {
                    expected.add(id);
                }
            }
        }
        Path input = Files.write(tmp.resolve("train.tsv"), lines);
        String carved = Scripts.bash(Map.of("LC_ALL", "C"), "-c", "source data-scripts/lib/common.sh && source"
                + " data-scripts/lib/av.sh && carve_validation < '" + input + "' | sort").output();
        assertEquals(expected.stream().sorted().toList(), carved.lines().toList());
    }
}
