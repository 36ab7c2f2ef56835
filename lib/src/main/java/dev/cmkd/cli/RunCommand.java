package dev.cmkd.cli;

import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.experiment.Runner;
import dev.cmkd.report.PlainText;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.results.ResultFiles;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * {@code lib/bin/kit run <benchmark>}: runs any registered benchmark ({@link TaskRegistry}) by its protocol, or
 * gathers its tables, or times an epoch ({@code -Dfdcmkd.mode}); {@code lib/bin/kit run list} describes them, and
 * {@code lib/bin/kit run <benchmark> --help} prints every setting with its type, defaults and meaning. {@code
 * lib/bin/kit main} is {@code run av-mnist-tts} ({@link MainJob}).
 */
public final class RunCommand {

    private RunCommand() {}

    /** Runs the command; a setting that cannot be used or missing data end it with status 2 and one line. */
    public static void main(String[] args) {
        Cli.main(args, RunCommand::options, (settings, positional) -> run(positional.get(0), settings));
    }

    /** Runs {@code kit run} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, RunCommand::options, (settings, positional) -> run(positional.get(0),
                settings));
    }

    /** Returns the options table of {@code kit run <positional[0]>}. */
    static Options options(List<String> positional) {
        if (positional.isEmpty()) {
            throw new Options.InvalidOption("kit run: name a benchmark, one of " + TaskRegistry.names()
                    + "; fix: lib/bin/kit run <benchmark> (lib/bin/kit run list describes them)");
        }
        String name = positional.get(0);
        return name.equals("list") ? new Options("kit run list", List.of())
                : TaskRegistry.options("kit run " + name, TaskRegistry.get(name));
    }

    /** Runs the mode of {@code settings} on benchmark {@code name} ({@code list}: describes every benchmark). */
    static void run(String name, Settings settings) {
        if (name.equals("list")) {
            for (String known : TaskRegistry.names()) {
                TaskType type = TaskRegistry.get(known);
                System.out.printf("%-14s %-18s %s%n%14s data: %s%n", known, String.join(" <-> ", type.modalities()),
                        type.description(), "", type.howToGet());
            }
            return;
        }
        TaskType type = TaskRegistry.get(name);
        Path output = Runner.output(type, settings);
        switch (settings.get(TaskRegistry.MODE)) {
            case "epoch-cost" -> System.out.print(Runner.epochCost(type, settings));
            case "report" -> {
                System.out.println(PlainText.table(BenchmarkReport.formatted(Runner.report(output))));
                System.out.println("wrote results.csv, summary.csv and the figure in " + output);
            }
            default -> {
                long start = System.nanoTime();
                BenchmarkReport report = Runner.train(type, settings);
                System.out.println(report.summaryText());
                String timing = String.format(Locale.ROOT, "%s finished in %.1f min (this invocation; runs finished"
                        + " by an earlier one are read back, not trained again)%n", name,
                        (System.nanoTime() - start) / 60e9);
                ResultFiles.writeString(timing, output.resolve("wall-time.txt"));
                System.out.print(timing);
            }
        }
    }
}
