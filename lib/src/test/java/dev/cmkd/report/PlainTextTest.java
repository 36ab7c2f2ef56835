package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class PlainTextTest {

    @Test
    void aTableIsItsTitleAHeaderARuleAndAlignedRowsWithRoundedNumbers() {
        Table table = Table.create("Accuracy", StringColumn.create("method", "kd", "fd-cmkd"),
                DoubleColumn.create("mean", 0.123456789, 12.0));
        assertEquals("""
                Accuracy
                method     mean
                -------  ------
                kd       0.1235
                fd-cmkd      12""", PlainText.table(table));
    }

    @Test
    void aWideTableIsCutIntoBlocksThatRepeatItsKeyColumnsAndNoLineIsTooLong() {
        Table table = Table.create("A very wide table " + "with a long title ".repeat(12),
                StringColumn.create("pair", "image teacher vs audio teacher"), StringColumn.create("band", "low"));
        for (int c = 0; c < 8; c++) {
            table.addColumns(StringColumn.create("value " + c, "+0.123 [−0.456, +0.789]"));
        }
        String text = PlainText.table(table);
        assertTrue(text.lines().allMatch(line -> line.length() <= PlainText.TABLE_WIDTH), text);
        assertTrue(text.lines().filter(line -> line.startsWith("image teacher vs audio teacher  low")).count() > 1,
                text);
        assertTrue(text.contains("value 7"), text);
        assertFalse(text.lines().findFirst().orElseThrow().startsWith(" "), "the title is not centred");
    }

    @Test
    void everyBlockOfAWideSummaryNamesItsRowsByAllFourKeyColumns() {
        // the benchmark summary's shape: role, modality, teacher_modality, method, then many numbers
        Table table = Table.create("Summary", StringColumn.create("role", "student", "student"),
                StringColumn.create("modality", "audio", "audio"), StringColumn.create("teacher_modality", "image",
                        "image"), StringColumn.create("method", "kd", "fd-cmkd"));
        for (int c = 0; c < 10; c++) {
            table.addColumns(DoubleColumn.create("measure " + c, 71.234, 73.456));
        }
        String text = PlainText.table(table);
        assertTrue(text.lines().allMatch(line -> line.length() <= PlainText.TABLE_WIDTH), text);
        assertTrue(text.contains("measure 9"), text);
        long blocks = text.lines().filter(line -> line.startsWith("role")).count();
        assertTrue(blocks > 1, text);
        assertEquals(blocks, text.lines().filter(line -> line.matches("student +audio +image +fd-cmkd .*")).count(),
                text);
    }

    @Test
    void aLongCellIsWrappedWithinItsColumn() {
        String claim = "The two teachers' low bands agree across modalities, their high bands do not, as the paper says";
        Table table = Table.create("Claims", StringColumn.create("claim", claim), StringColumn.create("verdict", "holds"));
        String text = PlainText.table(table);
        assertTrue(text.lines().allMatch(line -> line.length() <= PlainText.CELL + 2 + "verdict".length()), text);
        assertTrue(text.replaceAll("\\s+", " ").contains("their high bands do not"), text);
    }

    @Test
    void settingsAreAKeyValueTable() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("profile", "full");
        values.put("seeds", "0,1,2");
        assertEquals("""
                settings of x (full)
                  profile  full
                  seeds    0,1,2""", PlainText.keyValues("settings of x (full)", values));
    }

    @Test
    void sentencesAreWrappedAndFilesListedOnceWithTheirFolder() {
        String sentence = "word ".repeat(60).strip();
        String text = PlainText.paragraphs(List.of(sentence, "short"));
        assertTrue(text.lines().allMatch(line -> line.length() <= PlainText.WIDTH), text);
        assertTrue(text.endsWith("\nshort"), text);
        String files = PlainText.files(List.of(Path.of("/tmp/out/a.csv"), Path.of("/tmp/out/b.png")));
        assertEquals("2 files written to /tmp/out: a.csv, b.png", files);
    }

    @Test
    void syntheticLabelsOnlyWhatIsSynthetic() {
        Table table = Table.create("Accuracy", StringColumn.create("method", "kd"));
        assertTrue(PlainText.synthetic(true, table).name().startsWith("SYNTHETIC"));
        assertEquals("Accuracy", PlainText.synthetic(false, table).name());
        assertEquals("Accuracy", table.name(), "the table itself is not renamed");
    }
}
