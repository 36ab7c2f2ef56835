package dev.cmkd.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.analysis.BandSimilarity;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.testing.TestSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class SimilarityStudyTest {

    @Test
    void theStudyMeasuresEveryPairUnderBothFeaturePointsAndItsControlsBehave(@TempDir Path dir)
            throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Settings settings = TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci", "data=" + data,
                "output=" + dir.resolve("out"), "width=8", "batchSize=4");
        SimilarityStudy.Result result = SimilarityStudy.builder().setSettings(settings).optMethods(List.of("kd"))
                .build().run(dir.resolve("similarity"));
        SimilarityFindings findings = result.findings();
        // 7 pairs (teachers, shared-init teachers, the kd student, 4 controls) x 2 feature points x 5 bands
        assertEquals(70, findings.summary().rowCount());
        assertEquals(14, findings.pattern().rowCount());
        assertEquals(1, findings.seeds(), "the ci profile's one seed (the intervals: SimilarityFindingsTest)");
        assertTrue(findings.summary().stringColumn("pair").contains("image teacher vs audio teacher (= audio student"
                + " none)"), "the none student is the teachers' pair");
        assertTrue(Files.isDirectory(dir.resolve("out/similarity/shared-initialisation/runs/teacher-audio-seed0")));
        Table m = findings.measurements();
        for (String feature : List.of("post-relu", "pre-relu")) {
            Table teachers = rows(m, SimilarityStudy.TEACHERS, feature, 0, BandSimilarity.RAW);
            Table permuted = rows(m, SimilarityStudy.PERMUTED + SimilarityStudy.TEACHERS, feature, 0,
                    BandSimilarity.RAW);
            // CKA is invariant to a permutation of the channels; the cosine's null (means, spreads) too.
            assertEquals(teachers.doubleColumn("cka").get(0), permuted.doubleColumn("cka").get(0), 1e-9);
            assertEquals(teachers.doubleColumn("cosine_null").get(0), permuted.doubleColumn("cosine_null").get(0),
                    1e-9);
            Table student = rows(m, SimilarityStudy.STUDENT + "kd", feature, 0, BandSimilarity.RAW);
            Table shuffled = rows(m, SimilarityStudy.PERMUTED + SimilarityStudy.STUDENT + "kd", feature, 0,
                    BandSimilarity.RAW);
            assertEquals(student.doubleColumn("cka").get(0), shuffled.doubleColumn("cka").get(0), 1e-9);
        }
        // post-ReLU features are non-negative: their means share a sign, so the raw null is positive
        Table untrained = rows(m, SimilarityStudy.UNTRAINED, "post-relu", 0, BandSimilarity.RAW);
        assertTrue(untrained.doubleColumn("cosine_null").get(0) > 0);
        assertEquals(35, findings.formatted("pre-relu").rowCount());
        assertTrue(result.files().contains(dir.resolve("similarity/similarity-curve-pre-relu.png")));
        assertTrue(Files.size(dir.resolve("similarity/similarity-curve-post-relu.png")) > 0);
        assertEquals(2, findings.conclusions().size(), "one seed: no interval, no verdict");
    }

    @Test
    void theBuilderNamesTheWrongSetting() {
        Settings settings = TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimilarityStudy.builder().build()).getMessage()
                .contains("setSettings"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimilarityStudy.builder().setSettings(settings)
                .optMethods(List.of("none")).build()).getMessage().contains("the other modality's teacher"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimilarityStudy.builder().setSettings(settings)
                .optCutoffRatio(1).build()).getMessage().contains("cutoffRatio"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimilarityStudy.builder().setSettings(settings)
                .optTeacherModality("text").build()).getMessage().contains("[image, audio]"));
    }

    private static Table rows(Table m, String kind, String feature, int seed, String band) {
        return m.where(m.stringColumn("kind").isEqualTo(kind).and(m.stringColumn("feature").isEqualTo(feature))
                .and(m.intColumn("seed").isEqualTo(seed)).and(m.stringColumn("band").isEqualTo(band)));
    }
}
