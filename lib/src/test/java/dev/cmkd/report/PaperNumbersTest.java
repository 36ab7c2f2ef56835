package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class PaperNumbersTest {

    private static final String HEADER = "table,dataset,student_modality,method,metric,value,source,confidence,note\n";

    @Test
    void theCommittedNumbersCarryTheirSourcesAndUnknownCellsStayEmpty() {
        Table numbers = PaperNumbers.load();
        assertTrue(numbers.rowCount() > 20);
        for (int row = 0; row < numbers.rowCount(); row++) {
            boolean known = !numbers.doubleColumn("value").isMissing(row);
            assertEquals(known, !numbers.stringColumn("confidence").get(row).startsWith("structure"), "row " + row);
            assertFalse(numbers.stringColumn("source").get(row).isBlank());
        }
        assertEquals(0.9113, PaperNumbers.value(numbers, "similarity analysis", "crema-d", "", "unimodal teachers",
                "cosine_low_with_dc").getAsDouble());
        assertTrue(PaperNumbers.value(numbers, "Table 1", "crema-d", "audio", "fd-cmkd", "top1_accuracy").isEmpty());
    }

    @Test
    void aValueWithoutSourceOrWithAStructureOnlyConfidenceIsRefusedWithItsLine() {
        IllegalArgumentException noSource = assertThrows(IllegalArgumentException.class, () -> read(HEADER
                + "Table 1,crema-d,audio,kd,top1_accuracy,,src,structure-only,\n"
                + "Table 1,crema-d,audio,dist,top1_accuracy,61.2,,paper,\n"));
        assertTrue(noSource.getMessage().contains("test.csv line 3, field 'source' is empty"), noSource.getMessage());
        IllegalArgumentException invented = assertThrows(IllegalArgumentException.class, () -> read(HEADER
                + "Table 1,crema-d,audio,kd,top1_accuracy,60,src,structure-only,\n"));
        assertTrue(invented.getMessage().contains("line 2, field 'value' holds 60"), invented.getMessage());
        IllegalArgumentException unknownLevel = assertThrows(IllegalArgumentException.class, () -> read(HEADER
                + "Table 1,crema-d,audio,kd,top1_accuracy,60,src,guess,\n"));
        assertTrue(unknownLevel.getMessage().contains("field 'confidence' 'guess' is not one of"),
                unknownLevel.getMessage());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class, () -> read(HEADER
                + "Table 1,crema-d,audio,kd,top1_accuracy,sixty,src,paper,\n"));
        assertTrue(notANumber.getMessage().contains("'sixty' is not a number"), notANumber.getMessage());
    }

    private static Table read(String csv) {
        return PaperNumbers.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "test.csv");
    }
}
