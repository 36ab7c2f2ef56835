package dev.cmkd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cmkd.faults.FaultTable.Outcome;
import dev.cmkd.train.Checkpoint;
import dev.cmkd.train.TrainingLoop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk: a {@link FaultChild} trains on a small tmpfs ({@code mount -t tmpfs}, so root or CAP_SYS_ADMIN; the
 * tests abort, naming the reason, where mounting is not allowed) until a commit does not fit. It must exit with
 * status 2 and one line that says to free space and after which epoch the run resumes; after the tmpfs is remounted
 * bigger, the run must resume after that epoch and end byte-identical to an uninterrupted run. One size runs in the
 * default tier; {@link #aSweepOfDiskSizes} (tag {@code faults}) tries sizes from one commit to a whole run.
 */
class FullDiskFaultsTest {

    private static final FaultTable TABLE = new FaultTable(FullDiskFaultsTest.class);
    private static final int HIDDEN = 256;
    private static final int EPOCHS = 4;
    private static final Pattern RESUMES = Pattern.compile("resumes after epoch (\\d+)");

    @TempDir
    static Path dir;

    private static Path reference;

    @AfterAll
    static void writeTheTable() {
        TABLE.write();
        assertEquals("", TABLE.failures());
    }

    private static synchronized Path reference() throws Exception {
        if (reference == null) {
            Path run = dir.resolve("reference");
            Child child = Child.start(dir, run, EPOCHS, HIDDEN, 0);
            assertEquals(0, child.waitForExit(), child.output());
            reference = run;
        }
        return reference;
    }

    private static void mount(Path at, long kilobytes, boolean remount) throws Exception {
        Files.createDirectories(at);
        List<String> command = remount ? List.of("mount", "-o", "remount,size=" + kilobytes + "k", at.toString())
                : List.of("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k", "tmpfs", at.toString());
        Process mount = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int status = mount.waitFor();
        Assumptions.assumeTrue(status == 0, "cannot " + String.join(" ", command) + " (needs root or CAP_SYS_ADMIN):"
                + " exit " + status + ", " + output);
    }

    private static void unmount(Path at) throws Exception {
        new ProcessBuilder("umount", at.toString()).redirectErrorStream(true).start().waitFor();
    }

    /** The size of every commit's files: the checkpoint (C) and the best parameters (B) of the reference. */
    private static long[] sizes() throws Exception {
        Path ref = reference();
        return new long[] {Files.size(ref.resolve(Checkpoint.FILE)), Files.size(ref.resolve(
                TrainingLoop.BEST_PARAMETERS))};
    }

    @Test
    @Timeout(240)
    void aRunThatFillsItsDiskStopsWithOneLineAndResumesBitIdenticallyOnMoreSpace() throws Exception {
        long[] size = sizes();
        // two commits fit (checkpoint, pending checkpoint, best, pending best), the third needs a third checkpoint
        fillAndResume("fill", (2 * size[0] + 2 * size[1]) / 1024 + 48);
    }

    @Test
    @Tag("faults")
    @Timeout(1200)
    void aSweepOfDiskSizes() throws Exception {
        long[] size = sizes();
        long from = (size[0] + size[1]) / 1024;
        long to = (3 * size[0] + 2 * size[1]) / 1024 + 64;
        for (int step = 0; step < 8; step++) {
            fillAndResume("sweep" + step, from + (to - from) * step / 7);
        }
    }

    private static void fillAndResume(String name, long kilobytes) throws Exception {
        Path disk = dir.resolve(name + "-disk");
        Path run = disk.resolve("run");
        String fault = "tmpfs of " + kilobytes + " kB";
        mount(disk, kilobytes, false);
        try {
            Child child = Child.start(dir, run, EPOCHS, HIDDEN, 0);
            int status = child.waitForExit();
            String err = String.join("\n", child.err);
            if (status == 0) {
                TABLE.add(name, fault, "one line, fix: free space; then bit-identical", Outcome.HARMLESS, "the run"
                        + " fitted: " + child.out.get(child.out.size() - 1));
            } else {
                Matcher resumes = RESUMES.matcher(err);
                boolean clear = status == 2 && child.err.size() == 1 && err.contains("fix: free space")
                        && resumes.find() && !err.contains(": null");
                TABLE.add(name, fault, "exit 2, one line: fix: free space, resumes after epoch N", clear
                        ? Outcome.CLEAR_ERROR : Outcome.UNCLEAR_ERROR, "exit " + status + ": " + err.replace(dir + "/",
                                ""));
                if (!clear) {
                    return;
                }
                int after = Integer.parseInt(resumes.group(1));
                mount(disk, 64 * 1024, true);
                Child again = Child.start(dir, run, EPOCHS, HIDDEN, 0);
                int resumed = again.waitForExit();
                String said = again.out.stream().filter(line -> line.startsWith("resuming")).findFirst().orElse(
                        "(no resuming line)");
                boolean promised = after == 0 ? !said.startsWith("resuming") : said.endsWith("after epoch " + after
                        + " of " + EPOCHS);
                boolean same = resumed == 0 && Faults.metricsWithoutSeconds(run.resolve(TrainingLoop.METRICS))
                        .equals(Faults.metricsWithoutSeconds(reference.resolve(TrainingLoop.METRICS)))
                        && Faults.sameBytes(run.resolve(TrainingLoop.BEST_PARAMETERS), reference.resolve(
                                TrainingLoop.BEST_PARAMETERS));
                TABLE.add(name, fault + ", remounted 64 MB", "resumes after epoch " + after + ", bit-identical",
                        !promised ? Outcome.DATA_LOSS : same ? Outcome.BIT_IDENTICAL : Outcome.SILENT_WRONG,
                        said.replace(dir + "/", "") + (resumed == 0 ? "" : "; exit " + resumed + ": "
                                + again.output()));
            }
        } finally {
            unmount(disk);
        }
        assertEquals("", TABLE.failures());
    }

    /** A new run on a disk that is already full: the claim's first writes (.lock, config.json) fail. */
    @Test
    @Timeout(120)
    void aNewRunOnAFullDiskIsRefusedWithOneLine() throws Exception {
        Path disk = dir.resolve("full-disk");
        mount(disk, 64, false);
        try {
            try (OutputStream out = Files.newOutputStream(disk.resolve("filler"))) {
                byte[] block = new byte[1024];
                while (true) {
                    out.write(block); // until the disk is full
                }
            } catch (IOException expected) {
                // full
            }
            Child child = Child.start(dir, disk.resolve("run"), EPOCHS, 16, 0);
            int status = child.waitForExit();
            String err = String.join("\n", child.err);
            boolean clear = status == 2 && child.err.size() == 1 && err.contains("fix:") && !err.contains(": null");
            TABLE.add("new run on a full disk", "tmpfs of 64 kB, filled", "exit 2, one line with the fix", clear
                    ? Outcome.CLEAR_ERROR : Outcome.UNCLEAR_ERROR, String.format(Locale.ROOT, "exit %d: %s", status,
                            err.lines().limit(3).reduce((a, b) -> a + " / " + b).orElse("").replace(dir + "/", "")));
        } finally {
            unmount(disk);
        }
        assertEquals("", TABLE.failures());
    }
}
