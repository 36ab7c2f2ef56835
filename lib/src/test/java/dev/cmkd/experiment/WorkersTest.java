package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.cli.Settings;
import dev.cmkd.data.avmnist.TinyAvMnistTts;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.testing.TestSettings;
import dev.cmkd.train.Environment;

import com.google.gson.JsonParser;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/**
 * A protocol trained by worker processes ({@code -Dfdcmkd.workers}) trains every run once and gives, bit for bit,
 * the results of one process with the same thread count; a worker skips a run another process holds and comes back
 * to it.
 */
class WorkersTest {

    @TempDir
    Path dir;

    private Settings settings(Path data, String output, int workers) {
        return TestSettings.of(AvMnistTtsTask.TYPE, "profile=ci", "data=" + data, "output=" + dir.resolve(output),
                "seeds=0,1", "width=4", "batchSize=4", "methods=none,kd,fd-cmkd", "workers=" + workers);
    }

    @Test
    void everyLineOfAWorkerIsRelayedButPyTorchsDeprecationWarning() {
        assertTrue(Workers.relayed("  teacher-image-seed0  epoch 1/20  loss 1.2066  val head 0.6550"));
        assertTrue(Workers.relayed("kit run av-mnist-tts: results/embedded/runs/x holds a run with another"
                + " configuration"));
        assertFalse(Workers.relayed("[W LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is deprecated and"
                + " will be removed in 1.10 release. For kernel implementations please use"
                + " AutoDispatchBelowADInplaceOrView instead"));
    }

    @Test
    void twoWorkersTrainEveryRunOnceAndGiveTheResultsOfOneProcess() throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        String threads = Environment.intraOpThreads();
        try {
            BenchmarkReport parallel = Runner.train(AvMnistTtsTask.TYPE, settings(data, "two", 2));
            // the same thread count as each worker's (set by the run above), in this one process
            BenchmarkReport serial = Runner.train(AvMnistTtsTask.TYPE, settings(data, "one", 1));

            Table a = parallel.results().sortOn("role", "modality", "method", "seed", "protocol");
            Table b = serial.results().sortOn("role", "modality", "method", "seed", "protocol");
            assertEquals(2 * (2 + 2 * 3), a.where(a.stringColumn("protocol").isEqualTo("bestVal")).rowCount(),
                    "2 teachers and 2 students x 3 methods (none is its teacher run), per seed");
            assertEquals(b.doubleColumn("test_accuracy").asList(), a.doubleColumn("test_accuracy").asList());
            assertEquals(b.stringColumn("method").asList(), a.stringColumn("method").asList());
            try (Stream<Path> runs = Files.list(dir.resolve("two/runs"))) {
                for (Path run : runs.toList()) {
                    var sessions = JsonParser.parseString(Files.readString(run.resolve("manifest.json")))
                            .getAsJsonObject().getAsJsonArray("sessions");
                    assertEquals(1, sessions.size(), run + " was trained in one session");
                    assertEquals(Environment.intraOpThreads(), sessions.get(0).getAsJsonObject()
                            .getAsJsonObject("environment").get("intra_op_threads").getAsString(), run.toString());
                }
            }
            // a later process that only reads runs (a study reading the teachers) takes the workers' share too
            Environment.useThreads(Integer.parseInt(threads));
            Settings two = settings(data, "two", 2);
            Experiment again = Runner.experiment(AvMnistTtsTask.TYPE, two);
            RunOutcome teacher = again.teacher("image", Runner.protocol(AvMnistTtsTask.TYPE, two,
                    MethodRegistry.specs(List.of("none"), FeatureLayout.VECTOR)).teacherSpec(0));
            assertTrue(teacher.finished(), "read back under the workers' thread count");
        } finally {
            Environment.useThreads(Integer.parseInt(threads));
        }
    }

    @Test
    void aWorkerSkipsARunAnotherProcessHoldsAndComesBackToIt() throws Exception {
        Path data = TinyAvMnistTts.build(dir.resolve("data"));
        Settings settings = settings(data, "held", 1);
        Experiment experiment = Runner.experiment(AvMnistTtsTask.TYPE, settings);
        Protocol protocol = Runner.protocol(AvMnistTtsTask.TYPE, settings,
                MethodRegistry.specs(List.of("none", "kd"), FeatureLayout.VECTOR));
        Path held = experiment.teacherDir("audio", protocol.teacherSpec(0));
        Files.createDirectories(held);
        long heldMillis = 1500;
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(held.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.lock();
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(heldMillis);
                    lock.release();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            protocol.work(experiment, 100);
            release.join();
        }
        assertTrue((System.nanoTime() - start) / 1e6 >= heldMillis, "the worker waited for the held run");
        BenchmarkReport report = protocol.run(experiment);
        assertTrue(report.entries().stream().allMatch(entry -> entry.outcome().finished()),
                "every run finished once the held one was released");
        assertTrue(Files.exists(held.resolve("manifest.json")));
    }
}
