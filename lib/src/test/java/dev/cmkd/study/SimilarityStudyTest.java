package dev.cmkd.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.testing.TestSettings;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class SimilarityStudyTest {

    @Test
    void theStudyMeasuresEveryBandUnderEveryConditionAndItsControlsBehave(@TempDir Path dir) throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Settings settings = TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci", "data=" + data,
                "output=" + dir.resolve("out"), "width=8", "batchSize=4");
        SimilarityStudy.Result result = SimilarityStudy.run(settings, 0, 0.5, dir.resolve("similarity"));
        Table cosine = result.cosine();
        assertEquals(List.of("band", "trained teachers", "channels of one permuted", "untrained networks"),
                cosine.columnNames());
        assertEquals(6, cosine.rowCount());
        Table cka = result.cka();
        int raw = cka.stringColumn("band").indexOf("raw");
        // CKA is invariant to orthogonal maps, a channel permutation among them: the control must not move it.
        assertEquals(cka.doubleColumn(1).get(raw), cka.doubleColumn(2).get(raw), 1e-9);
        // The mean (DC) is unchanged by a permutation, so its cosine is too.
        int dc = cosine.stringColumn("band").indexOf("DC");
        assertEquals(cosine.doubleColumn(1).get(dc), cosine.doubleColumn(2).get(dc), 1e-12);
        assertEquals(3, result.curve().size());
        assertTrue(Files.size(result.figure()) > 0);
    }
}
