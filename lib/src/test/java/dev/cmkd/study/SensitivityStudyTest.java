package dev.cmkd.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.testing.TestSettings;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class SensitivityStudyTest {

    @Test
    void eachPointChangesOnlyItsFactorAndDefaultsReuseTheRegisteredMethod() {
        String defaults = MethodRegistry.spec(FdCmkd.NAME, FeatureLayout.VECTOR).create(16, 4).toString();
        Map<String, String> configByName = new HashMap<>();
        for (SensitivityStudy.Point point : SensitivityStudy.points()) {
            String built = point.method().create(16, 4).toString();
            String previous = configByName.put(point.method().name(), built);
            assertTrue(previous == null || previous.equals(built), "one name, two methods: " + point);
            if (point.value().endsWith("(default)")) {
                assertEquals(MethodRegistry.spec(FdCmkd.NAME, FeatureLayout.VECTOR), point.method());
            } else {
                assertNotEquals(defaults, built, point.toString());
            }
        }
        assertTrue(configByName.get("fd-cmkd-cutoff-0.125").contains("cutoff 0.125"));
        assertTrue(configByName.get("fd-cmkd-dc-in-low").contains("DC IN_LOW"));
        assertTrue(configByName.get("fd-cmkd-lambda-high-4").contains("high=4.0"));
        assertTrue(configByName.get("fd-cmkd-lambda-align-0.25").contains("align=0.25"));
        assertEquals("lambda-low", SensitivityStudy.fileName("λ_low"));
    }

    @Test
    void theStudyReportsEveryPointOfEveryFactor(@TempDir Path dir) throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Settings settings = TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci", "data=" + data,
                "output=" + dir.resolve("out"), "width=8", "batchSize=4"); // 16 channels: the smallest cutoff, 0.125,
                                                                          // leaves one bin in the low band
        SensitivityStudy.Result result = SensitivityStudy.run(settings, dir.resolve("sensitivity"));
        Table table = result.table("paperBestTest");
        assertEquals(SensitivityStudy.points().size(), table.rowCount());
        assertEquals(List.of("cutoff", "DC", "λ_low", "λ_high", "λ_align"),
                List.copyOf(new LinkedHashSet<>(table.stringColumn("factor").asList())));
        for (int row = 0; row < table.rowCount(); row++) {
            double accuracy = table.doubleColumn("audio_mean").getDouble(row);
            assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        }
        Table findings = result.findings("bestVal");
        assertEquals(2 * (SensitivityStudy.points().size() - 5), findings.rowCount(), "every point but the defaults");
        assertEquals("cutoff = 0.125", findings.stringColumn("comparison").get(0));
        for (String factor : List.of("cutoff", "dc", "lambda-low", "lambda-high", "lambda-align")) {
            assertTrue(Files.size(dir.resolve("sensitivity/sensitivity-" + factor + ".png")) > 0, factor);
        }
    }
}
