package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.cli.Settings;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.testing.TestSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tech.tablesaw.api.Table;

/**
 * {@code loaderThreads}: a benchmark on a stand-in with random training views trains the same runs, epoch by epoch,
 * with its batches read on the training thread and with two prefetching threads; and since the setting is not part of
 * a run's identity, runs trained one way are read back the other way.
 */
class PrefetchedRunTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"crisismmd", "crema-d"})
    void prefetchingChangesNoNumberAndNoIdentity(String name) throws IOException {
        TaskType type = TaskRegistry.get(name);
        String student = type.modalities().get(1);
        Path serial = temp.resolve("serial");
        Path prefetched = temp.resolve("prefetched");
        Runner.train(type, settings(type, serial, student, 0));
        Runner.train(type, settings(type, prefetched, student, 2));
        List<Path> metrics;
        try (Stream<Path> files = Files.walk(serial.resolve("runs"))) {
            metrics = files.filter(p -> p.getFileName().toString().equals("metrics.csv")).sorted().toList();
        }
        assertEquals(2, metrics.size(), "a teacher and a student: " + metrics);
        for (Path file : metrics) {
            Table a = Table.read().csv(file.toFile()).removeColumns("seconds");
            Table b = Table.read().csv(prefetched.resolve(serial.relativize(file)).toFile()).removeColumns("seconds");
            assertEquals(a.print(1000), b.print(1000), file.toString());
        }
        // read back with the other setting: the same identity, nothing trained again
        String before = Files.readString(metrics.get(0));
        Runner.train(type, settings(type, serial, student, 2));
        assertEquals(before, Files.readString(metrics.get(0)));
        assertTrue(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .noneMatch(t -> t.getName().startsWith(dev.cmkd.data.PrefetchingSource.THREAD_PREFIX)),
                "no prefetching thread left");
    }

    private static Settings settings(TaskType type, Path output, String student, int loaderThreads) {
        return TestSettings.of(type, "profile=ci", "fixture=true", "output=" + output, "methods=fd-cmkd",
                "students=" + student, "seeds=0", "loaderThreads=" + loaderThreads);
    }
}
