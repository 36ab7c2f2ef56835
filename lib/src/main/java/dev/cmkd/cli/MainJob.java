package dev.cmkd.cli;

import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;

import java.util.Properties;

/**
 * {@code lib/bin/kit main}, the kit's main job: the embedded benchmark ({@link AvMnistTtsTask}) end to end, the same
 * as {@code lib/bin/kit run av-mnist-tts}: teachers per seed, a student of each modality with every method, the
 * tables and figures in {@code results/embedded/} ({@code results/embedded-ci/} for {@code -Dfdcmkd.profile=ci}).
 */
public final class MainJob {

    private MainJob() {}

    /** Runs the main job; {@code --help} lists its settings. */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties()));
    }

    /** Runs {@code kit main} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}. */
    public static int run(String[] args, Properties properties) {
        return Cli.run(args, properties, positional -> TaskRegistry.options("kit main", AvMnistTtsTask.TYPE),
                (settings, positional) -> RunCommand.run(AvMnistTtsTask.TYPE.name(), settings));
    }
}
