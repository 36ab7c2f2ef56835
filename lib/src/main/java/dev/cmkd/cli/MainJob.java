package dev.cmkd.cli;

import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code lib/bin/kit main}, the kit's main job: the embedded benchmark ({@link AvMnistTtsTask}) end to end, as
 * {@code lib/bin/kit run av-mnist-tts} runs it but with the methods of {@link #METHODS} by default: teachers per
 * seed, a student of each modality with each method, the tables (with every method's paired difference from {@code
 * none} and {@code kd}) and figures in {@code results/embedded/} ({@code results/embedded-ci/} for {@code
 * -Dfdcmkd.profile=ci}).
 */
public final class MainJob {

    /**
     * The main job's methods: the student without distillation, Hinton's KD, plain feature matching and FD-CMKD.
     * Every registered method in both directions over five seeds does not fit the main job's 15 minutes on two
     * cores; {@code lib/bin/kit run av-mnist-tts} trains the others (FitNet, DKD, DIST, C2KD) into the same
     * folder, reading the main job's runs back, and writes the tables of all of them.
     */
    public static final List<String> METHODS = List.of("none", "kd", "feature-mse", "fd-cmkd");

    private MainJob() {}

    /** Runs the main job; {@code --help} lists its settings. */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties()));
    }

    /** Runs {@code kit main} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, positional -> options(),
                (settings, positional) -> RunCommand.run(AvMnistTtsTask.TYPE.name(), settings));
    }

    /** The options of {@code kit run av-mnist-tts} with the main job's methods, {@link #METHODS}, by default. */
    public static Options options() {
        List<Option<?>> options = new ArrayList<>(TaskRegistry.protocolOptions(AvMnistTtsTask.TYPE));
        Option<List<String>> methods = TaskRegistry.methods(AvMnistTtsTask.TYPE);
        options.replaceAll(option -> option.key().equals(methods.key()) ? methods.withDefaults(METHODS, METHODS)
                : option);
        options.addAll(AvMnistTtsTask.TYPE.options());
        return new Options("kit main", options);
    }
}
