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

    /**
     * Main job, audio students over seeds 0–2: fd-cmkd − none = {7.0, 7.1, 6.9} points (mean 7, sd 0.1, se
     * 0.1 / sqrt(3) = 0.057735, t(0.975, 2) = 4.302653, CI 7 ± 0.248414 = [6.75, 7.25]); fd-cmkd − kd = {0.1,
     * −0.4, 0.7}, no difference. Ablation: fd-cmkd-f − fd-cmkd-plain = {10, 10.2, 10}. One family of 3.
     */
    @Test
    void verdictsFollowThePairedIntervalsAfterHolm() {
        Table main = results("main");
        rows(main, "none", 0.80, 0.81, 0.79);
        rows(main, "kd", 0.869, 0.885, 0.852);
        rows(main, "fd-cmkd", 0.87, 0.881, 0.859);
        Table ablation = results("ablation");
        rows(ablation, "fd-cmkd-plain", 0.60, 0.61, 0.59);
        rows(ablation, "fd-cmkd-f", 0.70, 0.712, 0.69);
        Table cosine = Table.create("cosine", StringColumn.create("band", "raw", "low with DC", "low without DC",
                "high"), DoubleColumn.create("trained teachers", 0.5, 0.3, 0.2, 0.4));
        Table cka = Table.create("cka", StringColumn.create("band", "raw", "low with DC", "low without DC", "high"),
                DoubleColumn.create("trained teachers", 0.2, 0.3, 0.25, 0.1));

        Table comparisons = PaperComparison.accuracyComparisons(main, ablation, "bestVal", "test_accuracy");
        assertEquals(3, PairedComparison.family(comparisons));
        Table claims = PaperComparison.claims(PaperNumbers.load(), comparisons, cosine, pattern(0.55, 0.65, 0.59,
                -0.03, 0.07), cka, "bestVal");
        assertEquals(5, claims.rowCount());
        StringColumn verdict = claims.stringColumn("verdict on our data");
        assertEquals("holds as measured, but not beyond the mean-only null: the shared mean alone gives the gap",
                verdict.get(0));
        assertTrue(claims.stringColumn("kit measurement").get(0).contains("gap +0.600 [+0.550, +0.650], the mean-only"
                + " null's +0.590"), claims.stringColumn("kit measurement").get(0));
        assertEquals("holds, beyond the mean-only null", PaperComparison.claims(PaperNumbers.load(), comparisons,
                cosine, pattern(0.55, 0.65, 0.40, 0.12, 0.28), cka, "bestVal").stringColumn("verdict on our data")
                .get(0));
        assertEquals("does not hold (low not above high)", PaperComparison.claims(PaperNumbers.load(), comparisons,
                cosine, pattern(-0.05, 0.05, 0.0, -0.05, 0.05), cka, "bestVal").stringColumn("verdict on our data")
                .get(0));
        assertEquals("holds (low above raw)", verdict.get(1));
        assertEquals("does not hold (higher after Holm)", verdict.get(2));
        assertEquals("holds (higher after Holm)", verdict.get(3));
        assertEquals("not shown (no difference detected)", verdict.get(4));
        assertEquals("FD-CMKD beats kd (audio student)", claims.stringColumn("claim").get(4));
        assertTrue(claims.stringColumn("paper evidence").get(0).contains("0.9113"));
        String measurement = claims.stringColumn("kit measurement").get(3);
        assertTrue(measurement.startsWith("fd-cmkd vs none: +7.00 [+6.75, +7.25] points (95 % CI, paired), n = 3"
                + " seeds, Holm p = "), measurement);
        assertTrue(measurement.endsWith(" over 3 comparisons"), measurement);
        assertTrue(claims.stringColumn("kit measurement").get(4).contains("[−"), "the kd interval straddles 0");
    }

    /**
     * The similarity pattern table with the post-ReLU teachers' row: the gap's 95 % CI, the null's gap and the CI of
     * the gap beyond the null (means at the middles), and a pre-ReLU row that must not be read.
     */
    private static Table pattern(double gapLower, double gapUpper, double nullGap, double beyondLower,
            double beyondUpper) {
        Table pattern = Table.create("pattern", StringColumn.create("kind", "teachers", "teachers"),
                StringColumn.create("feature", "pre-relu", "post-relu"), IntColumn.create("seeds", new int[] {5, 5}));
        interval(pattern, "gap", gapLower, gapUpper);
        interval(pattern, "null_gap", nullGap, nullGap);
        interval(pattern, "beyond", beyondLower, beyondUpper);
        return pattern;
    }

    /** Adds the columns of one interval: its middle as the mean, its bounds; the pre-ReLU row gets -9 in each. */
    private static void interval(Table pattern, String name, double lower, double upper) {
        pattern.addColumns(DoubleColumn.create(name, -9, (lower + upper) / 2),
                DoubleColumn.create(name + "_lower", -9, lower), DoubleColumn.create(name + "_upper", -9, upper));
    }

    private static Table results(String name) {
        return Table.create(name, StringColumn.create("role"), StringColumn.create("modality"),
                StringColumn.create("teacher_modality"), StringColumn.create("method"), IntColumn.create("seed"),
                StringColumn.create("protocol"), DoubleColumn.create("test_accuracy"), StringColumn.create("status"));
    }

    /** One finished audio student run of {@code method} per seed 0, 1, …, under bestVal. */
    private static void rows(Table results, String method, double... bySeed) {
        for (int seed = 0; seed < bySeed.length; seed++) {
            results.stringColumn("role").append("student");
            results.stringColumn("modality").append("audio");
            results.stringColumn("teacher_modality").append("image");
            results.stringColumn("method").append(method);
            results.intColumn("seed").append(seed);
            results.stringColumn("protocol").append("bestVal");
            results.doubleColumn("test_accuracy").append(bySeed[seed]);
            results.stringColumn("status").append("finished");
        }
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

        Table paperProtocol = summary.copy();
        paperProtocol.addColumns(DoubleColumn.create("paperBestTest_mean", 0.655));
        java.nio.file.Files.createDirectories(results.resolve("real/crema-d-paper"));
        paperProtocol.write().csv(results.resolve("real/crema-d-paper/summary.csv").toFile());

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
                assertEquals(65.5, versus.doubleColumn("kit_value_paper_protocol").getDouble(row), 1e-9);
                assertTrue(versus.stringColumn("kit_source_paper_protocol").get(row).endsWith(
                        "crema-d-paper/summary.csv"));
            } else if (segmentationCell) {
                matched++;
                assertEquals(30.5, versus.doubleColumn("kit_value").getDouble(row), 1e-9);
                assertTrue(versus.doubleColumn("kit_value_paper_protocol").isMissing(row), "no paper-protocol run");
            } else {
                assertTrue(versus.doubleColumn("kit_value").isMissing(row), "row " + row);
            }
        }
        assertEquals(3, matched);
    }
}
