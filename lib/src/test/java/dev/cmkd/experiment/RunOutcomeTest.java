package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cmkd.train.EpochRecord;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The end-of-training trend of a validation curve, by hand and through a run's records. */
class RunOutcomeTest {

    @Test
    void theEndOfTrainingTrendIsTheFittedLinesGainOverTheLastQuarter() {
        assertEquals(3, RunOutcome.trendEpochs(5));
        assertEquals(5, RunOutcome.trendEpochs(20));
        assertEquals(2, RunOutcome.trendEpochs(2));
        // 20 epochs: the window is the last 5; a line rising 0.01 per epoch gains 0.04 across it
        double[] rising = new double[20];
        for (int i = 0; i < rising.length; i++) {
            rising[i] = 0.5 + 0.01 * i;
        }
        assertEquals(0.04, RunOutcome.endTrend(rising), 1e-12);
        // hand-computed: last 3 of {0, 0.7, 0.70, 0.72, 0.71}: x = -1, 0, 1, slope = (0.71 - 0.70) / 2, gain 0.01
        assertEquals(0.01, RunOutcome.endTrend(new double[] {0, 0.7, 0.70, 0.72, 0.71}), 1e-12);
        // noise around a plateau: one epoch's jump does not decide it, the line does
        assertEquals(0, RunOutcome.endTrend(new double[] {0.5, 0.68, 0.67, 0.68, 0.67, 0.68}), 0.006);
        assertEquals(0, RunOutcome.endTrend(new double[] {0.7}), 0);
    }

    @Test
    void aRunsTrendIsThatOfItsMainPredictorsValidationCurve() {
        double[] curve = {0.5, 0.6, 0.64, 0.66, 0.67, 0.68, 0.685, 0.69};
        List<EpochRecord> records = new java.util.ArrayList<>();
        for (int epoch = 0; epoch < curve.length; epoch++) {
            records.add(new EpochRecord(epoch, 0.01, 1, Map.of("total", 1.0), Map.of("head", curve[epoch]),
                    Map.of("head", 0.5), Map.of()));
        }
        RunOutcome run = new RunOutcome("run", records, Map.of(), null);
        assertEquals(RunOutcome.endTrend(curve), run.validationEndTrend(), 0);
        // last 3 epochs 0.68, 0.685, 0.69: slope 0.005 per epoch, a gain of 0.01 across the window
        assertEquals(0.01, run.validationEndTrend(), 1e-12);
        assertEquals(Double.NaN, new RunOutcome("failed", records, Map.of(), "NaN loss").validationEndTrend());
    }

    @Test
    void theValidationAccuracyIsReadAtTheEpochTheSelectionPicks() {
        double[] curve = {0.5, 0.7, 0.65};
        List<EpochRecord> records = new java.util.ArrayList<>();
        for (int epoch = 0; epoch < curve.length; epoch++) {
            records.add(new EpochRecord(epoch, 0.01, 1, Map.of("total", 1.0), Map.of("head", curve[epoch]),
                    Map.of("head", 0.9 - epoch * 0.1), Map.of()));
        }
        RunOutcome run = new RunOutcome("run", records, Map.of(), null);
        assertEquals(0.7, run.validationAccuracy("bestVal"), 0);
        assertEquals(0.65, run.validationAccuracy("lastEpoch"), 0);
        assertEquals(Double.NaN, run.validationAccuracy("paperBestTest"));
        assertEquals(Double.NaN, new RunOutcome("failed", records, Map.of(), "NaN loss").validationAccuracy("bestVal"));
    }
}
