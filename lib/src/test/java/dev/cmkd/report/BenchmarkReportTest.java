package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.train.EpochRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class BenchmarkReportTest {

    /** An epoch whose main head has validation accuracy {@code val} and test accuracy {@code test}. */
    private static EpochRecord epoch(int epoch, double val, double test, double auxiliaryTest) {
        Map<String, Double> validation = new LinkedHashMap<>();
        validation.put("head", val);
        validation.put("psiLow", 0.0);
        Map<String, Double> testAccuracy = new LinkedHashMap<>();
        testAccuracy.put("head", test);
        testAccuracy.put("psiLow", auxiliaryTest);
        return new EpochRecord(epoch, 0.01, 1.0, Map.of("total", 1.0), validation, testAccuracy, Map.of());
    }

    @Test
    void theThreeProtocolsSelectAsDocumented() {
        RunOutcome run = new RunOutcome("r", List.of(epoch(0, 0.50, 0.40, 0.10), epoch(1, 0.70, 0.60, 0.90),
                epoch(2, 0.70, 0.65, 0.20), epoch(3, 0.60, 0.55, 0.30)), Map.of(), null);
        assertEquals(1, run.bestValidationEpoch(), "the first epoch with the best validation accuracy");
        assertEquals(0.60, run.testAccuracy("bestVal"));
        assertEquals(0.55, run.testAccuracy("lastEpoch"));
        assertEquals(0.90, run.testAccuracy("paperBestTest"), "the best of any head at any epoch, on the test set");
    }

    @Test
    void theSummaryGivesMeanAndSampleStandardDeviationOverSeeds(@TempDir Path dir) throws Exception {
        BenchmarkReport report = new BenchmarkReport("test data", List.of("accuracy"));
        double[] accuracies = {0.80, 0.90, 0.85};
        for (int seed = 0; seed < 3; seed++) {
            RunOutcome run = new RunOutcome("s" + seed, List.of(epoch(0, 0.5, accuracies[seed], 0)), Map.of(), null);
            report.add(new BenchmarkReport.Entry("student", "audio", "image", "fd-cmkd", seed, run));
        }
        report.add(new BenchmarkReport.Entry("teacher", "image", "", "", 0,
                new RunOutcome("t", List.of(epoch(0, 0.9, 0.95, 0)), Map.of(), null)));
        Table summary = report.summary();
        assertEquals(2, summary.rowCount());
        assertEquals(0.85, summary.doubleColumn("bestVal_mean").getDouble(0), 1e-12);
        assertEquals(0.05, summary.doubleColumn("bestVal_std").getDouble(0), 1e-12);
        assertEquals(3, summary.intColumn("seeds").getInt(0));
        assertTrue(summary.doubleColumn("bestVal_std").isMissing(1), "one seed has no spread");
        Table formatted = BenchmarkReport.formatted(summary);
        assertEquals("85.00 ± 5.00", formatted.stringColumn("bestVal").get(0));
        assertEquals("95.00 (one seed)", formatted.stringColumn("bestVal").get(1));

        assertEquals(4 * 3, report.results().rowCount(), "every run under every protocol");
        assertTrue(report.results().columnNames().contains("kit_commit"));
        for (Path file : report.write(dir)) {
            assertTrue(Files.size(file) > 0, file + " written");
        }
        assertTrue(Files.exists(dir.resolve("curves-audio.png")));
    }
}
