package dev.cmkd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.train.Environment;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One task of {@code kit sweep} ({@code --task=<phase>:<index>}, what a Slurm array task runs) on the tiny
 * AV-MNIST-TTS: it trains its run; run again on the finished run it trains no epoch and exits 0; a student whose
 * teacher has not run, and a run another writer holds, end with status 2 and one line naming the run and the fix;
 * {@code --status} tells finished from not started; {@code --report} writes the tables of kit run.
 */
class SweepTaskTest {

    private record Outcome(int status, String out, String err) {}

    private static Outcome sweep(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("embedded", "--profile=ci", "--data=" + data, "--output=" + out,
                "--methods=kd", "--students=audio", "--seeds=0", "--batchSize=4", "--width=4", "--teacherEpochs=2",
                "--studentEpochs=2", "--cpusPerTask=1"));
        args.addAll(List.of(more));
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        String threads = Environment.intraOpThreads();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = SweepCommand.run(args.toArray(String[]::new), new Properties());
            return new Outcome(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(
                    StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            Environment.useThreads(Integer.parseInt(threads));
        }
    }

    @Test
    void aTaskTrainsItsRunAndAFinishedRunExitsWithoutTraining(@TempDir Path dir) throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Path out = dir.resolve("out");

        Outcome early = sweep(data, out, "--task=students:0");
        assertEquals(2, early.status(), early.out() + early.err());
        assertEquals(1, early.err().strip().lines().count(), early.err());
        assertTrue(early.err().contains("teacher-image-seed0") && early.err().contains("fix:"), early.err());

        Path teacher = out.resolve("runs/teacher-image-seed0");
        Files.createDirectories(teacher);
        try (FileChannel channel = FileChannel.open(teacher.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.lock();
            Outcome busy = sweep(data, out, "--task=teachers:0");
            lock.release();
            assertEquals(2, busy.status(), busy.out() + busy.err());
            assertEquals(1, busy.err().strip().lines().count(), busy.err());
            assertTrue(busy.err().contains("being written by another process") && busy.err().contains("fix:"),
                    busy.err());
        }

        Outcome trained = sweep(data, out, "--task=teachers:0");
        assertEquals(0, trained.status(), trained.err());
        assertTrue(trained.out().contains("teacher-image-seed0  epoch 2/2"), trained.out());
        Outcome again = sweep(data, out, "--task=teachers:0");
        assertEquals(0, again.status(), again.err());
        assertFalse(again.out().contains("  epoch "), "a finished run trains no epoch: " + again.out());
        assertTrue(again.out().contains("teacher-image-seed0 finished"), again.out());

        Outcome status = sweep(data, out, "--status");
        assertEquals(0, status.status(), status.err());
        assertTrue(status.out().contains("2 runs: 1 finished, 1 not started"), status.out());

        assertEquals(0, sweep(data, out, "--task=students:0").status());
        Outcome report = sweep(data, out, "--report");
        assertEquals(0, report.status(), report.err());
        assertTrue(Files.isRegularFile(out.resolve("summary.csv")) && Files.isRegularFile(out.resolve(
                "results/kd-audio-seed0.csv")), report.out());
    }
}
