package dev.cmkd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.cli.Cli;
import dev.cmkd.experiment.PaperProtocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/** Two output folders of one benchmark, compared method by method, paired by seed. */
class FolderComparisonTest {

    private static final String HEADER = "data,role,modality,teacher_modality,method,seed,protocol,test_accuracy,epochs,"
            + "status";

    /**
     * Writes {@code <folder>/results.csv}: teachers of audio with {@code teacher} accuracy at each seed, and the audio
     * students of kd and fd-cmkd with the accuracies given per seed, under every selection.
     */
    private static Path folder(Path dir, String data, double teacher, double[] kd, double[] fdCmkd)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (String selection : List.of("bestVal", "lastEpoch", "paperBestTest")) {
            double shift = selection.equals("paperBestTest") ? 0.1 : 0;
            for (int seed = 0; seed < kd.length; seed++) {
                lines.add(String.join(",", data, "teacher", "image", "", "", "" + seed, selection, "" + teacher, "3",
                        "finished"));
                lines.add(String.join(",", data, "student", "audio", "image", "kd", "" + seed, selection,
                        "" + (kd[seed] + shift), "3", "finished"));
                lines.add(String.join(",", data, "student", "audio", "image", "fd-cmkd", "" + seed, selection,
                        "" + (fdCmkd[seed] + shift), "3", "finished"));
            }
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("results.csv"), lines);
        return dir;
    }

    @Test
    void eachMethodIsComparedWithItselfPairedBySeedWithTheTeachersNamed(@TempDir Path dir) throws IOException {
        Path post = folder(dir.resolve("post"), "AV", 0.7, new double[] {0.50, 0.52, 0.54},
                new double[] {0.60, 0.61, 0.62});
        Path pre = folder(dir.resolve("pre"), "AV", 0.7, new double[] {0.50, 0.52, 0.54},
                new double[] {0.62, 0.62, 0.65});
        FolderComparison.Result result = FolderComparison.compare(post, pre, "headline");
        Table table = result.table();
        assertEquals(2, table.rowCount());
        assertEquals("kd", table.stringColumn("comparison").get(0));
        assertEquals(0, table.doubleColumn("difference").getDouble(0), 1e-9);
        assertEquals("fd-cmkd", table.stringColumn("comparison").get(1));
        // pre − post per seed: +2, +1, +3 points; mean 2, sd 1, 95 % CI 2 ± t(0.975, 2) / sqrt(3) = 2 ± 2.4841
        assertEquals(2.0, table.doubleColumn("difference").getDouble(1), 1e-9);
        assertEquals(2.0 - 4.302652729749464 / Math.sqrt(3), table.doubleColumn("ci_low").getDouble(1), 1e-6);
        assertEquals(3, table.intColumn("seeds").getInt(1));
        assertTrue(result.teachers().contains("the same runs"), result.teachers());
        assertTrue(table.name().contains("pre (bestVal) minus post (bestVal)"), table.name());
    }

    @Test
    void underTheAuthorsProtocolItsFolderIsReadAtItsHeadlineSelection(@TempDir Path dir) throws IOException {
        double[] same = {0.50, 0.52, 0.54};
        Path heldOut = folder(dir.resolve("embedded"), "AV", 0.7, same, same);
        Path paper = folder(dir.resolve("embedded-paper"), "AV" + PaperProtocol.DATA_SUFFIX, 0.72, same, same);
        FolderComparison.Result result = FolderComparison.compare(heldOut, paper, "headline");
        assertEquals(10.0, result.table().doubleColumn("difference").getDouble(0), 1e-9);
        assertTrue(result.table().name().contains("embedded-paper (paperBestTest) minus embedded (bestVal)"));
        assertTrue(result.teachers().contains("different teachers"), result.teachers());
        assertEquals(0.0, FolderComparison.compare(heldOut, paper, "bestVal").table().doubleColumn("difference")
                .getDouble(0), 1e-9);
    }

    @Test
    void aConvergenceCheckComparesTheValidationAccuracyAndRefusesTheAuthorsSelection(@TempDir Path dir)
            throws IOException {
        Path twenty = validationFolder(dir.resolve("embedded"), new double[] {0.70, 0.71, 0.72});
        Path forty = validationFolder(dir.resolve("embedded-40-epochs"), new double[] {0.71, 0.71, 0.74});
        FolderComparison.Result result = FolderComparison.compare(twenty, forty, "bestVal", "validation");
        // forty − twenty per seed: +1, 0, +2 points
        assertEquals(1.0, result.table().doubleColumn("difference").getDouble(0), 1e-9);
        assertTrue(result.table().name().contains("validation accuracy"), result.table().name());
        assertEquals(0.0, FolderComparison.compare(twenty, forty, "bestVal", "test").table()
                .doubleColumn("difference").getDouble(0), 1e-9);
        IllegalArgumentException authors = assertThrows(IllegalArgumentException.class,
                () -> FolderComparison.compare(twenty, forty, "paperBestTest", "validation"));
        assertTrue(authors.getMessage().contains("fix: --selection=bestVal"), authors.getMessage());
        // rows of a kit before the validation column: read back with NaN there, so no seed pairs
        Path old = folder(dir.resolve("old"), "AV", 0.7, new double[] {0.5, 0.5, 0.5}, new double[] {0.6, 0.6, 0.6});
        assertEquals(0, FolderComparison.compare(old, forty, "bestVal", "validation").table().intColumn("seeds")
                .getInt(0));
    }

    /** A folder of audio kd students with test accuracy 0.5 and the given validation accuracy per seed. */
    private static Path validationFolder(Path dir, double[] validation) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER.replace("test_accuracy", "test_accuracy,val_accuracy")));
        for (String selection : List.of("bestVal", "lastEpoch", "paperBestTest")) {
            for (int seed = 0; seed < validation.length; seed++) {
                String value = selection.equals("paperBestTest") ? "NaN" : "" + validation[seed];
                lines.add(String.join(",", "AV", "student", "audio", "image", "kd", "" + seed, selection, "0.5",
                        value, "3", "finished"));
            }
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("results.csv"), lines);
        return dir;
    }

    @Test
    void aFolderWithoutResultsOrAWrongCommandLineEndsWithStatusTwo(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FolderComparison.compare(dir.resolve("a"), dir.resolve("b"), "headline"));
        assertTrue(missing.getMessage().contains("results.csv") && missing.getMessage().contains("fix:"));
        Path a = folder(dir.resolve("a"), "AV", 0.7, new double[] {0.5}, new double[] {0.6});
        assertEquals(Cli.USAGE, status(a.toString()));
        assertEquals(Cli.USAGE, status(a.toString(), a.toString(), "--selection=best"));
        assertEquals(Cli.USAGE, status(a.toString(), a.toString(), "--seeds=1"));
        assertFalse(Files.exists(a.resolve("compared-with-a.csv")));
        assertEquals(0, status(a.toString(), a.toString()));
        assertTrue(Files.exists(a.resolve("compared-with-a.csv")));
    }

    private static int status(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return FolderComparison.run(args, new Properties());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
