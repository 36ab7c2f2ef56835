package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class PaperComparisonTest {

    @Test
    void verdictsFollowTheMeasurementsAndTheirSeedNoise() {
        Table main = Table.create("main", StringColumn.create("role", "teacher", "student", "student", "student"),
                StringColumn.create("modality", "audio", "audio", "audio", "audio"),
                StringColumn.create("teacher_modality", "", "image", "image", "image"),
                StringColumn.create("method", "", "none", "kd", "fd-cmkd"), IntColumn.create("seeds", 3, 3, 3, 3),
                DoubleColumn.create("bestVal_mean", 0.90, 0.80, 0.869, 0.87),
                DoubleColumn.create("bestVal_std", 0.01, 0.01, 0.01, 0.01));
        Table ablation = Table.create("ablation", StringColumn.create("method", "fd-cmkd-plain", "fd-cmkd-f"),
                DoubleColumn.create("audio_mean", 0.60, 0.70), DoubleColumn.create("audio_std", 0.01, 0.01),
                IntColumn.create("audio_seeds", 3, 3));
        Table cosine = Table.create("cosine", StringColumn.create("band", "raw", "low with DC", "low without DC",
                "high"), DoubleColumn.create("trained teachers", 0.5, 0.3, 0.2, 0.4));
        Table cka = Table.create("cka", StringColumn.create("band", "raw", "low with DC", "low without DC", "high"),
                DoubleColumn.create("trained teachers", 0.2, 0.3, 0.25, 0.1));

        Table claims = PaperComparison.claims(PaperNumbers.load(), main, ablation, cosine, cka, "bestVal");
        assertEquals(5, claims.rowCount());
        StringColumn verdict = claims.stringColumn("verdict on our data");
        assertEquals("does not hold (low not above high)", verdict.get(0));
        assertEquals("holds (low above raw)", verdict.get(1));
        assertEquals("does not hold (a change beyond seed noise)", verdict.get(2));
        // 87.0 - 80.0 = 7 points with a standard error of 0.82: beyond noise; 87.0 - 86.9 is within it.
        assertEquals("higher, beyond seed noise", verdict.get(3));
        assertEquals("higher, within seed noise", verdict.get(4));
        assertTrue(claims.stringColumn("paper evidence").get(0).contains("0.9113"));
        assertTrue(claims.stringColumn("kit measurement").get(3).contains("+7.00 ± 0.82"),
                claims.stringColumn("kit measurement").get(3));
    }

    @Test
    void theKitsValueSitsBesideThePapersWhereTheKitHasRunTheSameCell(@TempDir Path results) throws Exception {
        Table summary = Table.create("summary", StringColumn.create("role", "student"),
                StringColumn.create("modality", "audio"), StringColumn.create("teacher_modality", "visual"),
                StringColumn.create("method", "fd-cmkd"), IntColumn.create("seeds", new int[] {3}),
                DoubleColumn.create("bestVal_mean", 0.612), DoubleColumn.create("bestVal_std", 0.01));
        java.nio.file.Files.createDirectories(results.resolve("real/crema-d"));
        summary.write().csv(results.resolve("real/crema-d/summary.csv").toFile());
        Table segmentation = summary.copy();
        segmentation.stringColumn("modality").set(0, "depth");
        segmentation.stringColumn("teacher_modality").set(0, "rgb");
        segmentation.doubleColumn("bestVal_mean").set(0, 0.305);
        java.nio.file.Files.createDirectories(results.resolve("real/nyu-depth-v2"));
        segmentation.write().csv(results.resolve("real/nyu-depth-v2/summary.csv").toFile());

        Table versus = PaperComparison.paperVersusKit(PaperNumbers.load(), results, "bestVal");
        int matched = 0;
        for (int row = 0; row < versus.rowCount(); row++) {
            // Table 1's cell and Table 3's full-method row are the same kit run.
            boolean cell = versus.stringColumn("dataset").get(row).equals("crema-d")
                    && versus.stringColumn("student_modality").get(row).equals("audio")
                    && versus.stringColumn("method").get(row).equals("fd-cmkd");
            boolean segmentationCell = versus.stringColumn("dataset").get(row).equals("nyu-depth-v2")
                    && versus.stringColumn("student_modality").get(row).equals("depth")
                    && versus.stringColumn("method").get(row).equals("fd-cmkd");
            if (cell) {
                matched++;
                assertEquals(61.2, versus.doubleColumn("kit_value").getDouble(row), 1e-9);
            } else if (segmentationCell) {
                matched++;
                assertEquals(30.5, versus.doubleColumn("kit_value").getDouble(row), 1e-9);
            } else {
                assertTrue(versus.doubleColumn("kit_value").isMissing(row), "row " + row);
            }
        }
        assertEquals(3, matched);
    }
}
