package dev.cmkd.tasks;

import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.experiment.PairedTask;
import dev.cmkd.experiment.Task;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Profile;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.DataIdentity;
import dev.cmkd.data.Splits;
import dev.cmkd.data.av.AvConvention;
import dev.cmkd.data.av.PreparedAvLoader;
import dev.cmkd.data.av.PreparedFixture;
import dev.cmkd.data.DatasetException;
import dev.cmkd.method.FeatureLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An audio-visual benchmark as the paper runs it (CREMA-D, AVE, VGGSound-50): {@link PreparedAvLoader} on the
 * prepared layout of {@code data-scripts/<name>/} (training views seeded by the run's seed), the same backbone on
 * both modalities (ResNet-18 in the paper: 1-channel spectrogram, 3-channel frame), SGD 0.01 with momentum 0.9 and
 * the poly schedule, batch 64, 100 epochs (method.md section 2.9). The ci profile: 1 epoch, batch 4, 8 clips per
 * split, a ResNet of width 8 with two stages; {@code fixture=true} runs on a synthetic stand-in of the prepared
 * layout written under the output folder (no data needed).
 */
public final class AudioVisualTask {

    /** Samples kept per split. */
    public static final Option<Integer> MAX_CLIPS = Option.integer("maxClips", 1, "clips kept per split",
            Integer.MAX_VALUE, 8);
    /** Run on a synthetic stand-in. */
    public static final Option<Boolean> FIXTURE = Option.flag("fixture", "run on a synthetic stand-in written under"
            + " the output folder (no data needed)", false, false);
    /** The backbone's base width. */
    public static final Option<Integer> WIDTH = Option.integer("width", 1, "the ResNet's base width (64: ResNet-18)",
            64, 8);

    /** Clips of the stand-in of an epoch-cost measurement, and its batch size. */
    private static final int COST_CLIPS = 16;
    private static final int COST_BATCH = 8;

    private AudioVisualTask() {}

    /** Returns the benchmark of {@code convention}, whose full training split has about {@code trainClips} clips. */
    public static TaskType type(AvConvention convention, String description, int trainClips) {
        Option<Path> data = Option.path("data", "the prepared dataset", Path.of("data", convention.name(),
                "prepared"), Path.of("data", convention.name(), "prepared"));
        return new TaskType(convention.name(), description, "data-scripts/" + convention.name() + "/README.md:"
                + " download, then data-scripts/" + convention.name() + "/prepare.sh (writes data/" + convention.name()
                + "/prepared)", Path.of("results/real", convention.name()), AvConvention.MODALITIES,
                FeatureLayout.VECTOR, true, new int[] {100, 1}, new int[] {64, 4}, 3, 1,
                List.of(data, FIXTURE, MAX_CLIPS, WIDTH),
                (settings, output) -> {
                    Path root = settings.get(data);
                    if (settings.get(FIXTURE)) {
                        root = output.resolve("fixture");
                        if (!Files.exists(root)) {
                            writeFixture(convention, root, Math.max(settings.get(TaskRegistry.BATCH_SIZE), 8));
                        }
                    } else if (!Files.isDirectory(root)) {
                        throw new DatasetException("no prepared " + convention.name() + " data at " + root + "; fix:"
                                + " data-scripts/" + convention.name() + "/README.md, or set -Dfdcmkd.data, or run on a"
                                + " synthetic stand-in with -Dfdcmkd.fixture=true");
                    }
                    return task(convention, root, network(settings), settings.get(MAX_CLIPS), settings.get(FIXTURE));
                },
                (settings, workDir) -> {
                    NetworkConfig network = new NetworkConfig(settings.get(WIDTH), NetworkConfig.resNet18()
                            .blocksPerStage(), false, settings.get(TaskRegistry.FEATURE_POINT));
                    Task task = task(convention, writeFixture(convention, workDir, COST_CLIPS), network, COST_CLIPS, true);
                    String setup = String.format(Locale.ROOT, "ResNet width %d, blocks %s, batch %d, inputs %s",
                            network.width(), Arrays.toString(network.blocksPerStage()), COST_BATCH, List.of(
                                    task.inputShape(AvConvention.AUDIO).slice(1),
                                    task.inputShape(AvConvention.VISUAL).slice(1)));
                    return new TaskType.CostRun(task, AvConvention.AUDIO, COST_BATCH, setup, trainClips);
                });
    }

    /** Returns the backbone of {@code settings}: ResNet-18 of the given width, or two stages for ci. */
    public static NetworkConfig network(Settings settings) {
        return new NetworkConfig(settings.get(WIDTH), settings.profile() == Profile.CI ? new int[] {1, 1}
                : NetworkConfig.resNet18().blocksPerStage(), false, settings.get(TaskRegistry.FEATURE_POINT));
    }

    /** The task over {@code root}; its result rows name their data {@code SYNTHETIC} when it is a stand-in. */
    private static Task task(AvConvention convention, Path root, NetworkConfig network, int maxClips,
            boolean synthetic) {
        return new PairedTask(convention.name(), synthetic ? Task.SYNTHETIC : convention.name(), network, seed -> {
            PreparedAvLoader loader = PreparedAvLoader.builder().setConvention(convention).optSeed(seed)
                    .optMaxClips(maxClips).build();
            PairedSplit train = loader.load(root, "train");
            Splits splits = new Splits(train, loader.load(root, "val"), loader.load(root, "test"));
            System.out.printf(Locale.ROOT, "%s%s: %d train, %d validation, %d test clips%n  in %s%n",
                    synthetic ? "SYNTHETIC stand-in of " : "", convention.name(),
                    train.size(), splits.validation().size(), splits.test().size(), root);
            return splits;
        }, DataIdentity.of(root, Map.of("maxClips", maxClips)));
    }

    /**
     * Writes a synthetic prepared dataset in the layout of {@code convention} ({@code perSplit} clips per split of at
     * most four classes, 96 x 72 frames), for smoke runs and cost measurements; returns its root.
     */
    public static Path writeFixture(AvConvention convention, Path root, int perSplit) {
        return PreparedFixture.write(root, convention, Math.min(4, convention.numClasses()),
                new int[] {perSplit, perSplit, perSplit}, 96, 72, 0);
    }
}
