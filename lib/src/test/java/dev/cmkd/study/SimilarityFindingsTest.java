package dev.cmkd.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.analysis.BandSimilarity;
import dev.cmkd.report.PairedDifference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

/** The findings are computed from the measurements: intervals over seeds, the pattern's verdicts, the conclusions. */
class SimilarityFindingsTest {

    private static final String[] BANDS = {BandSimilarity.RAW, BandSimilarity.RAW_WITHOUT_DC,
        BandSimilarity.LOW_WITHOUT_DC, BandSimilarity.LOW_WITH_DC, BandSimilarity.HIGH};

    /**
     * Two conditions over five seeds: the teachers, whose low band with DC is what the null gives (the mean alone),
     * and a student, whose low band rises above its null. Per band: {cosine, null} (the high band's null is 0).
     */
    private static Table measurements() {
        Table table = SimilarityFindings.emptyMeasurements();
        Map<String, double[]> teachers = Map.of(BandSimilarity.RAW, new double[] {0.84, 0.84},
                BandSimilarity.RAW_WITHOUT_DC, new double[] {0, 0}, BandSimilarity.LOW_WITHOUT_DC,
                new double[] {0, 0}, BandSimilarity.LOW_WITH_DC, new double[] {0.91, 0.91}, BandSimilarity.HIGH,
                new double[] {0, 0});
        Map<String, double[]> student = Map.of(BandSimilarity.RAW, new double[] {0.9, 0.8},
                BandSimilarity.RAW_WITHOUT_DC, new double[] {0.3, 0}, BandSimilarity.LOW_WITHOUT_DC,
                new double[] {0.4, 0}, BandSimilarity.LOW_WITH_DC, new double[] {0.95, 0.6}, BandSimilarity.HIGH,
                new double[] {0.1, 0});
        double[] jitter = {-0.02, 0.01, 0, 0.02, -0.01}; // sums to 0: a condition at its null has a mean of 0
        for (String feature : List.of("post-relu", "pre-relu")) {
            for (int seed = 0; seed < 5; seed++) { // the study's order: feature point, seed, pair, band
                // kind, label, values per band, sign of the jitter, CKA and its null
                Object[][] pairs = {{SimilarityStudy.TEACHERS, "teachers", teachers, 1, 0.3 + jitter[seed]},
                    {SimilarityStudy.PERMUTED + SimilarityStudy.TEACHERS, "permuted", teachers, -1, 0.3 + jitter[seed]},
                    {SimilarityStudy.STUDENT + "fd-cmkd", "student", student, 1, 0.5}};
                for (Object[] pair : pairs) {
                    @SuppressWarnings("unchecked")
                    Map<String, double[]> values = (Map<String, double[]>) pair[2];
                    for (String band : BANDS) {
                        double e = (int) pair[3] * (band.equals(BandSimilarity.HIGH) ? -jitter[seed] : jitter[seed]);
                        SimilarityFindings.addMeasurement(table, (String) pair[0], (String) pair[1], feature, band,
                                seed, values.get(band)[0] + e, values.get(band)[1], (double) pair[4], 0.1);
                    }
                }
            }
        }
        return table;
    }

    @Test
    void theSummaryHoldsEveryBandWithItsIntervalNullAndBeyondNull() {
        Table measurements = measurements();
        SimilarityFindings findings = SimilarityFindings.of(measurements, SimilarityFindings.emptyCurves());
        Table summary = findings.summary();
        assertEquals(3 * 2 * 5, summary.rowCount());
        Row low = summary.row(3);
        assertEquals(SimilarityStudy.TEACHERS, low.getString("kind"));
        assertEquals(BandSimilarity.LOW_WITH_DC, low.getString("band"));
        assertEquals(5, low.getInt("seeds"));
        PairedDifference d = PairedDifference.of(new double[] {0.89, 0.92, 0.91, 0.93, 0.90});
        assertEquals(d.mean(), low.getDouble("cosine"), 1e-4);
        assertEquals(d.lower(), low.getDouble("cosine_lower"), 1e-4);
        assertEquals(d.upper(), low.getDouble("cosine_upper"), 1e-4);
        assertEquals(0.91, low.getDouble("cosine_null"), 1e-12);
        assertEquals(0, low.getDouble("cosine_beyond"), 1e-4);
        assertEquals(0.2, low.getDouble("cka_beyond"), 1e-4);
        Table formatted = findings.formatted("post-relu");
        assertEquals(15, formatted.rowCount());
        assertEquals(List.of("pair", "band", "cosine", "cosine null", "cosine beyond null", "CKA", "CKA null",
                "CKA beyond null"), formatted.columnNames());
        assertEquals(String.format(Locale.ROOT, "0.910 [%.3f, %.3f]", d.lower(), d.upper()),
                formatted.getString(3, "cosine"));
        Table byBand = findings.byBand("cosine");
        assertEquals(List.of("band", "teachers", "permuted", "student"), byBand.columnNames());
        assertEquals(0.91, byBand.doubleColumn(1).get(3), 1e-4);
    }

    @Test
    void theConclusionsCountTheConditionsThatShowThePatternMeasuredAndBeyondTheNull(@TempDir Path dir)
            throws Exception {
        SimilarityFindings findings = SimilarityFindings.of(measurements(), SimilarityFindings.emptyCurves());
        Table pattern = findings.pattern();
        assertEquals(6, pattern.rowCount());
        assertEquals(List.of("yes", "yes", "yes", "yes", "yes", "yes"), pattern.stringColumn("pattern").asList());
        assertEquals(List.of("no", "no", "yes", "no", "no", "yes"),
                pattern.stringColumn("pattern_beyond_null").asList());
        List<String> conclusions = findings.conclusions();
        assertTrue(conclusions.get(0).startsWith("The table has 6 conditions (3 pairs × 2 feature points), each with"
                + " 5 bands: 30 rows, each over 5 seeds"), conclusions.get(0));
        assertTrue(conclusions.get(1).startsWith("The authors' pattern appears in 6 of 6 conditions"),
                conclusions.get(1));
        assertTrue(conclusions.get(3).startsWith("The two teachers, the authors' pair: teachers (post-relu): low with"
                + " DC − high +0.910 ["), conclusions.get(3));
        assertTrue(conclusions.get(5).contains("remains in 2 of 6 conditions: student (post-relu); student"
                + " (pre-relu); in the other 4"), conclusions.get(5));
        assertTrue(conclusions.get(5).endsWith("about 0.2 of 6 intervals would lie above 0 by chance."),
                conclusions.get(5));
        assertTrue(conclusions.get(6).contains("in 2 of 6 conditions"), conclusions.get(6));
        assertTrue(conclusions.get(7).startsWith("Permuting the channels of one side of teachers (post-relu): the raw"
                + " feature's CKA goes from 0.300 to 0.300"), conclusions.get(7));
        assertEquals(9, conclusions.size());
        List<Path> files = findings.write(dir);
        assertEquals(5, files.size(), "no curves, no figure");
        assertTrue(Files.readString(dir.resolve("conclusions.txt")).contains("remains in 2 of 6"));
    }

    @Test
    void oneSeedGivesNoIntervalAndNoVerdict() {
        Table one = measurements().where(measurements().intColumn("seed").isEqualTo(0));
        SimilarityFindings findings = SimilarityFindings.of(one, SimilarityFindings.emptyCurves());
        assertEquals("one seed", findings.pattern().stringColumn("pattern").get(0));
        assertEquals(2, findings.conclusions().size());
        assertEquals("0.890", findings.formatted("post-relu").getString(3, "cosine"));
    }

    @Test
    void theCurveFigureHasOneSeriesPerPairWithItsInterval() {
        Table curves = SimilarityFindings.emptyCurves();
        for (int seed = 0; seed < 3; seed++) {
            for (int bin = 0; bin < 5; bin++) {
                SimilarityFindings.addCurvePoint(curves, SimilarityStudy.TEACHERS, "teachers", "post-relu", seed, bin,
                        bin == 0 ? 1 : 0.1 * seed, bin == 0 ? 1 : 0);
            }
        }
        SimilarityFindings findings = SimilarityFindings.of(measurements(), curves);
        var chart = findings.chart("post-relu");
        assertEquals(1, chart.getSeriesCollection().size());
        double[] errors = chart.getSeries("teachers").getExtraValues();
        assertEquals(0, errors[0], 1e-12);
        assertEquals(PairedDifference.of(new double[] {0, 0.1, 0.2}).upper() - 0.1, errors[1], 1e-12);
    }
}
