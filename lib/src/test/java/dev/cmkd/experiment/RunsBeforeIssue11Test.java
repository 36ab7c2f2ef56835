package dev.cmkd.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cmkd.data.Splits;
import dev.cmkd.method.FeatureLayout;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.tour.SyntheticPairs;
import dev.cmkd.train.EpochRecord;
import dev.cmkd.train.RunSpec;
import dev.cmkd.train.TrainingLoop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished runs written before the experiment core of issue 11 ({@code PairedExperiment}, commit {@code fc00f4a})
 * are read back by {@link Experiment} over a {@link PairedTask}: the same {@code config.json} claims, the same
 * records, nothing trained again, and the claim left as it was.
 *
 * <p>The resources {@code runs-before-issue-11/} (four run directories: {@code config.json}, {@code checkpoint.bin},
 * {@code best.params}, {@code metrics.csv}) and {@code runs-before-issue-11-records.json} (every epoch's record as
 * that code returned it, Gson, full double precision) were written by a throw-away test at {@code fc00f4a} (DJL
 * 0.29, PyTorch 2.3.1 CPU, JDK 17): {@code new PairedExperiment(train, validation, test, new NetworkConfig(8, new
 * int[] {1, 1}, true), runsDir)} on {@code new SyntheticPairs(4, 8, 1.0, 5)} with the splits {@code ("train", 192,
 * 0)}, {@code ("val", 64, 1000)}, {@code ("test", 64, 2000)} and {@code new RunSpec(2, 32, 0.05, 1e-4, 0.9, 0.9,
 * 1)}, training in this order the teacher of "b", the teacher of "a", the student "a" with "fd-cmkd" and the
 * student "a" with "c2kd" (teacher spec the same). Each {@code metrics.csv} is kept as that code wrote it: its
 * first row lacks the loss and accuracy values and its second holds the first epoch's (that code's table was built
 * row by row and shifted them); reading back does not use it.
 */
class RunsBeforeIssue11Test {

    private static final String RESOURCE = "runs-before-issue-11";
    private static final List<String> RUNS = List.of("teacher-b-seed1", "teacher-a-seed1", "student-a-fd-cmkd-seed1",
            "student-a-c2kd-seed1");

    private static final SyntheticPairs DATA = new SyntheticPairs(4, 8, 1.0, 5);
    private static final NetworkConfig TINY = new NetworkConfig(8, new int[] {1, 1}, true);
    private static final Splits SPLITS = new Splits(DATA.split("train", 192, 0), DATA.split("val", 64, 1000),
            DATA.split("test", 64, 2000));
    private static final RunSpec SPEC = new RunSpec(2, 32, 0.05, 1e-4, 0.9, 0.9, 1);

    /** Fails the test if anything trains: a finished run is only read back. */
    private static final TrainingLoop.Listener NO_TRAINING = new TrainingLoop.Listener() {
        @Override
        public void onBatch(int epoch, int batch, int batches) {
            throw new AssertionError("a finished run of the old layout trains again (epoch " + epoch + ", batch "
                    + batch + ")");
        }

        @Override
        public void onEpoch(EpochRecord record, int epochs) {
            throw new AssertionError("a finished run of the old layout trains again: " + record);
        }
    };

    @TempDir
    Path runs;

    private Experiment experiment;

    @BeforeEach
    void copyTheOldRuns() throws Exception {
        Path source = resource(RESOURCE);
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path target = runs.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        experiment = new Experiment(new PairedTask("synthetic", "SYNTHETIC", TINY, seed -> SPLITS), runs);
    }

    @Test
    void finishedRunsOfTheOldLayoutAreReadBackUnchanged() throws Exception {
        Map<String, byte[]> claims = configs();
        Map<String, List<Map<String, Object>>> expected = expectedRecords();
        assertEquals(RUNS, List.copyOf(expected.keySet()));

        List<RunOutcome> outcomes = new ArrayList<>();
        outcomes.add(readBack(() -> experiment.teacher("b", SPEC, NO_TRAINING)));
        outcomes.add(readBack(() -> experiment.teacher("a", SPEC, NO_TRAINING)));
        outcomes.add(readBack(() -> experiment.student("a", MethodRegistry.spec("fd-cmkd", FeatureLayout.VECTOR),
                SPEC, SPEC, NO_TRAINING)));
        outcomes.add(readBack(() -> experiment.student("a", MethodRegistry.spec("c2kd", FeatureLayout.VECTOR),
                SPEC, SPEC, NO_TRAINING)));

        for (int i = 0; i < RUNS.size(); i++) {
            String run = RUNS.get(i);
            RunOutcome outcome = outcomes.get(i);
            assertEquals(run, outcome.name());
            List<Map<String, Object>> want = expected.get(run);
            assertEquals(want.size(), outcome.records().size(), run + ": epochs");
            for (int e = 0; e < want.size(); e++) {
                assertEquals(want.get(e), fields(outcome.records().get(e)), run + ", epoch " + e
                        + ": the records the old code returned");
                assertEquals(Map.of(), outcome.records().get(e).otherMetrics(), run + ": accuracy alone");
            }
        }
        for (String run : RUNS) {
            assertArrayEquals(claims.get(run), Files.readAllBytes(runs.resolve(run).resolve("config.json")),
                    run + "/config.json is rewritten by the read");
        }
    }

    @Test
    void aChangedClaimIsRefused() throws Exception {
        Map<String, byte[]> claims = configs();
        RunSpec threeEpochs = new RunSpec(3, 32, 0.05, 1e-4, 0.9, 0.9, 1);
        IllegalStateException teacher = assertThrows(IllegalStateException.class,
                () -> experiment.teacher("b", threeEpochs, NO_TRAINING));
        assertTrue(teacher.getMessage().contains("another configuration"), teacher.getMessage());
        IllegalStateException student = assertThrows(IllegalStateException.class,
                () -> experiment.student("a", MethodRegistry.spec("fd-cmkd", FeatureLayout.VECTOR), threeEpochs,
                        SPEC, NO_TRAINING));
        assertTrue(student.getMessage().contains("another configuration"), student.getMessage());
        for (String run : RUNS) {
            assertArrayEquals(claims.get(run), Files.readAllBytes(runs.resolve(run).resolve("config.json")),
                    run + "/config.json after a refused claim");
        }
    }

    /**
     * Runs {@code read}; a refused claim (the new code claims something else than the old one did) fails with both
     * claims in the message, as {@code ResultFiles.claimRunDirectory} words it.
     */
    private static RunOutcome readBack(Supplier<RunOutcome> read) {
        try {
            return read.get();
        } catch (IllegalStateException e) {
            throw new AssertionError("a run of the old layout is not read back: " + e.getMessage(), e);
        }
    }

    private Map<String, byte[]> configs() throws IOException {
        Map<String, byte[]> configs = new LinkedHashMap<>();
        for (String run : RUNS) {
            configs.put(run, Files.readAllBytes(runs.resolve(run).resolve("config.json")));
        }
        return configs;
    }

    /** The record's fields as the old code's {@code EpochRecord} had them, maps in their order. */
    private static Map<String, Object> fields(EpochRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("epoch", record.epoch());
        fields.put("learningRate", record.learningRate());
        fields.put("seconds", record.seconds());
        fields.put("trainTerms", entries(record.trainTerms()));
        fields.put("validation", entries(record.validation()));
        fields.put("test", entries(record.test()));
        return fields;
    }

    /** The entries in order: the first predictor is the main one, so order is part of the record. */
    private static List<Map.Entry<String, Double>> entries(Map<String, Double> values) {
        return values.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    /** The expected records by run, read from the JSON the old code's records were written as. */
    private static Map<String, List<Map<String, Object>>> expectedRecords() throws Exception {
        String json;
        try (InputStream in = RunsBeforeIssue11Test.class.getResourceAsStream(RESOURCE + "-records.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, List<Map<String, Object>>> expected = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> run : JsonParser.parseString(json).getAsJsonObject().entrySet()) {
            List<Map<String, Object>> records = new ArrayList<>();
            for (JsonElement element : run.getValue().getAsJsonArray()) {
                JsonObject record = element.getAsJsonObject();
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("epoch", record.get("epoch").getAsInt());
                fields.put("learningRate", record.get("learningRate").getAsDouble());
                fields.put("seconds", record.get("seconds").getAsDouble());
                for (String map : List.of("trainTerms", "validation", "test")) {
                    fields.put(map, record.getAsJsonObject(map).entrySet().stream()
                            .map(e -> Map.entry(e.getKey(), e.getValue().getAsDouble())).toList());
                }
                assertEquals(6, record.size(), "the old record's fields: " + record.keySet());
                records.add(fields);
            }
            expected.put(run.getKey(), records);
        }
        return expected;
    }

    private static Path resource(String name) {
        URL url = RunsBeforeIssue11Test.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
