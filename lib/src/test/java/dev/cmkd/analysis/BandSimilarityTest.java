package dev.cmkd.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

import org.junit.jupiter.api.Test;

class BandSimilarityTest {

    @Test
    void identicalFeaturesAgreeInEveryBandAndAtEveryFrequency() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(4);
            NDArray x = manager.randomNormal(0, 1, new Shape(30, 16), DataType.FLOAT64).add(manager.create(0.5));
            BandSimilarity.perBand(x, x, 0.5).forEach((band, cosine) -> assertEquals(1, cosine, 1e-12, band));
            BandSimilarity.ckaPerBand(x, x, 0.5).forEach((band, cka) -> assertEquals(1, cka, 1e-12, band));
            for (double cosine : BandSimilarity.perFrequency(x, x)) {
                assertEquals(1, cosine, 1e-12);
            }
            double[] opposite = BandSimilarity.perFrequency(x, x.neg());
            assertEquals(9, opposite.length, "bins 0..D/2");
            for (double cosine : opposite) {
                assertEquals(-1, cosine, 1e-12);
            }
        }
    }

    @Test
    void aSharedMeanInflatesTheRawAndDcSimilarityOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            NDArray shared = manager.full(new Shape(200, 32), 3f, DataType.FLOAT64);
            NDArray a = manager.randomNormal(0, 1, new Shape(200, 32), DataType.FLOAT64).add(shared);
            NDArray b = manager.randomNormal(0, 1, new Shape(200, 32), DataType.FLOAT64).add(shared);
            Map<String, Double> cosine = BandSimilarity.perBand(a, b, 0.5);
            assertTrue(cosine.get("raw") > 0.8, "the shared mean dominates the raw cosine: " + cosine);
            assertEquals(1, cosine.get("DC"), 1e-12);
            assertTrue(Math.abs(cosine.get("low without DC")) < 0.1, "independent noise without DC: " + cosine);
            assertTrue(Math.abs(cosine.get("high")) < 0.1, "independent noise: " + cosine);
            assertTrue(cosine.get("low with DC") > 0.6, "DC in the low band inflates it: " + cosine);
        }
    }
}
