package dev.cmkd.study;

import dev.cmkd.cli.Cli;
import dev.cmkd.cli.Settings;
import dev.cmkd.experiment.Runner;
import dev.cmkd.report.PairedComparison;
import dev.cmkd.report.PlainText;
import dev.cmkd.report.VariantTable;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.function.BiFunction;

import tech.tablesaw.api.Table;

/**
 * What the ablation and the sensitivity study share: variants of FD-CMKD on the embedded benchmark, reported as a
 * table and findings per selection protocol, run the same way from the command line.
 */
public interface VariantStudy {

    /** Returns the variants' table under {@code protocol}, numbers as fractions. */
    Table table(String protocol);

    /** Returns the variants' table under {@code protocol} with "mean ± std" in percent, for reading. */
    default Table formatted(String protocol) {
        return VariantTable.formatted(table(protocol));
    }

    /** Returns each comparison under {@code protocol}, paired by seed ({@link PairedComparison#table}). */
    Table findings(String protocol);

    /** Returns the files written. */
    List<Path> files();

    /**
     * Runs {@code kit <name>}: the settings of the embedded benchmark less its methods, the study in {@code
     * <output>/<name>}, then prints the bestVal table and findings and the files written.
     */
    static int command(String name, String[] args, Properties properties,
            BiFunction<Settings, Path, VariantStudy> study) {
        return Cli.run(args, properties, positional -> TaskRegistry.studyOptions("kit " + name, AvMnistTtsTask.TYPE),
                (settings, positional) -> {
                    VariantStudy result = study.apply(settings, Runner.output(AvMnistTtsTask.TYPE, settings)
                            .resolve(name));
                    System.out.println(PlainText.table(result.formatted("bestVal")));
                    Table findings = result.findings("bestVal");
                    System.out.println(PlainText.table(PairedComparison.formatted(findings)));
                    PairedComparison.conclusions(findings).forEach(System.out::println);
                    result.files().forEach(path -> System.out.println("wrote " + path));
                });
    }
}
