package dev.cmkd.tour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/** A shrunken run of the main job: it trains, writes every file, and its numbers are consistent. */
class MethodTourTest {

    @Test
    void aSmallTourTrainsAndWritesItsTablesAndFigures(@TempDir Path out) throws Exception {
        MethodTour.Settings settings = new MethodTour.Settings(4, 8, 0.5, 8, 32, 30, 30, 64, 1, out);
        MethodTour.Result result = MethodTour.run(settings);

        for (String name : List.of("terms.csv", "energy.csv", "similarity.csv", "accuracy.csv", "terms.png",
                "spectrum.png")) {
            Path file = out.resolve(name);
            assertTrue(Files.size(file) > 100, name + " written");
        }
        byte[] png = Files.readAllBytes(out.resolve("spectrum.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);

        Table terms = result.terms();
        int total = terms.stringColumn("term").indexOf("total");
        assertTrue(terms.doubleColumn("mean_of_last_10_steps").get(total)
                < terms.doubleColumn("first_step").get(total), "the objective decreases during training");

        Table energy = result.energy();
        for (int column = 1; column < energy.columnCount(); column++) {
            double sum = 0;
            for (int row = 0; row < energy.rowCount(); row++) {
                sum += energy.doubleColumn(column).get(row);
            }
            assertEquals(1, sum, 1e-4, "band energy shares of " + energy.column(column).name() + " sum to 1");
        }
        assertEquals(6, result.similarity().rowCount());
        double teacherAccuracy = result.accuracy().doubleColumn("value").get(0);
        assertTrue(teacherAccuracy > 0.5, "the teacher learns the synthetic task: " + teacherAccuracy);
        assertTrue(result.accuracy().doubleColumn("value").get(2) < 1e-5, "FFT and projection agree");
    }
}
