package dev.cmkd.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.cli.Settings;
import dev.cmkd.data.avmnist.TinyAvMnistTts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/** {@code kit calibrate} on a tiny grid at ci sizes: its table, its selection and the test split never read. */
class CalibrationStudyTest {

    @Test
    void runsATinyGridAndWritesItsTable(@TempDir Path dir) throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("profile", "ci");
        raw.put("data", data.toString());
        raw.put("width", "4");
        raw.put("batchSize", "4");
        raw.put("teacherEpochs", "2");
        raw.put("gridTrainPairs", "4,8");
        raw.put("gridImageEnergy", "0.5,0.9");
        raw.put("gridSnrDb", "-10");
        Settings settings = CalibrationStudy.options().parse(raw);
        CalibrationStudy.Result result = CalibrationStudy.run(settings, dir.resolve("calibration"));

        Table table = result.table();
        assertEquals(2 * 2, table.rowCount());
        assertEquals(List.of(4, 4, 8, 8), table.intColumn("trainPairs").asList());
        int selected = CalibrationStudy.select(table);
        assertEquals(result.selected().trainPairs(), table.intColumn("trainPairs").getInt(selected));
        for (int row = 0; row < table.rowCount(); row++) {
            assertTrue(table.intColumn("missed").getInt(row) >= table.intColumn("missed").getInt(selected));
        }
        assertTrue(result.checks().stream().anyMatch(line -> line.startsWith("Different failures")));
        assertTrue(result.checks().stream().anyMatch(line -> line.startsWith("Flatness")));
        for (Path file : result.files()) {
            assertTrue(Files.size(file) > 0, file.toString());
        }
        String text = Files.readString(dir.resolve("calibration/calibration.txt"));
        assertTrue(text.contains("Selected: trainPairs"), text);
        // every run was scored on validation only: its identity names the placeholder test split
        try (var runs = Files.walk(dir.resolve("calibration/runs"))) {
            List<Path> configs = runs.filter(f -> f.getFileName().toString().equals("config.json")).toList();
            assertEquals(2 * (2 + 1) * 2, configs.size(), "pairs x (energies + SNRs) x seeds");
            for (Path config : configs) {
                assertTrue(Files.readString(config).contains("the test split is not read"), config.toString());
            }
        }
        // read back, not trained again: the same table
        assertEquals(table.doubleColumn("image_mean").asList(), CalibrationStudy.run(settings,
                dir.resolve("calibration")).table().doubleColumn("image_mean").asList());
    }
}
