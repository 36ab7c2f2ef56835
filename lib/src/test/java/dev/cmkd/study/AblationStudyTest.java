package dev.cmkd.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.experiment.Runner;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.report.PairedComparison;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.testing.TestSettings;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class AblationStudyTest {

    @Test
    void everyRowBuildsFdCmkdWithExactlyItsComponents() {
        Set<String> names = new HashSet<>();
        for (AblationStudy.Components row : AblationStudy.ROWS) {
            assertTrue(names.add(row.method().name()), "duplicate row " + row);
            String built = row.method().create(16, 4).toString();
            assertEquals(row.frequency(), !built.contains("split=off"), built);
            assertEquals(row.scale(), built.contains("scale=PER_BAND"), built);
            assertTrue(row.scale() || built.contains("scale=NONE"), built);
            assertEquals(row.log(), built.contains("log=true"), built);
            assertEquals(row.align(), built.contains("align=true"), built);
        }
        AblationStudy.Components full = new AblationStudy.Components(true, true, true, true);
        assertEquals(MethodRegistry.spec(FdCmkd.NAME, FeatureLayout.VECTOR), full.method());
        assertEquals("F+S+L+A", full.label());
        assertEquals("fd-cmkd-plain", new AblationStudy.Components(false, false, false, false).method().name());
        assertEquals("fd-cmkd-f+l+a", new AblationStudy.Components(true, false, true, true).method().name());
    }

    @Test
    void theTableHasThePapersLayoutAndSharesTheMainJobsRuns(@TempDir Path dir) throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Settings settings = TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci", "data=" + data,
                "output=" + dir.resolve("out"), "methods=" + FdCmkd.NAME, "width=4", "batchSize=4");
        Table main = Runner.train(AvMnistTtsTask.TYPE, settings).summary();
        AblationStudy.Result result = AblationStudy.run(settings, dir.resolve("ablation"));

        Table table = result.table("bestVal");
        assertEquals(List.of("Frequency", "Scale", "Log", "Align", "label", "method", "image_mean", "image_std",
                "image_seeds", "audio_mean", "audio_std", "audio_seeds"), table.columnNames());
        assertEquals(1 + AblationStudy.ROWS.size(), table.rowCount());
        int full = table.stringColumn("method").indexOf(FdCmkd.NAME);
        assertEquals(List.of("✓", "✓", "✓", "✓"), List.of(table.stringColumn("Frequency").get(full),
                table.stringColumn("Scale").get(full), table.stringColumn("Log").get(full),
                table.stringColumn("Align").get(full)));
        for (String modality : List.of("image", "audio")) {
            int row = BenchmarkReport.find(main, "student", modality, FdCmkd.NAME);
            assertEquals(main.doubleColumn("bestVal_mean").get(row), table.doubleColumn(modality + "_mean").get(full),
                    "the full method's row is the main job's run");
        }
        Table findings = result.findings("bestVal");
        assertEquals(2 * 6, findings.rowCount());
        assertEquals("without Log", findings.stringColumn("comparison").get(4));
        assertEquals("fd-cmkd-f+s+a", findings.stringColumn("method").get(4));
        assertEquals(PairedComparison.ONE_SEED, findings.stringColumn("verdict").get(0));
        for (Path file : result.files()) {
            assertTrue(Files.size(file) > 0, file.toString());
        }
        assertTrue(Files.exists(dir.resolve("ablation/ablation.png")));
    }
}
