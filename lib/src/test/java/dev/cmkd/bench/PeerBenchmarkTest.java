package dev.cmkd.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

/** The peer benchmark's parsing and ratios, and a smoke run of its PyTorch script against the kit's step. */
class PeerBenchmarkTest {

    private static final List<String> TERMS = List.of("task", "psiLow", "low", "phiLow", "psiHigh", "high",
            "phiHigh");

    private static PeerBenchmark.SideResult result(String side, long peakKib, double... seconds) {
        return new PeerBenchmark.SideResult(side, "paper", 2, 11_000_000, 11_100_000, 512, TERMS, peakKib, seconds);
    }

    @Test
    void parsesTheScriptsResultLine() {
        PeerBenchmark.SideResult r = PeerBenchmark.SideResult.parse("peer-result side=pytorch scale=embedded"
                + " threads=1 params=80778 teacher_params=78178 feature_dim=64 terms=task,psiLow,low,phiLow,psiHigh,"
                + "high,phiHigh peak_rss_kib=268544 step_s=0.317431,1.307704");
        assertEquals("pytorch", r.side());
        assertEquals("embedded", r.scale());
        assertEquals(1, r.threads());
        assertEquals(80778, r.params());
        assertEquals(78178, r.teacherParams());
        assertEquals(64, r.featureDim());
        assertEquals(TERMS, r.terms());
        assertEquals(268544, r.peakRssKib());
        assertArrayEquals(new double[] {0.317431, 1.307704}, r.stepSeconds());
    }

    @Test
    void formatAndParseRoundTrip() {
        PeerBenchmark.SideResult r = result("kit", 4096, 1.5, 2.25);
        PeerBenchmark.SideResult back = PeerBenchmark.SideResult.parse(r.format());
        assertEquals(r.side(), back.side());
        assertEquals(r.params(), back.params());
        assertEquals(r.terms(), back.terms());
        assertArrayEquals(r.stepSeconds(), back.stepSeconds(), 1e-9);
        assertTrue(r.sameStep(back));
    }

    @Test
    void otherLinesAreNotResultsAndBrokenResultsSayWhy() {
        assertNull(PeerBenchmark.SideResult.parse("peer-progress side=kit step=1/3 s=1.0"));
        assertNull(PeerBenchmark.SideResult.parse("WARNING: something"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerBenchmark.SideResult.parse("peer-result side=kit scale=paper threads=2"));
        assertTrue(e.getMessage().contains("params"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerBenchmark.SideResult.parse("peer-result side=kit"
                + " scale=paper threads=two params=1 teacher_params=1 feature_dim=1 terms=a peak_rss_kib=1 step_s=1"));
    }

    @Test
    void mergeKeepsEveryStepAndTheLargerPeak() {
        PeerBenchmark.SideResult merged = result("kit", 100, 1, 2).merge(result("kit", 300, 3));
        assertArrayEquals(new double[] {1, 2, 3}, merged.stepSeconds());
        assertEquals(300, merged.peakRssKib());
    }

    @Test
    void ratiosAreKitOverPytorchOfMediansAndPeaks() {
        List<PeerBenchmark.SideResult> results = List.of(result("kit", 3 * 1024, 6, 2, 4),
                result("pytorch", 2 * 1024, 1, 2, 100));
        Table ratios = PeerBenchmark.ratioTable(results);
        assertEquals(1, ratios.rowCount());
        assertEquals("paper", ratios.stringColumn("scale").get(0));
        assertEquals(2.0, ratios.doubleColumn("time_ratio").get(0), 1e-12); // medians 4 and 2
        assertEquals(1.5, ratios.doubleColumn("memory_ratio").get(0), 1e-12);
        assertTrue(ratios.booleanColumn("same_step").get(0));
        Table sides = PeerBenchmark.sidesTable(results);
        assertEquals(2, sides.rowCount());
        assertEquals(4.0, sides.doubleColumn("median_s").get(0), 1e-12);
        assertEquals(3.0, sides.doubleColumn("peak_rss_mib").get(0), 1e-12);
    }

    @Test
    void aDifferentStepIsFlagged() {
        PeerBenchmark.SideResult kit = result("kit", 1, 1);
        PeerBenchmark.SideResult other = new PeerBenchmark.SideResult("pytorch", "paper", 2, kit.params(),
                kit.teacherParams(), kit.featureDim(), List.of("task"), 1, new double[] {1});
        assertFalse(kit.sameStep(other));
        assertFalse(PeerBenchmark.ratioTable(List.of(kit, other)).booleanColumn("same_step").get(0));
    }

    @Test
    void theScalesMatchTheScripts() throws Exception {
        String script = new String(PeerBenchmark.class.getResourceAsStream(PeerBenchmark.SCRIPT).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(script.contains("\"paper\": ((3, 224, 224), (1, 257, 188), 64, (2, 2, 2, 2), False)"));
        assertTrue(script.contains("\"embedded\": ((1, 28, 28), (1, 40, 101), 8, (1, 1, 1, 1), False)"));
        assertEquals(List.of("paper", "embedded"), PeerBenchmark.SCALES.stream().map(PeerBenchmark.Scale::name)
                .toList());
    }

    /**
     * The script and the kit run the same step at a tiny scale: equal trainable and teacher parameter counts, feature
     * dimension and loss terms, finite losses. Skipped without a Python that imports torch.
     */
    @Test
    void theScriptRunsTheKitsStep() throws Exception {
        String python;
        try {
            python = PeerBenchmark.findPython("python3");
        } catch (IllegalStateException e) {
            Assumptions.abort("needs python3-torch (environment/install-system-packages.sh golden): " + e.getMessage());
            return;
        }
        PeerBenchmark.Scale tiny = new PeerBenchmark.Scale("tiny", new long[] {1, 8, 8}, new long[] {2, 8, 6}, 4,
                new int[] {1, 2}, true, 1);
        List<String> progress = new ArrayList<>();
        PeerBenchmark.SideResult kit = PeerBenchmark.kitSide(tiny, 1, 0, progress::add);
        Path script = PeerBenchmark.extractScript();
        try {
            PeerBenchmark.SideResult peer = PeerBenchmark.runProcess(List.of(python, script.toString(), "--student",
                    "1,8,8", "--teacher", "2,8,6", "--width", "4", "--blocks", "1,2", "--small-input", "--steps", "1",
                    "--warm-up", "0", "--threads", "1"), 1, "tiny pytorch", progress::add);
            assertEquals(kit.params(), peer.params(), "trainable parameters");
            assertEquals(kit.teacherParams(), peer.teacherParams(), "teacher parameters");
            assertEquals(kit.featureDim(), peer.featureDim());
            assertEquals(TERMS, kit.terms());
            assertEquals(kit.terms(), peer.terms());
            assertTrue(kit.sameStep(peer));
            assertEquals(1, peer.stepSeconds().length);
            assertTrue(peer.peakRssKib() > 0 && kit.peakRssKib() > 0);
            assertEquals(2, progress.size(), progress.toString());
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
