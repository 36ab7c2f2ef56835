package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.experiment.RunOutcome;
import dev.cmkd.train.EpochRecord;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class PairedComparisonTest {

    /**
     * Differences {1, 2, 3, 4, 5}, by hand:
     * <pre>
     *   mean = 15 / 5 = 3
     *   sd   = sqrt((4 + 1 + 0 + 1 + 4) / 4) = sqrt(2.5) = 1.5811388
     *   se   = sd / sqrt(5) = sqrt(0.5) = 0.7071068
     *   t(0.975, 4) = 2.776445 (printed table)
     *   CI   = 3 ± 2.776445 · 0.7071068 = 3 ± 1.963243 = [1.036757, 4.963243]
     *   t    = 3 / sqrt(0.5) = sqrt(18) = 4.2426407
     *   p    = 2 (1 − F_4(t)); for 4 degrees of freedom F_4(t) = 1/2 + (3/8) u (1 − t² / (12 (1 + t²/4))) with
     *          u = t / sqrt(1 + t²/4); with t² = 18: u = sqrt(18 / 5.5) = 6 / sqrt(11) and the bracket is 8/11,
     *          so p = 1 − (3/4)(6 / sqrt(11))(8/11) = 1 − 36 / (11 sqrt(11)) = 0.0132356
     * </pre>
     */
    @Test
    void theIntervalAndPValueMatchAHandComputedExample() {
        PairedDifference d = PairedDifference.of(new double[] {1.0, 2.0, 3.0, 4.0, 5.0});
        assertEquals(5, d.n());
        assertEquals(3.0, d.mean(), 1e-12);
        assertEquals(Math.sqrt(2.5), d.sd(), 1e-12);
        double half = 2.776445 * Math.sqrt(0.5);
        assertEquals(1.963243, half, 1e-6);
        assertEquals(3 - half, d.lower(), 1e-5);
        assertEquals(3 + half, d.upper(), 1e-5);
        assertEquals(1 - 36 / (11 * Math.sqrt(11)), d.p(), 1e-9);
        assertEquals(0.0132356, d.p(), 1e-7);
    }

    /** Two-sided 95 % quantiles t(0.975, df) from a printed t table, and the closed forms for df 1 and 2. */
    @Test
    void tQuantilesMatchAPrintedTable() {
        int[] df = {1, 2, 4, 9, 29};
        double[] printed = {12.706205, 4.302653, 2.776445, 2.262157, 2.045230};
        for (int i = 0; i < df.length; i++) {
            assertEquals(printed[i], PairedDifference.tQuantile(0.975, df[i]), 1e-5, "df " + df[i]);
        }
        // df 1 is Cauchy: tan(π (p − 1/2)); df 2: (2p − 1) / sqrt(2 p (1 − p)).
        assertEquals(Math.tan(Math.PI * 0.475), PairedDifference.tQuantile(0.975, 1), 1e-6);
        assertEquals(0.95 / Math.sqrt(2 * 0.975 * 0.025), PairedDifference.tQuantile(0.975, 2), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.tQuantile(0.975, 0));
    }

    /**
     * p = {0.01, 0.04, 0.03, 0.005}, m = 4. Sorted: 0.005 · 4 = 0.02; 0.01 · 3 = 0.03; 0.03 · 2 = 0.06;
     * 0.04 · 1 = 0.04, raised to the running maximum 0.06. In the original order: {0.03, 0.06, 0.06, 0.02}.
     * p = {0.5, 0.6}: 0.5 · 2 = 1.0 (at most 1); 0.6 · 1 = 0.6, raised to 1.0.
     */
    @Test
    void holmMatchesAHandComputedExample() {
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02},
                PairedComparison.holm(new double[] {0.01, 0.04, 0.03, 0.005}), 1e-12);
        assertArrayEquals(new double[] {1.0, 1.0}, PairedComparison.holm(new double[] {0.5, 0.6}), 1e-12);
        assertArrayEquals(new double[0], PairedComparison.holm(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> PairedComparison.holm(new double[] {0.1, Double.NaN}));
    }

    @Test
    void fewerThanTwoSeedsOrEqualDifferencesAreHandledWithoutDividingByZero() {
        PairedDifference one = PairedDifference.of(new double[] {1.5});
        assertEquals(1.5, one.mean());
        assertFalse(one.hasInterval());
        assertTrue(Double.isNaN(one.lower()) && Double.isNaN(one.p()));
        PairedDifference none = PairedDifference.of(new double[0]);
        assertEquals(0, none.n());
        assertTrue(Double.isNaN(none.mean()));
        PairedDifference same = PairedDifference.of(new double[] {2, 2, 2});
        assertEquals(0.0, same.p());
        assertEquals(2.0, same.lower());
        assertEquals(1.0, PairedDifference.of(new double[] {0, 0}).p());
    }

    /**
     * Reference "none" finishes seeds 1, 2, 3 and fails seed 4; "kd" finishes seeds 2, 3, 4, 5. Only seeds 2 and 3
     * pair. Rows of the other protocol, the other modality and the teacher do not enter.
     */
    @Test
    void runsPairBySeedWhereBothFinished() {
        Table results = results();
        run(results, "audio", "none", 1, 0.50, true);
        run(results, "audio", "none", 2, 0.60, true);
        run(results, "audio", "none", 3, 0.70, true);
        run(results, "audio", "none", 4, 0.99, false);
        run(results, "audio", "kd", 2, 0.63, true);
        run(results, "audio", "kd", 3, 0.71, true);
        run(results, "audio", "kd", 4, 0.75, true);
        run(results, "audio", "kd", 5, 0.10, true);
        run(results, "image", "kd", 2, 0.10, true);
        run(results, "image", "none", 2, 0.90, true);
        PairedComparison.Pairing pairing = new PairedComparison.Pairing("kd", results, "audio", "none", "kd");
        // seed 2: 63 − 60 = 3 points; seed 3: 71 − 70 = 1 point
        assertArrayEquals(new double[] {3.0, 1.0}, PairedComparison.differencesBySeed(pairing, "bestVal",
                "test_accuracy"), 1e-9);
        // lastEpoch rows are 0.01 lower for every run: the same differences, from their own rows
        assertArrayEquals(new double[] {3.0, 1.0}, PairedComparison.differencesBySeed(pairing, "lastEpoch",
                "test_accuracy"), 1e-9);

        Table table = PairedComparison.table("t", PairedComparison.everyModality(results, "none",
                List.<String[]>of(new String[] {"kd", "kd"})), "bestVal", "test_accuracy");
        assertEquals(List.of("audio", "image"), table.stringColumn("student").asList());
        assertEquals(List.of(2, 1), table.intColumn("seeds").asList());
        assertEquals(2.0, table.doubleColumn("difference").getDouble(0), 1e-9);
        assertEquals(-80.0, table.doubleColumn("difference").getDouble(1), 1e-9);
        assertEquals(PairedComparison.ONE_SEED, table.stringColumn("verdict").get(1));
        assertEquals(1, PairedComparison.family(table), "only comparisons with an interval are corrected for");

        run(results, "audio", "kd", 3, 0.72, true);
        assertThrows(IllegalStateException.class, () -> PairedComparison.differencesBySeed(pairing, "bestVal",
                "test_accuracy"), "two finished runs of one seed cannot be paired");
    }

    /**
     * Audio students, five seeds: "kd" is 2 points above "none" on every seed but one (spread small), "dkd" is
     * within ±1 of it. The verdicts follow the Holm-adjusted p-values, and every sentence quotes the table's own
     * numbers.
     */
    @Test
    void theConclusionsQuoteTheTablesNumbersAndTheFamilySize() {
        Table results = results();
        double[] none = {0.800, 0.810, 0.790, 0.805, 0.795};
        double[] kd = {0.820, 0.832, 0.809, 0.826, 0.814};
        double[] dkd = {0.805, 0.800, 0.795, 0.800, 0.800};
        for (int seed = 0; seed < 5; seed++) {
            run(results, "audio", "none", seed, none[seed], true);
            run(results, "audio", "kd", seed, kd[seed], true);
            run(results, "audio", "dkd", seed, dkd[seed], true);
        }
        run(results, "audio", "dist", 0, 0.9, true);
        Table table = PairedComparison.table("audio", PairedComparison.everyModality(results, "none", List.of(
                new String[] {"kd", "kd"}, new String[] {"dkd", "dkd"}, new String[] {"dist", "dist"})), "bestVal",
                "test_accuracy");
        assertEquals(PairedComparison.HIGHER, table.stringColumn("verdict").get(0));
        assertEquals(PairedComparison.NO_DIFFERENCE, table.stringColumn("verdict").get(1));
        assertEquals(PairedComparison.ONE_SEED, table.stringColumn("verdict").get(2));
        assertEquals(2, PairedComparison.family(table));
        assertTrue(table.doubleColumn("p_holm").getDouble(0) >= table.doubleColumn("p").getDouble(0));

        List<String> sentences = PairedComparison.conclusions(table);
        assertEquals(1 + 3, sentences.size(), String.join("\n", sentences));
        assertTrue(sentences.get(0).startsWith("1 of 2 comparisons differ beyond seed noise"), sentences.get(0));
        assertTrue(sentences.get(0).contains("about 0.1 of 2 comparisons at 5 %"), sentences.get(0));
        assertTrue(sentences.get(0).contains("1 comparison has fewer than two paired seeds"), sentences.get(0));
        for (int row = 0; row < 2; row++) {
            String sentence = sentences.get(1 + row);
            assertTrue(sentence.startsWith(table.stringColumn("method").get(row) + " vs none (audio student): "),
                    sentence);
            for (String column : new String[] {"difference", "ci_low", "ci_high"}) {
                assertTrue(sentence.contains(minus(String.format(Locale.ROOT, "%+.1f",
                        table.doubleColumn(column).getDouble(row)))), column + " in: " + sentence);
            }
            assertTrue(sentence.contains("n = 5 seeds"), sentence);
            assertTrue(sentence.contains(table.stringColumn("verdict").get(row) + " after Holm over 2 comparisons"),
                    sentence);
            double holm = table.doubleColumn("p_holm").getDouble(row);
            assertTrue(sentence.contains(holm < 0.001 ? "(adjusted p < 0.001)"
                    : String.format(Locale.ROOT, "(adjusted p = %.3f)", holm)), sentence);
        }
        assertTrue(sentences.get(3).contains("from one seed; no interval"), sentences.get(3));
        assertTrue(sentences.stream().noneMatch(s -> s.contains("best")), "none is not above every other method");
        assertEquals(List.of(sentences.get(1)), PairedComparison.differences(table), "only kd differs");

        Table formatted = PairedComparison.formatted(table);
        assertTrue(formatted.name().contains("Holm over 2 comparisons"), formatted.name());
        assertEquals(minus(String.format(Locale.ROOT, "%+.2f [%+.2f, %+.2f]", table.doubleColumn("difference")
                .getDouble(1), table.doubleColumn("ci_low").getDouble(1), table.doubleColumn("ci_high").getDouble(1))),
                formatted.stringColumn("difference, points [95 % CI]").get(1));
    }

    /** "best" is written only when the reference is Holm-significantly above every method it is compared with. */
    @Test
    void bestOnlyWhenTheReferenceIsAboveEveryOtherAfterHolm() {
        Table results = results();
        for (int seed = 0; seed < 4; seed++) {
            run(results, "image", "fd-cmkd", seed, 0.90 + 0.01 * seed, true);
            run(results, "image", "kd", seed, 0.85 + 0.01 * seed + 0.001 * (seed % 2), true);
            run(results, "image", "none", seed, 0.80 + 0.01 * seed - 0.001 * (seed % 2), true);
        }
        Table table = PairedComparison.table("image", PairedComparison.everyModality(results, "fd-cmkd", List.of(
                new String[] {"kd", "kd"}, new String[] {"none", "none"})), "bestVal", "test_accuracy");
        assertEquals(List.of(PairedComparison.LOWER, PairedComparison.LOWER), table.stringColumn("verdict").asList());
        List<String> sentences = PairedComparison.conclusions(table);
        assertEquals("fd-cmkd is the best of the 3 methods compared for the image student: each of the other 2 is"
                + " lower after Holm over 2 comparisons.", sentences.get(1));
    }

    @Test
    void signedNumbersUseATypesetMinusAndNeverShowMinusZero() {
        assertEquals("+1.23", PairedComparison.signed(1.234, 2));
        assertEquals("−0.40", PairedComparison.signed(-0.4, 2));
        assertEquals("+0.0", PairedComparison.signed(-0.01, 1));
    }

    /** The study entry point pairs the runs of a {@link BenchmarkReport}, leaving failed runs out. */
    @Test
    void variantFindingsPairTheReportsRunsBySeed() {
        BenchmarkReport report = new BenchmarkReport("test data", List.of("accuracy"));
        double[] reference = {0.70, 0.72, 0.71};
        double[] variant = {0.73, 0.74, 0.20};
        for (int seed = 0; seed < 3; seed++) {
            report.add(new BenchmarkReport.Entry("student", "audio", "image", "fd-cmkd", seed,
                    outcome(reference[seed], null)));
            report.add(new BenchmarkReport.Entry("student", "audio", "image", "fd-cmkd-f", seed,
                    outcome(variant[seed], seed == 2 ? "loss became NaN" : null)));
        }
        Table findings = VariantTable.findings("f", report, "bestVal", "fd-cmkd",
                List.<String[]>of(new String[] {"frequency only", "fd-cmkd-f"}));
        assertEquals(1, findings.rowCount());
        assertEquals(2, findings.intColumn("seeds").getInt(0), "seed 2's variant failed");
        assertEquals(2.5, findings.doubleColumn("difference").getDouble(0), 1e-9, "(3 + 2) / 2 points");
        assertEquals("frequency only", findings.stringColumn("comparison").get(0));
    }

    private static RunOutcome outcome(double test, String failure) {
        EpochRecord epoch = new EpochRecord(0, 0.01, 1.0, Map.of("total", 1.0), Map.of("head", 0.5),
                Map.of("head", test), Map.of());
        return new RunOutcome("r", List.of(epoch), Map.of(), failure);
    }

    private static String minus(String text) {
        return text.replace('-', '−');
    }

    /** An empty table in the layout of {@link BenchmarkReport#results()} (the columns the comparison reads). */
    private static Table results() {
        Table results = Table.create("results", StringColumn.create("data"), StringColumn.create("role"),
                StringColumn.create("modality"), StringColumn.create("teacher_modality"),
                StringColumn.create("method"), IntColumn.create("seed"), StringColumn.create("protocol"),
                DoubleColumn.create("test_accuracy"), StringColumn.create("status"));
        for (int seed = 1; seed <= 3; seed++) {
            results.stringColumn("data").append("synthetic");
            results.stringColumn("role").append("teacher");
            results.stringColumn("modality").append("image");
            results.stringColumn("teacher_modality").append("");
            results.stringColumn("method").append("");
            results.intColumn("seed").append(seed);
            results.stringColumn("protocol").append("bestVal");
            results.doubleColumn("test_accuracy").append(0.99);
            results.stringColumn("status").append("finished");
        }
        return results;
    }

    /**
     * Adds a student run under bestVal and, 0.01 lower, under lastEpoch. A failed run keeps its number here, so
     * that the tests show the status, not a NaN, is what leaves it out.
     */
    private static void run(Table results, String modality, String method, int seed, double accuracy,
            boolean finished) {
        for (String protocol : new String[] {"bestVal", "lastEpoch"}) {
            results.stringColumn("data").append("synthetic");
            results.stringColumn("role").append("student");
            results.stringColumn("modality").append(modality);
            results.stringColumn("teacher_modality").append(modality.equals("audio") ? "image" : "audio");
            results.stringColumn("method").append(method);
            results.intColumn("seed").append(seed);
            results.stringColumn("protocol").append(protocol);
            results.doubleColumn("test_accuracy").append(accuracy - (protocol.equals("lastEpoch") ? 0.01 : 0));
            results.stringColumn("status").append(finished ? "finished" : "failed: loss became NaN");
        }
    }
}
