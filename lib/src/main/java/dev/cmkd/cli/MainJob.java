package dev.cmkd.cli;

import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;

/**
 * {@code lib/bin/kit main}, the kit's main job: the embedded benchmark ({@link AvMnistTtsTask}) end to end, the same
 * as {@code lib/bin/kit run av-mnist-tts}: teachers per seed, a student of each modality with every method, the
 * tables and figures in {@code results/embedded/} ({@code results/embedded-ci/} for {@code -Dfdcmkd.profile=ci}).
 */
public final class MainJob {

    private MainJob() {}

    /** Runs the main job; {@code --help} lists its settings. */
    public static void main(String[] args) {
        String name = AvMnistTtsTask.TYPE.name();
        Cli.main(args, positional -> TaskRegistry.options("kit main", AvMnistTtsTask.TYPE),
                (settings, positional) -> RunCommand.run(name, settings));
    }
}
