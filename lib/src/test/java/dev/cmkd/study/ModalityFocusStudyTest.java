package dev.cmkd.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/**
 * On a tiny grid (2 values of γ, 2 seeds, 2 methods) the study trains through the protocol and writes its table
 * (one row per γ and method, paired by seed, one Holm family), its trend table, its conclusions and its figure.
 */
class ModalityFocusStudyTest {

    @Test
    void theTableTrendsConclusionsAndFigureAreWrittenOnATinyGrid(@TempDir Path dir) throws Exception {
        ModalityFocusStudy.Result result = ModalityFocusStudy.run(ModalityFocusStudy.settings(Map.of("profile", "ci",
                "gammas", "0,1", "seeds", "0,1", "networks", "mlp", "methods", "kd,fd-cmkd", "train", "32",
                "validation", "16", "test", "32", "output", dir.toString())));
        assertEquals(1, result.parts().size());
        ModalityFocusStudy.Part part = result.parts().get(0);
        Table gains = part.gains();
        assertEquals(4, gains.rowCount());
        assertEquals(List.of(0.0, 0.0, 1.0, 1.0), gains.doubleColumn("gamma").asList());
        assertEquals(List.of("kd", "fd-cmkd", "kd", "fd-cmkd"), gains.stringColumn("method").asList());
        assertTrue(gains.intColumn("seeds").asList().stream().allMatch(n -> n == 2), gains.print());
        assertTrue(part.formattedGains().name().contains("Holm over 4 comparisons"), part.formattedGains().name());
        assertEquals(List.of("kd", "fd-cmkd"), part.trend().stringColumn("method").asList());
        assertEquals(1 + 4 + 2, part.conclusions().size(), String.join("\n", part.conclusions()));
        assertTrue(part.conclusions().get(1).startsWith("γ = 0: kd vs none (b student)"), part.conclusions().get(1));
        for (String file : List.of("gains-mlp.csv", "trend-mlp.csv", "gains-mlp.txt", "results.csv",
                "mlp/gamma-0/results.csv", "mlp/gamma-1/runs/student-b-fd-cmkd-seed1/config.json")) {
            assertTrue(Files.exists(dir.resolve(file)), file);
        }
        BufferedImage figure = ImageIO.read(dir.resolve("gain-mlp.png").toFile());
        assertEquals(800, figure.getWidth());
        assertEquals(500, figure.getHeight());
    }

    @Test
    void aGammaWithoutAWholeNumberOfSharedFeaturesStopsBeforeAnyTraining(@TempDir Path dir) {
        String message = assertThrows(IllegalArgumentException.class, () -> ModalityFocusStudy.run(
                ModalityFocusStudy.settings(Map.of("profile", "ci", "gammas", "0,0.5", "output", dir.toString()))))
                .getMessage();
        assertTrue(message.contains("gamma 0.5") && message.contains("0.4286"), message);
        assertEquals(0, dir.toFile().list().length);
    }

    @Test
    void theSlopeIsTheLeastSquaresOneAndLabelsDropTrailingZeros() {
        assertEquals(2.0, ModalityFocusStudy.slope(new double[] {0, 0.5, 1}, new double[] {1, 2, 3}), 1e-12);
        assertEquals("0.25", ModalityFocusStudy.label(0.25));
        assertEquals("0.4286", ModalityFocusStudy.label(3.0 / 7));
        assertEquals("1", ModalityFocusStudy.label(1));
        assertEquals("0", ModalityFocusStudy.label(0));
    }
}
