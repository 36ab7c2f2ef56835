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
import ai.djl.ndarray.NDManager;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;
import dev.cmkd.data.PairedSplit;
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
 * data-scripts/av-mnist-tts/build.sh} when it is missing; the same small ResNet on both modalities.
 *
 * <p>The data are hard by default, on the AV-MNIST recipe (Vielzeuf et al., 2018), so that each modality alone is
 * far from perfect and the two fail on different samples: white noise at {@code snrDb} on the audio, each image
 * projected on the leading principal components that keep {@code imageEnergy} of the training images' energy
 * ({@link dev.cmkd.data.avmnist.ImagePca}), and only the first {@code trainPairs} training pairs (validation and test
 * keep every pair). The default, {@link DataSettings#HARD}, is the point {@code kit calibrate} ({@link
 * dev.cmkd.study.CalibrationStudy}) selected on the validation split; {@code -Dfdcmkd.difficulty=easy} takes the
 * earlier default, {@link DataSettings#EASY} (-5 dB, intact images, every pair, where both modalities are near
 * 97 %), and a knob given explicitly wins over either. Full profile: 5 seeds, 20 epochs per run (the curves are
 * flat by then, as the calibration checks), ResNet of base width 8 with one block per stage, batch 64, two worker
 * processes; ci: 1 seed, 256 pairs per split, 1 epoch, width 8 and two stages, one process. The data validate the
 * pipeline; they do not reproduce the paper's numbers.
 */
public final class AvMnistTtsTask {

    /** The dataset folder. */
    public static final Option<Path> DATA = Option.path("data", "the dataset folder (built there when missing)",
            Path.of("data/av-mnist-tts"), Path.of("data/av-mnist-tts"));
    /** Pairs kept per split. */
    public static final Option<Integer> MAX_PAIRS = Option.integer("maxPairs", 1, "pairs kept per split",
            Integer.MAX_VALUE, 256);
    /** The preset of the data knobs. */
    public static final Option<String> DIFFICULTY = Option.choice("difficulty", List.of("hard", "easy"),
            "the defaults of snrDb, imageEnergy and trainPairs: hard " + DataSettings.HARD + " (selected on the"
                    + " validation split by kit calibrate, data-scripts/av-mnist-tts/calibration.txt), or easy "
                    + DataSettings.EASY + " (the earlier default, where both modalities are near 97 %); a knob given"
                    + " explicitly wins", "hard", "hard");
    /** The noise on the audio. */
    public static final Option<Double> SNR_DB = Option.number("snrDb", "white noise added to the audio, in dB (NaN:"
            + " none); default: the difficulty's", null, null);
    /** The fraction of the image energy kept by the PCA projection. */
    public static final Option<Double> IMAGE_ENERGY = new Option<>("imageEnergy", "number in (0, 1]", "the fraction"
            + " of the training images' energy (variance about their mean) kept by projecting every image on the"
            + " leading principal components of the training images, as in AV-MNIST (1: images intact); default: the"
            + " difficulty's", null, null, AvMnistTtsTask::fraction);
    /** The training pairs kept. */
    public static final Option<Integer> TRAIN_PAIRS = Option.integer("trainPairs", 1, "the first pairs of the train"
            + " split that are kept (validation and test keep every pair); default: the difficulty's", null, null);
    /** The size of the calibration's placeholder test split (validation pairs). */
    public static final int PLACEHOLDER_PAIRS = 64;
    /** The backbone's base width. */
    public static final Option<Integer> WIDTH = Option.integer("width", 1, "the ResNet's base width", 8, 8);

    /** The benchmark as the registry knows it. */
    public static final TaskType TYPE = new TaskType("av-mnist-tts", "AV-MNIST-TTS, 10 digits, image <-> synthetic"
            + " speech (the embedded default)", "built by data-scripts/av-mnist-tts/build.sh from the package"
            + " registries when missing", Path.of("results/embedded"), List.of("image", "audio"), FeatureLayout.VECTOR,
            true, new int[] {20, 1}, new int[] {64, 64}, 5, 2, List.of(DATA, MAX_PAIRS, DIFFICULTY, SNR_DB,
            IMAGE_ENERGY, TRAIN_PAIRS, WIDTH), AvMnistTtsTask::create, null);

    /**
     * The data knobs: the audio's SNR, the image energy kept and the training pairs kept.
     *
     * @param snrDb white noise on the audio in dB, NaN for none
     * @param imageEnergy the fraction of image energy kept, 1 for intact images
     * @param trainPairs the training pairs kept, {@link Integer#MAX_VALUE} for all
     */
    public record DataSettings(double snrDb, double imageEnergy, int trainPairs) {

        /**
         * The default: the point {@code kit calibrate} selected on the validation split (its table is committed as
         * {@code data-scripts/av-mnist-tts/calibration.txt} and {@code .csv}).
         */
        public static final DataSettings HARD = new DataSettings(-17.0, 0.25, 4000);
        /** The earlier default, {@code -Dfdcmkd.difficulty=easy}: -5 dB, intact images, every training pair. */
        public static final DataSettings EASY = new DataSettings(-5.0, 1.0, Integer.MAX_VALUE);

        /** Returns the knobs of {@code settings}: each given one, the difficulty's for the others. */
        public static DataSettings of(Settings settings) {
            DataSettings preset = settings.get(DIFFICULTY).equals("hard") ? HARD : EASY;
            Double snr = settings.get(SNR_DB);
            Double energy = settings.get(IMAGE_ENERGY);
            Integer pairs = settings.get(TRAIN_PAIRS);
            return new DataSettings(snr != null ? snr : preset.snrDb, energy != null ? energy : preset.imageEnergy,
                    pairs != null ? pairs : preset.trainPairs);
        }

        /**
         * Returns what these knobs add to a run's data identity: {@code snrDb} always, {@code imageEnergy} and
         * {@code trainPairs} only when they degrade (so the easy setting keeps the identity of the earlier default's
         * runs).
         */
        public Map<String, Object> identity() {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("snrDb", snrDb);
            if (imageEnergy < 1) {
                identity.put("imageEnergy", imageEnergy);
            }
            if (trainPairs != Integer.MAX_VALUE) {
                identity.put("trainPairs", trainPairs);
            }
            return identity;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "(snrDb %s, imageEnergy %s, trainPairs %s)", Option.show(snrDb),
                    Option.show(imageEnergy), Option.show(trainPairs));
        }
    }

    private AvMnistTtsTask() {}

    /** Returns the backbone of {@code settings}. */
    public static NetworkConfig network(Settings settings) {
        return new NetworkConfig(settings.get(WIDTH), settings.profile() == Profile.CI ? new int[] {1, 1}
                : new int[] {1, 1, 1, 1}, false, settings.get(TaskRegistry.FEATURE_POINT));
    }

    /** Builds the dataset if it is missing, loads its three splits and returns the task over them. */
    public static Task create(Settings settings, Path output) {
        return create(settings.get(DATA), settings.get(MAX_PAIRS), DataSettings.of(settings), network(settings), false);
    }

    /** Returns the loader of the data knobs {@code data} with {@code maxPairs} pairs per split. */
    public static AvMnistTtsLoader loader(Path root, int maxPairs, DataSettings data) {
        AvMnistTtsLoader.Builder loader = AvMnistTtsLoader.builder().optMaxPairs(maxPairs)
                .optTrainPairs(data.trainPairs()).optCacheDir(root.resolve("cache"));
        if (!Double.isNaN(data.snrDb())) {
            loader.optSnrDb(data.snrDb());
        }
        if (data.imageEnergy() < 1) {
            loader.optImageEnergy(data.imageEnergy());
        }
        return loader.build();
    }

    /**
     * Builds the dataset at {@code root} if it is missing, loads it with {@code data} and returns the task over it.
     * With {@code validationOnly} (the calibration) the test split is never read: the task's test split is a
     * placeholder, the first {@value #PLACEHOLDER_PAIRS} validation pairs (so that every epoch's test column costs
     * almost nothing), and its identity and result rows say so.
     */
    public static Task create(Path root, int maxPairs, DataSettings data, NetworkConfig network,
            boolean validationOnly) {
        ensureDataset(root);
        AvMnistTtsLoader loader = loader(root, maxPairs, data);
        PairedSplit validation = loader.load(root, "val");
        Splits splits = new Splits(loader.load(root, "train"), validation, validationOnly
                ? placeholder(validation) : loader.load(root, "test"));
        System.out.printf(Locale.ROOT, "AV-MNIST-TTS: %d train, %d validation, %s test pairs; audio noise %s,"
                + " images at %s of their energy%n", splits.train().size(), splits.validation().size(),
                validationOnly ? "no" : splits.test().size(), Double.isNaN(data.snrDb()) ? "none"
                        : Option.show(data.snrDb()) + " dB SNR", data.imageEnergy() < 1
                                ? Option.show(data.imageEnergy() * 100) + " %" : "all");
        Map<String, Object> loading = new LinkedHashMap<>(data.identity());
        loading.put("maxPairs", maxPairs);
        if (validationOnly) {
            loading.put("testSplit", "the first " + PLACEHOLDER_PAIRS + " validation pairs (calibration: the test"
                    + " split is not read)");
        }
        return new PairedTask(TYPE.name(), validationOnly ? "AV-MNIST-TTS validation (calibration)" : "AV-MNIST-TTS",
                network, seed -> splits, DataIdentity.of(root, loading));
    }

    /** The first {@value #PLACEHOLDER_PAIRS} samples of {@code validation}, the calibration's test placeholder. */
    private static BatchSource placeholder(PairedSplit validation) {
        int size = Math.min(PLACEHOLDER_PAIRS, validation.size());
        return new BatchSource() {
            @Override
            public String name() {
                return "val-placeholder";
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public boolean inMemory() {
                return validation.inMemory();
            }

            @Override
            public Batch batch(NDManager manager, int[] indices, int epoch) {
                return validation.batch(manager, indices, epoch);
            }
        };
    }

    private static Double fraction(String text) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(value + " is not in (0, 1]");
        }
        return value;
    }

    /** Returns the nearest directory at or above the working directory that holds {@code data-scripts/}. */
    public static Path repositoryRoot() {
        Path repository = DataIdentity.repositoryAbove(Path.of("").toAbsolutePath());
        if (repository != null) {
            return repository;
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
