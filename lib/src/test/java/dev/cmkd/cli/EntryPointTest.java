package dev.cmkd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.bench.Benchmarks;
import dev.cmkd.data.avmnist.AvMnistTts;
import dev.cmkd.tour.MethodTour;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options layer of every {@code lib/bin/kit} command (main, run, ablation, sensitivity, tour, benchmark,
 * build-data): {@code --help} prints the
 * table; an unknown key or a malformed value ends the command with status 2 and one line on standard error before
 * any work (the output folder is never created).
 */
class EntryPointTest {

    /** What one run printed and returned. */
    private record Outcome(int status, String out, String err) {

        /** Asserts a usage error: status 2, one line on standard error naming every one of {@code words}. */
        void isUsageError(String... words) {
            assertEquals(2, status, "status; stderr: " + err);
            assertEquals(1, err.lines().count(), "one line: " + err);
            for (String word : words) {
                assertTrue(err.contains(word), "names '" + word + "': " + err);
            }
            assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        }
    }

    private static Outcome run(BiFunction<String[], Properties, Integer> command, List<String> args,
            String... properties) {
        Properties settings = new Properties();
        for (int i = 0; i < properties.length; i += 2) {
            settings.setProperty(Options.PREFIX + properties[i], properties[i + 1]);
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = command.apply(args.toArray(String[]::new), settings);
            return new Outcome(status, outBytes.toString(StandardCharsets.UTF_8),
                    errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * {@code kit main}, {@code kit run <benchmark>}, {@code kit ablation} and {@code kit sensitivity}: an unknown
     * key, a malformed value and an unknown method or benchmark end the command with status 2 and one line before any
     * network is built: the data folder (absent, so the dataset would be built) and the output folder stay absent.
     */
    @Test
    void theExperimentCommandsRefuseBadSettingsBeforeAnyNetwork(@TempDir Path dir) {
        Path data = dir.resolve("data");
        Path out = dir.resolve("out");
        List<BiFunction<String[], Properties, Integer>> commands = List.of(MainJob::run,
                (args, properties) -> RunCommand.run(prepend("av-mnist-tts", args), properties),
                (args, properties) -> RunCommand.run(prepend("crisismmd", args), properties),
                (args, properties) -> RunCommand.run(prepend("nyu-depth-v2", args), properties),
                dev.cmkd.study.AblationStudy::run, dev.cmkd.study.SensitivityStudy::run);
        for (BiFunction<String[], Properties, Integer> command : commands) {
            run(command, List.of(), "data", data.toString(), "output", out.toString(), "nosuch", "1")
                    .isUsageError("unknown option 'nosuch'", "seeds", "fix:");
            run(command, List.of(), "data", data.toString(), "output", out.toString(), "seeds", "0,x")
                    .isUsageError("seeds=0,x", "not a whole number", "list of integers >= 0", "fix:");
            run(command, List.of("--teacherEpochs=0"), "data", data.toString(), "output", out.toString())
                    .isUsageError("teacherEpochs=0", "below the minimum 1");
            run(command, List.of("--methods=dkdd"), "data", data.toString(), "output", out.toString())
                    .isUsageError("methods");
        }
        run(MainJob::run, List.of("--methods=dkdd,fd-cmkd"), "data", data.toString(), "output", out.toString())
                .isUsageError("'dkdd' is not one of", "fd-cmkd", "c2kd");
        run(RunCommand::run, List.of("nope")).isUsageError("no benchmark 'nope'", "crema-d", "fix:");
        run(RunCommand::run, List.of()).isUsageError("name a benchmark", "fix:");
        run(RunCommand::run, List.of("nyu-depth-v2", "--methods=fd-cmkd-chanel"), "output", out.toString())
                .isUsageError("fd-cmkd-chanel", "fd-cmkd-channel");
        assertFalse(Files.exists(data), "no dataset built");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void theExperimentCommandsPrintTheirTables() {
        Outcome main = run(MainJob::run, List.of("--help"));
        assertEquals(0, main.status());
        for (String key : List.of("profile", "mode", "seeds", "students", "methods", "teacherEpochs", "studentEpochs",
                "batchSize", "joint", "initialisation", "featurePoint", "paperProtocol", "output", "results/embedded-ci",
                "data", "maxPairs", "difficulty", "snrDb", "imageEnergy", "trainPairs", "width")) {
            assertTrue(main.out().contains(key), "kit main --help names " + key + ": " + main.out());
        }
        Outcome nyu = run(RunCommand::run, List.of("nyu-depth-v2", "--help"));
        assertEquals(0, nyu.status());
        assertTrue(nyu.out().contains("crop") && nyu.out().contains("fd-cmkd-channel"), nyu.out());
        assertFalse(run(dev.cmkd.study.AblationStudy::run, List.of("--help")).out().contains("methods"),
                "the ablation chooses its own methods");
        Outcome calibrate = run(dev.cmkd.study.CalibrationStudy::run, List.of("--help"));
        assertEquals(0, calibrate.status());
        for (String key : List.of("gridTrainPairs", "gridImageEnergy", "gridSnrDb", "seeds", "teacherEpochs")) {
            assertTrue(calibrate.out().contains(key), "kit calibrate --help names " + key + ": " + calibrate.out());
        }
    }

    private static String[] prepend(String first, String[] rest) {
        String[] args = new String[rest.length + 1];
        args[0] = first;
        System.arraycopy(rest, 0, args, 1, rest.length);
        return args;
    }

    @Test
    void tourHelpPrintsItsTable() {
        Outcome help = run(MethodTour::run, List.of("--help"));
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("kit tour: settings as -Dfdcmkd.<key>=<value>"), help.out());
        for (String text : List.of("profile", "output", "results/tour-ci", "classes", "width", "teacherSteps",
                "studentSteps", "heldOut", "seed")) {
            assertTrue(help.out().contains(text), "help names " + text + ": " + help.out());
        }
    }

    @Test
    void tourRefusesUnknownKeysAndMalformedValuesBeforeAnyWork(@TempDir Path dir) {
        Path out = dir.resolve("tour");
        run(MethodTour::run, List.of(), "output", out.toString(), "nosuch", "1")
                .isUsageError("kit tour", "nosuch", "known: profile, output", "fix:");
        run(MethodTour::run, List.of(out.toString()), "classes", "many")
                .isUsageError("kit tour", "classes=many", "not a whole number", "integer >= 2", "fix:");
        run(MethodTour::run, List.of("--studentSteps=0", out.toString()))
                .isUsageError("studentSteps=0", "integer >= 1");
        run(MethodTour::run, List.of("--output=" + out, "--width"))
                .isUsageError("--width has no value", "--width=VALUE");
        run(MethodTour::run, List.of(out.toString(), dir.resolve("other").toString()))
                .isUsageError("more than one OUTPUT_DIR");
        assertFalse(Files.exists(out), "nothing written");
        assertFalse(Files.exists(dir.resolve("other")), "nothing written");
    }

    @Test
    void aTinyTourWritesToItsPositionalOutputDir(@TempDir Path dir) {
        Path out = dir.resolve("tour");
        Outcome tour = run(MethodTour::run, List.of(out.toString(), "--teacherSteps=2", "--studentSteps=2",
                "--batchSize=8", "--heldOut=16"), "profile", "ci");
        assertEquals(0, tour.status(), tour.err());
        assertTrue(Files.isRegularFile(out.resolve("terms.csv")), tour.out());
        assertTrue(tour.out().contains("tour finished"), tour.out());
    }

    @Test
    void benchmarkHelpPrintsItsTable() {
        Outcome help = run(Benchmarks::run, List.of("--help"));
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("kit benchmark: settings as"), help.out());
        for (String text : List.of("which", "all|features|step|loaders|peer", "output", "results/benchmarks-ci", "featureRuns",
                "stepRuns", "featureGrid", "loaderBatches", "stepSeconds", "scale", "rounds", "paperSteps", "embeddedSteps", "threads", "python")) {
            assertTrue(help.out().contains(text), "help names " + text + ": " + help.out());
        }
    }

    @Test
    void benchmarkRefusesUnknownKeysAndMalformedValuesBeforeAnyWork(@TempDir Path dir) {
        Path out = dir.resolve("benchmarks");
        run(Benchmarks::run, List.of("features"), "output", out.toString(), "nosuch", "1")
                .isUsageError("kit benchmark", "nosuch", "which", "fix:");
        run(Benchmarks::run, List.of(), "output", out.toString(), "which", "fast")
                .isUsageError("kit benchmark", "which=fast", "all|features|step", "fix:");
        run(Benchmarks::run, List.of("fast", "--output=" + out))
                .isUsageError("kit benchmark", "'fast'", "all|features|step", "fix:");
        run(Benchmarks::run, List.of("features", "--featureRuns=none", "--output=" + out))
                .isUsageError("featureRuns=none", "not a whole number");
        run(Benchmarks::run, List.of("features", "step", "--output=" + out))
                .isUsageError("more than one argument");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void buildDataHelpPrintsItsTable() {
        Outcome help = run(AvMnistTts::run, List.of("--help"));
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("kit build-data: settings as"), help.out());
        for (String text : List.of("mnist", "reps", "integer 1..1000", "train", "6000", "val", "test", "seed",
                "20251125", "speakers", "threads", "force", "verify")) {
            assertTrue(help.out().contains(text), "help names " + text + ": " + help.out());
        }
    }

    @Test
    void buildDataRefusesUnknownKeysAndMalformedValuesBeforeAnyWork(@TempDir Path dir) {
        Path out = dir.resolve("av-mnist-tts");
        List<String> output = List.of(out.toString());
        run(AvMnistTts::run, output, "nosuch", "1").isUsageError("kit build-data", "nosuch", "reps", "fix:");
        run(AvMnistTts::run, output, "reps", "x").isUsageError("reps=x", "not a whole number", "integer 1..1000");
        run(AvMnistTts::run, List.of(out.toString(), "--reps=0")).isUsageError("reps=0", "outside [1, 1000]");
        run(AvMnistTts::run, List.of(out.toString(), "--reps", "4")).isUsageError("--reps has no value",
                "--reps=VALUE");
        run(AvMnistTts::run, List.of(out.toString(), "--force=yes")).isUsageError("force=yes", "true|false");
        run(AvMnistTts::run, List.of(out.toString(), "--speakers=1,200")).isUsageError("speakers=1,200", "'200'",
                "[0, 142]");
        run(AvMnistTts::run, List.of(out.toString(), "--train=59500")).isUsageError("train 59500 + val 1000",
                "val=500");
        run(AvMnistTts::run, List.of(out.toString(), dir.resolve("b").toString()))
                .isUsageError("more than one OUTPUT_DIR");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void buildDataKeepsStatusOneForAFailedCheck(@TempDir Path dir) {
        Path out = dir.resolve("av-mnist-tts");
        Outcome bare = run(AvMnistTts::run, List.of(out.toString(), "--verify"));
        assertEquals(1, bare.status(), "a bare flag is true: " + bare.err());
        Outcome verify = run(AvMnistTts::run, List.of(out.toString(), "--verify=true"));
        assertEquals(1, verify.status(), verify.err());
        assertEquals(1, verify.err().lines().count(), verify.err());
        assertTrue(verify.err().contains("does not verify"), verify.err());
        Outcome build = run(AvMnistTts::run, List.of(out.toString(), "--mnist=" + dir.resolve("no-mnist")));
        assertEquals(1, build.status(), build.err());
        assertTrue(build.err().contains("no-mnist") && build.err().contains("fix:"), build.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void aChildJvmWithAnUnknownKeyExitsWithTwoAndOneLine(@TempDir Path dir) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dfdcmkd.nosuch=1", "dev.cmkd.tour.MethodTour")
                .directory(dir.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM ends");
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(2, process.exitValue(), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("kit tour: unknown option 'nosuch'") && err.contains("fix:"), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertEquals("", Files.readString(dir.resolve("stdout.txt")));
        assertFalse(Files.exists(dir.resolve("results")), "nothing written");
    }

    /**
     * {@code kit sweep}: its table names the protocol's keys and its own; an unknown key, a malformed value, an
     * unknown benchmark or method, two actions at once and a task outside the expansion end it with status 2 and one
     * line before any work: the data and output folders stay absent, nothing is submitted.
     */
    @Test
    void sweepRefusesBadSettingsBeforeAnyWork(@TempDir Path dir) {
        Path data = dir.resolve("data");
        Path out = dir.resolve("out");
        Outcome help = run(SweepCommand::run, List.of("embedded", "--help"));
        assertEquals(0, help.status(), help.err());
        for (String key : List.of("seeds", "students", "methods", "teacherEpochs", "workers", "executor", "local|slurm",
                "dryRun", "status", "report", "task", "cpusPerTask", "gpusPerTask", "partition", "time", "mem",
                "sbatchFlags", "requeue", "maxPairs")) {
            assertTrue(help.out().contains(key), "kit sweep --help names " + key + ": " + help.out());
        }
        String[] where = {"data", data.toString(), "output", out.toString()};
        run(SweepCommand::run, List.of("embedded"), concat(where, "nosuch", "1"))
                .isUsageError("kit sweep embedded", "unknown option 'nosuch'", "executor", "fix:");
        run(SweepCommand::run, List.of("embedded", "--executor=kubernetes"), where)
                .isUsageError("executor=kubernetes", "local|slurm", "fix:");
        run(SweepCommand::run, List.of("crema-d", "--time=forever"), where)
                .isUsageError("time=forever", "not a Slurm time", "fix:");
        run(SweepCommand::run, List.of("embedded", "--mem=lots"), where)
                .isUsageError("mem=lots", "16G", "fix:");
        run(SweepCommand::run, List.of("embedded", "--cpusPerTask=0"), where)
                .isUsageError("cpusPerTask=0", "below the minimum 1");
        run(SweepCommand::run, List.of("embedded", "--seeds=0,x"), where)
                .isUsageError("seeds=0,x", "not a whole number", "fix:");
        run(SweepCommand::run, List.of("embedded", "--methods=kdd"), where).isUsageError("'kdd' is not one of");
        run(SweepCommand::run, List.of("embedded", "--task=teacher:1"), where)
                .isUsageError("task=teacher:1", "teachers:<index>", "fix:");
        run(SweepCommand::run, List.of("embedded", "--task=students:99", "--profile=ci", "--methods=kd"), where)
                .isUsageError("no students task 99", "0..1", "fix:");
        run(SweepCommand::run, List.of("embedded", "--status", "--report"), where)
                .isUsageError("separate actions", "fix:");
        run(SweepCommand::run, List.of("nope")).isUsageError("no benchmark 'nope'", "fix:");
        run(SweepCommand::run, List.of()).isUsageError("name one benchmark", "embedded", "fix:");
        run(SweepCommand::run, List.of("embedded", "--report", "--profile=ci"), where)
                .isUsageError("have not finished", "--status", "fix:");
        assertFalse(Files.exists(data), "no dataset built");
        assertFalse(Files.exists(out), "nothing written");
    }

    /** {@code kit sweep --dryRun} prints the expansion (local) or both sbatch scripts (slurm) and writes nothing. */
    @Test
    void sweepDryRunsPrintTheRunsAndTheScripts(@TempDir Path dir) {
        Path out = dir.resolve("out");
        String[] where = {"output", out.toString()};
        Outcome local = run(SweepCommand::run, List.of("embedded", "--dryRun", "--profile=ci", "--methods=none,kd",
                "--seeds=0,1"), where);
        assertEquals(0, local.status(), local.err());
        assertTrue(local.out().contains("4 teacher runs, then 4 student runs"), local.out());
        assertTrue(local.out().contains("students:3   student-audio-kd-seed1"), local.out());
        Outcome slurm = run(SweepCommand::run, List.of("crema-d", "--executor=slurm", "--dryRun", "--partition=gpu",
                "--gpusPerTask=1", "--cpusPerTask=8", "--sbatchFlags=--account=lab --qos=normal"), where);
        assertEquals(0, slurm.status(), slurm.err());
        for (String line : List.of("#SBATCH --array=0-5", "#SBATCH --array=0-41", "#SBATCH --partition=gpu",
                "#SBATCH --gpus-per-task=1", "#SBATCH --cpus-per-task=8", "#SBATCH --open-mode=append",
                "#SBATCH --requeue", "#SBATCH --dependency=afterok:<the teachers' job id>", "#SBATCH --account=lab",
                "#SBATCH --qos=normal",
                "export OMP_NUM_THREADS=8", "--task=students:${SLURM_ARRAY_TASK_ID}", "sweep/logs/teachers-%a.log")) {
            assertTrue(slurm.out().contains(line), "the scripts hold " + line + ": " + slurm.out());
        }
        assertFalse(Files.exists(out), "nothing written");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
