package dev.cmkd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.results.ResultFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity, lock, commit and verified reads of a run directory, on small text files. */
class RunDirectoryTest {

    @TempDir
    Path dir;

    private static Map<String, ResultFiles.Writer> files(String checkpoint, String metrics) {
        Map<String, ResultFiles.Writer> files = new LinkedHashMap<>();
        files.put(Checkpoint.FILE, path -> Files.writeString(path, checkpoint));
        files.put(TrainingLoop.METRICS, path -> Files.writeString(path, metrics));
        return files;
    }

    @Test
    void theOrderOfNestedKeysDoesNotMatterButTheirValuesDoAndEachDifferenceIsNamed() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("train", "32 images");
        data.put("val", "8 images");
        RunDirectory.claim(dir, Map.of("role", "teacher", "data", data)).close();

        // Map.of iterates in an order that changes from one JVM to the next: the same values must be accepted.
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("val", "8 images");
        reordered.put("train", "32 images");
        assertDoesNotThrow(() -> RunDirectory.claim(dir, Map.of("data", reordered, "role", "teacher")).close());

        Map<String, Object> changed = new LinkedHashMap<>(data);
        changed.put("val", "16 images");
        RunDirectoryException refused = assertThrows(RunDirectoryException.class,
                () -> RunDirectory.claim(dir, Map.of("role", "teacher", "data", changed, "snrDb", 20.0)));
        String message = refused.getMessage();
        assertTrue(message.contains("another configuration"), message);
        assertTrue(message.contains("data.val: the run has \"8 images\", the settings \"16 images\""), message);
        assertTrue(message.contains("snrDb: the run has no value, the settings 20.0"), message);
        assertTrue(message.contains("fix: delete " + dir), message);
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    @Test
    void aClaimedRunIsRefusedToASecondClaimUntilItIsReleased() {
        try (RunDirectory first = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            RunDirectoryException refused = assertThrows(RunDirectoryException.class,
                    () -> RunDirectory.claim(dir, Map.of("role", "teacher")));
            assertTrue(refused.getMessage().contains("is being written by another process (pid "
                    + ProcessHandle.current().pid() + ")"), refused.getMessage());
        }
        assertDoesNotThrow(() -> RunDirectory.claim(dir, Map.of("role", "teacher")).close());
    }

    @Test
    void aCommitRecordsDigestsEpochsAndTheEnvironmentThatTrained() throws IOException {
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            assertEquals(0, run.epochs());
            assertNull(run.checkpoint());
            run.commit(1, files("state 1", "metrics 1"));
            run.commit(2, files("state 2", "metrics 2"));
            assertEquals(2, run.epochs());
            assertEquals("state 2", Files.readString(run.checkpoint()));
            assertEquals("state 1", Files.readString(dir.resolve(RunDirectory.PREVIOUS_CHECKPOINT)));
            assertEquals(Environment.describe(), run.environment());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(".lock", Checkpoint.FILE, RunDirectory.PREVIOUS_CHECKPOINT, RunDirectory.CONFIG,
                    RunDirectory.MANIFEST, TrainingLoop.METRICS), left.map(f -> f.getFileName().toString()).sorted()
                            .toList(), "no pending or temporary file is left");
        }
        try (RunDirectory again = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            assertEquals(2, again.epochs());
            assertTrue(again.matches(TrainingLoop.METRICS));
            assertEquals(Environment.describe().get("intra_op_threads"), again.environment().get("intra_op_threads"));
        }
    }

    @Test
    void aDamagedCheckpointFallsBackToThePreviousEpochsAndOtherFilesAreReportedByName() throws IOException {
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            run.commit(1, files("state 1", "metrics 1"));
            run.commit(2, files("state 2", "metrics 2"));
        }
        Files.writeString(dir.resolve(Checkpoint.FILE), "state X");
        Files.writeString(dir.resolve(TrainingLoop.METRICS), "metrics X");
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            assertEquals(dir.resolve(RunDirectory.PREVIOUS_CHECKPOINT), run.checkpoint());
            assertFalse(run.matches(TrainingLoop.METRICS));
            RunDirectoryException damaged = assertThrows(RunDirectoryException.class,
                    () -> run.verified(TrainingLoop.METRICS));
            assertEquals(dir + ": metrics.csv does not match its SHA-256 in manifest.json (damaged, or changed after it"
                    + " was written); fix: delete " + dir + " to train the run again", damaged.getMessage());
            Files.writeString(dir.resolve(RunDirectory.PREVIOUS_CHECKPOINT), "state Y");
            RunDirectoryException both = assertThrows(RunDirectoryException.class, run::checkpoint);
            assertTrue(both.getMessage().contains("checkpoint.bin does not match its SHA-256")
                    && both.getMessage().contains("no earlier checkpoint is intact"), both.getMessage());
        }
    }

    @Test
    void anEditedConfigurationAndAMissingOrDamagedManifestAreRefused() throws IOException {
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("snrDb", -5.0))) {
            run.commit(1, files("state 1", "metrics 1"));
        }
        // the configuration edited to match other settings: the claim agrees, the digest does not
        Files.writeString(dir.resolve(RunDirectory.CONFIG), "{\"snrDb\": 20.0}");
        RunDirectoryException edited = assertThrows(RunDirectoryException.class,
                () -> RunDirectory.claim(dir, Map.of("snrDb", 20.0)));
        assertTrue(edited.getMessage().contains("config.json does not match its SHA-256"), edited.getMessage());

        Files.writeString(dir.resolve(RunDirectory.MANIFEST), "{\"epochs\": ");
        RunDirectoryException manifest = assertThrows(RunDirectoryException.class,
                () -> RunDirectory.claim(dir, Map.of("snrDb", 20.0)));
        assertTrue(manifest.getMessage().startsWith("cannot read " + dir.resolve(RunDirectory.MANIFEST)),
                manifest.getMessage());
        assertFalse(manifest.getMessage().contains("null"), manifest.getMessage());

        Files.delete(dir.resolve(RunDirectory.MANIFEST));
        RunDirectoryException unverifiable = assertThrows(RunDirectoryException.class,
                () -> RunDirectory.claim(dir, Map.of("snrDb", 20.0)));
        assertTrue(unverifiable.getMessage().contains("holds checkpoint.bin but no manifest.json"),
                unverifiable.getMessage());
    }

    @Test
    void aCommitInterruptedAfterItsManifestIsFinishedAndOneInterruptedBeforeIsDiscarded() throws IOException {
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            run.commit(1, files("state 1", "metrics 1"));
            run.commit(2, files("state 2", "metrics 2"));
        }
        // killed after the manifest of epoch 2 was written, before the renames: as if the pending files stayed
        Files.move(dir.resolve(Checkpoint.FILE), dir.resolve(Checkpoint.FILE + ".pending"));
        Files.move(dir.resolve(RunDirectory.PREVIOUS_CHECKPOINT), dir.resolve(Checkpoint.FILE));
        Files.move(dir.resolve(TrainingLoop.METRICS), dir.resolve(TrainingLoop.METRICS + ".pending"));
        Files.writeString(dir.resolve(TrainingLoop.METRICS), "metrics 1");
        // a reader (a student reading its teacher) takes the pending file, a writer finishes the commit
        byte[][] read = new byte[1][];
        RunDirectory.readFinished(dir, 2, "the teacher", TrainingLoop.METRICS, file -> read[0] = Files.readAllBytes(
                file));
        assertArrayEquals("metrics 2".getBytes(StandardCharsets.UTF_8), read[0]);
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            assertEquals("state 2", Files.readString(run.checkpoint()));
            assertEquals("state 1", Files.readString(dir.resolve(RunDirectory.PREVIOUS_CHECKPOINT)));
            assertTrue(run.matches(TrainingLoop.METRICS));
        }
        // killed while writing epoch 3's files, before its manifest: they are discarded
        Files.writeString(dir.resolve(Checkpoint.FILE + ".pending"), "state 3, half writ");
        Files.writeString(dir.resolve(".metrics.csv123.part"), "metr");
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            assertEquals(2, run.epochs());
            assertEquals("state 2", Files.readString(run.checkpoint()));
        }
        assertFalse(Files.exists(dir.resolve(Checkpoint.FILE + ".pending")));
        assertFalse(Files.exists(dir.resolve(".metrics.csv123.part")));
    }

    @Test
    void aFullDiskKeepsTheLastCommitAndSaysHowToGoOn() throws IOException {
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            run.commit(1, files("state 1", "metrics 1"));
            Map<String, ResultFiles.Writer> full = new LinkedHashMap<>();
            full.put(Checkpoint.FILE, path -> {
                Files.writeString(path, "state");
                throw new IOException("No space left on device");
            });
            RunDirectoryException refused = assertThrows(RunDirectoryException.class, () -> run.commit(2, full));
            assertTrue(refused.getMessage().contains("No space left on device; fix: free space on its disk and run"
                    + " the command again (the run resumes after epoch 1)"), refused.getMessage());
        }
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            assertEquals(1, run.epochs());
            assertEquals("state 1", Files.readString(run.checkpoint()));
        }
    }

    @Test
    void anUnfinishedOrMissingRunIsNotReadAsFinished() throws IOException {
        RunDirectoryException missing = assertThrows(RunDirectoryException.class, () -> RunDirectory.readFinished(
                dir.resolve("teacher-audio-seed0"), 3, "the audio teacher", TrainingLoop.BEST_PARAMETERS, f -> {}));
        assertEquals("no trained run at " + dir.resolve("teacher-audio-seed0") + "; fix: train the audio teacher"
                + " first", missing.getMessage());
        try (RunDirectory run = RunDirectory.claim(dir, Map.of("role", "teacher"))) {
            Map<String, ResultFiles.Writer> files = files("state 1", "metrics 1");
            files.put(TrainingLoop.BEST_PARAMETERS, path -> Files.writeString(path, "best 1"));
            run.commit(1, files);
        }
        RunDirectoryException unfinished = assertThrows(RunDirectoryException.class, () -> RunDirectory.readFinished(
                dir, 3, "the audio teacher", TrainingLoop.BEST_PARAMETERS, f -> {}));
        assertEquals(dir + " has finished 1 of 3 epochs; fix: train the audio teacher first (it resumes)",
                unfinished.getMessage());
        Files.writeString(dir.resolve(TrainingLoop.BEST_PARAMETERS), "best 2");
        RunDirectoryException damaged = assertThrows(RunDirectoryException.class, () -> RunDirectory.readFinished(
                dir, 1, "the audio teacher", TrainingLoop.BEST_PARAMETERS, f -> {}));
        assertTrue(damaged.getMessage().contains("best.params does not match its SHA-256"), damaged.getMessage());
    }
}
