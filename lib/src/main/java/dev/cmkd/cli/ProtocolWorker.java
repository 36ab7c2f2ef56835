package dev.cmkd.cli;

import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.experiment.Workers;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.study.AblationStudy;
import dev.cmkd.study.SensitivityStudy;
import dev.cmkd.tasks.TaskRegistry;

import java.io.IOException;
import java.util.List;

/**
 * One worker process of a protocol trained by several ({@link Workers}), started by the kit, not by hand: {@code
 * ProtocolWorker <source> <benchmark> <i>/<n> --key=value ...}, where the source names the methods ({@code run}: the
 * settings' registered methods; {@code ablation}, {@code sensitivity}: the study's variants) and the settings are
 * the starting command's as given. It takes {@code cores / n} intra-op threads ({@link Runner#experiment}), trains
 * its share of the runs ({@link dev.cmkd.experiment.Protocol#work}) and stops, with a graceful stop of the run in
 * training, when its standard input closes (the starting process ended).
 */
public final class ProtocolWorker {

    /** How long a worker waits before it walks the runs again when another worker holds some. */
    private static final long POLL_MILLIS = 1000;

    private ProtocolWorker() {}

    /** Runs one worker; see the class comment for the arguments. */
    public static void main(String[] args) {
        stopWhenInputCloses();
        Cli.main(args, ProtocolWorker::options, (settings, positional) -> {
            String source = positional.get(0);
            TaskType type = TaskRegistry.get(positional.get(1));
            Runner.protocol(type, settings, methods(source, type, settings)).work(Runner.experiment(type, settings),
                    POLL_MILLIS);
        });
    }

    /** The options table of a source: the command's that started the worker. */
    static Options options(List<String> positional) {
        if (positional.size() != 3 || !positional.get(2).matches("\\d+/\\d+")) {
            throw new Options.InvalidOption("kit worker: expected <source> <benchmark> <i>/<n>, got " + positional
                    + "; workers are started by the kit (-Dfdcmkd.workers), not by hand");
        }
        TaskType type = TaskRegistry.get(positional.get(1));
        return switch (positional.get(0)) {
            case Workers.RUN -> TaskRegistry.options("kit run " + type.name(), type);
            case Workers.ABLATION, Workers.SENSITIVITY -> TaskRegistry.studyOptions("kit " + positional.get(0), type);
            default -> throw new Options.InvalidOption("kit worker: unknown source '" + positional.get(0) + "'");
        };
    }

    /** The methods of a source. */
    static List<MethodSpec> methods(String source, TaskType type, Settings settings) {
        return switch (source) {
            case Workers.ABLATION -> AblationStudy.methods();
            case Workers.SENSITIVITY -> SensitivityStudy.methods();
            default -> MethodRegistry.specs(settings.get(TaskRegistry.methods(type)), type.layout());
        };
    }

    private static void stopWhenInputCloses() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the starting process writes nothing; its end closes the stream
                }
            } catch (IOException e) {
                // closed as well
            }
            System.out.println("the starting process ended: stopping");
            System.exit(3);
        }, "parent watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
