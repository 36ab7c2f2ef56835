package dev.cmkd.data.avmnist;

import static dev.cmkd.data.Checks.checkArgument;
import static dev.cmkd.data.Checks.checkData;

import dev.cmkd.data.BatchSource;
import dev.cmkd.data.CsvFile;
import dev.cmkd.data.DatasetException;
import dev.cmkd.data.ImageNormalization;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.Sha256;
import dev.cmkd.data.audio.AudioFrontEnd;
import dev.cmkd.data.audio.LogMel;
import dev.cmkd.data.audio.Wav;
import dev.cmkd.data.FileFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Loads one split of a built AV-MNIST-TTS dataset (data.md section 3.2) as a {@link PairedSplit} with the
 * modalities {@code "image"} ({@code 1 x 28 x 28}) and {@code "audio"} ({@code 1 x rows x frames} of the
 * audio front-end: {@code 1 x 40 x 101} for the default {@link LogMel}); 10 classes (the digits).
 *
 * <p><b>On-disk contract</b> under {@code root}: the output layout of the dataset builder ({@link
 * AvMnistTts}), every WAV exactly 16,000 samples of 16 kHz mono 16-bit PCM. A split is the rows of {@code
 * pairs.csv} with that {@code split}, in file order (the first {@code maxPairs} of them if set). Each row's
 * label must equal the MNIST label of its image and the {@code clips.csv} label of its WAV. Only {@code wav}
 * and {@code label} of {@code clips.csv} are read; {@code manifest.sha256} is read only to key the feature
 * cache; {@code build.json} is not read.
 *
 * <p><b>Images</b>: {@link ImageNormalization#UNIT_INTERVAL} ({@code x / 255}, default) or {@link
 * ImageNormalization#TRAIN_STANDARDIZED} ({@code (x / 255 - mean) / std}, scalar statistics over the
 * pixels of every {@code train}-split image).
 *
 * <p><b>Audio noise</b> (data.md section 3.2, "noise knob"): with an SNR of {@code s} dB, white Gaussian
 * noise is added to the waveform before the front-end: {@code x'[t] = x[t] + sigma z[t]}, {@code sigma =
 * sqrt(P / 10^(s / 10))}, {@code P = mean_t x[t]^2} over the whole 1 s clip (a silent clip stays silent),
 * no clipping. {@code z} is deterministic: Box-Muller ({@link StrictMath}) on {@code
 * java.util.SplittableRandom(mix(seed, r))} with {@code r} the pair's 0-based data row in {@code
 * pairs.csv} (unique across splits) and {@code mix} the SplitMix64 finaliser of {@code seed + (r + 1)
 * 0x9E3779B97F4A7C15}. The same clip in two pairs gets two different noises. Images are never noised.
 *
 * <p><b>Image energy</b> ({@link Builder#optImageEnergy}, the AV-MNIST recipe): every split's images (in the unit
 * interval) are projected on the leading principal components that hold that fraction of the energy of the
 * <i>training</i> split's images as loaded (after {@code maxPairs} and {@code trainPairs}); see {@link ImagePca}.
 * The fit is done once per dataset folder and loader. The audio is never projected, so each degradation touches one
 * modality only.
 *
 * <p><b>Training pairs</b> ({@link Builder#optTrainPairs}): only the first {@code trainPairs} rows of the {@code
 * train} split are kept (after {@code maxPairs}), so that the training set can be small while the validation and
 * test splits keep every pair for tight estimates.
 *
 * <p><b>Feature cache</b> ({@link Builder#optCacheDir}): the audio features of a split are stored as
 * {@code av-mnist-tts-<split>-<front-end>-<key>.f32} (float32 little-endian, sample-major in split order)
 * with a JSON header {@code .json} holding the shape, the front-end's parameters, the SNR, the noise seed
 * and the SHA-256 of {@code manifest.sha256} and of {@code pairs.csv}; {@code key} is the first 16 hex
 * digits of the header's SHA-256. A change of any of these selects another entry, so a stale entry is
 * never used; an entry whose header or size does not match is recomputed. Both files are written
 * atomically. Delete the directory to reclaim space.
 */
public final class AvMnistTtsLoader {

    /** The image modality's name. */
    public static final String IMAGE = "image";
    /** The audio modality's name. */
    public static final String AUDIO = "audio";
    /** The number of classes (digits 0-9). */
    public static final int NUM_CLASSES = 10;
    /** The clips' sample rate in Hz. */
    public static final int SAMPLE_RATE = 16_000;
    /** The clips' length in samples (1 s). */
    public static final int CLIP_SAMPLES = 16_000;
    /** The split names of {@code pairs.csv}. */
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /** What to do when the dataset is missing or broken. */
    public static final String FIX = "build (or rebuild) the dataset with data-scripts/av-mnist-tts/build.sh"
            + " (contract: data.md section 3.2)";

    private static final String CACHE_FORMAT = "cmkd-feature-cache/1";
    private static final List<String> PAIR_COLUMNS = List.of("split", "image_set", "image_index", "label", "wav");
    private static final List<String> CLIP_COLUMNS = List.of("wav", "label");
    private static final List<String> IMAGE_SETS = List.of("train", "t10k");
    private static final int IMAGE_SIDE = 28;

    private final AudioFrontEnd frontEnd;
    private final Double snrDb;
    private final long noiseSeed;
    private final ImageNormalization imageNormalization;
    private final Path cacheDir;
    private final int maxPairs;
    private final int trainPairs;
    private final Double imageEnergy;
    private final Map<Path, ImagePca> projections = new ConcurrentHashMap<>();

    private AvMnistTtsLoader(Builder builder) {
        this.frontEnd = builder.frontEnd;
        this.snrDb = builder.snrDb;
        this.noiseSeed = builder.noiseSeed;
        this.imageNormalization = builder.imageNormalization;
        this.cacheDir = builder.cacheDir;
        this.maxPairs = builder.maxPairs;
        this.trainPairs = builder.trainPairs;
        this.imageEnergy = builder.imageEnergy;
    }

    /** Returns a builder; every option has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the shape of one audio sample, {@code (1, rows, frames)}. */
    public Shape audioShape() {
        return new Shape(1).addAll(frontEnd.outputShape(CLIP_SAMPLES));
    }

    /**
     * Loads split {@code split} ({@code train}, {@code val} or {@code test}) of the dataset at {@code root}.
     *
     * @throws DatasetException if a file is missing or a field is bad (the message names the file, the line,
     *     the field and the fix)
     * @throws IllegalArgumentException if {@code split} is not a known split name
     */
    public PairedSplit load(Path root, String split) {
        checkArgument(SPLITS.contains(split), "AvMnistTtsLoader.load: split '" + split + "' must be one of " + SPLITS);
        checkData(Files.isDirectory(root), "AV-MNIST-TTS root " + root + " is not a directory; fix: " + FIX);
        CsvFile pairs = CsvFile.read(root.resolve("pairs.csv"), PAIR_COLUMNS, FIX);
        List<Pair> all = new ArrayList<>();
        for (CsvFile.Row row : pairs.rows()) {
            all.add(new Pair(row, row.oneOf("split", SPLITS), row.oneOf("image_set", IMAGE_SETS),
                    row.integer("image_index", 0, Integer.MAX_VALUE), row.integer("label", 0, NUM_CLASSES),
                    wavPath(row)));
        }
        List<Pair> selected = kept(all, split);
        if (selected.isEmpty()) {
            Map<String, Long> counts = new TreeMap<>();
            all.forEach(p -> counts.merge(p.split, 1L, Long::sum));
            throw new DatasetException(String.format(Locale.ROOT,
                    "%s has no row with split '%s' (rows per split: %s); fix: %s", pairs.file(), split, counts, FIX));
        }
        Map<String, Idx.Images> images = new HashMap<>();
        Map<String, int[]> labels = new HashMap<>();
        for (Pair pair : selected) {
            checkImage(root, pair, images, labels);
        }
        checkClips(root, selected);

        float[] imageValues = images(selected, images);
        if (imageEnergy != null || imageNormalization == ImageNormalization.TRAIN_STANDARDIZED) {
            List<Pair> train = kept(all, "train");
            checkData(!train.isEmpty(), pairs.file() + " has no row with split 'train', needed for the image"
                    + " projection and statistics; fix: " + FIX);
            for (Pair pair : train) {
                checkImage(root, pair, images, labels);
            }
            float[] trainImages = images(train, images);
            float[] trainValues = trainImages;
            if (imageEnergy != null) {
                ImagePca pca = projections.computeIfAbsent(root.toAbsolutePath().normalize(),
                        r -> ImagePca.fit(trainImages, IMAGE_SIDE * IMAGE_SIDE, imageEnergy));
                imageValues = pca.apply(imageValues);
                trainValues = pca.apply(trainValues);
            }
            if (imageNormalization == ImageNormalization.TRAIN_STANDARDIZED) {
                standardize(imageValues, trainValues);
            }
        }
        float[] audioValues = audio(root, split, selected, pairs.file());
        int[] classes = selected.stream().mapToInt(p -> p.label).toArray();
        return new PairedSplit(split, List.of(IMAGE, AUDIO), List.of(imageValues, audioValues),
                List.of(new Shape(1, IMAGE_SIDE, IMAGE_SIDE), audioShape()), classes, NUM_CLASSES);
    }

    /** Returns the pairs of {@code split} that are kept: the first {@code maxPairs} ({@code trainPairs} for train). */
    private List<Pair> kept(List<Pair> all, String split) {
        int limit = split.equals("train") ? Math.min(maxPairs, trainPairs) : maxPairs;
        return all.stream().filter(p -> p.split.equals(split)).limit(limit).toList();
    }

    /**
     * Returns the image projection fitted on the training split of the dataset at {@code root} (loading it if no
     * split was loaded yet), or null without {@link Builder#optImageEnergy}.
     */
    public ImagePca imageProjection(Path root) {
        if (imageEnergy == null) {
            return null;
        }
        ImagePca pca = projections.get(root.toAbsolutePath().normalize());
        if (pca == null) {
            load(root, "train");
            pca = projections.get(root.toAbsolutePath().normalize());
        }
        return pca;
    }

    /** A row of pairs.csv. */
    private record Pair(CsvFile.Row row, String split, String imageSet, int imageIndex, int label, String wav) {}

    private static String wavPath(CsvFile.Row row) {
        String wav = row.text("wav");
        Path path = Path.of(wav);
        if (path.isAbsolute() || wav.contains("..") || !wav.endsWith(".wav")) {
            throw row.error("wav", wav, "a relative path of a .wav file inside the dataset (e.g. audio/3_spk002_0.wav)");
        }
        return wav;
    }

    private static void checkImage(Path root, Pair pair, Map<String, Idx.Images> images, Map<String, int[]> labels) {
        Idx.Images set = images.computeIfAbsent(pair.imageSet,
                s -> mnist(() -> Idx.readImages(root.resolve("mnist").resolve(s + "-images-idx3-ubyte"), FIX)));
        int[] setLabels = labels.computeIfAbsent(pair.imageSet, s -> {
            Path file = root.resolve("mnist").resolve(s + "-labels-idx1-ubyte");
            int[] read = mnist(() -> Idx.readLabels(file, FIX));
            checkData(read.length == set.count(), "%s: field 'count' is %d, but %s holds %d images; fix: %s", file,
                    read.length, set.file(), set.count(), FIX);
            return read;
        });
        checkData(set.rows() == IMAGE_SIDE && set.columns() == IMAGE_SIDE,
                "%s: field 'rows x cols' is %d x %d, expected 28 x 28; fix: %s", set.file(), set.rows(), set.columns(),
                FIX);
        if (pair.imageIndex >= set.count()) {
            throw pair.row.error("image_index", String.valueOf(pair.imageIndex),
                    "an integer in [0, " + set.count() + ") (images in " + set.file().getFileName() + ")");
        }
        int mnistLabel = setLabels[pair.imageIndex];
        if (mnistLabel != pair.label) {
            throw pair.row.error("label", String.valueOf(pair.label),
                    "the MNIST label " + mnistLabel + " of " + pair.imageSet + " image " + pair.imageIndex);
        }
    }

    /** Runs an MNIST read, turning a {@link FileFormatException} (its message names file, field and fix) into ours. */
    private static <T> T mnist(Supplier<T> read) {
        try {
            return read.get();
        } catch (FileFormatException e) {
            throw new DatasetException(e.getMessage(), e);
        }
    }

    private static void checkClips(Path root, List<Pair> selected) {
        CsvFile clips = CsvFile.read(root.resolve("clips.csv"), CLIP_COLUMNS, FIX);
        Map<String, Integer> clipLabels = new HashMap<>();
        for (CsvFile.Row row : clips.rows()) {
            clipLabels.put(row.text("wav"), row.integer("label", 0, NUM_CLASSES));
        }
        for (Pair pair : selected) {
            Integer clipLabel = clipLabels.get(pair.wav);
            if (clipLabel == null) {
                throw pair.row.error("wav", pair.wav, "a clip listed in " + clips.file());
            }
            if (clipLabel != pair.label) {
                throw pair.row.error("label", String.valueOf(pair.label),
                        "the label " + clipLabel + " that " + clips.file().getFileName() + " gives " + pair.wav);
            }
        }
    }

    private static float[] images(List<Pair> pairs, Map<String, Idx.Images> images) {
        int size = IMAGE_SIDE * IMAGE_SIDE;
        float[] values = new float[pairs.size() * size];
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            Idx.Images set = images.get(pair.imageSet);
            for (int j = 0; j < size; j++) {
                values[i * size + j] = set.pixel(pair.imageIndex, j / IMAGE_SIDE, j % IMAGE_SIDE) / 255f;
            }
        }
        return values;
    }

    private static void standardize(float[] values, float[] train) {
        double mean = 0;
        for (float v : train) {
            mean += v;
        }
        mean /= train.length;
        double squares = 0;
        for (float v : train) {
            squares += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(squares / train.length);
        checkData(std > 0, "the train split's images are constant (std 0): TRAIN_STANDARDIZED is undefined; fix: "
                + FIX);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((values[i] - mean) / std);
        }
    }

    private float[] audio(Path root, String split, List<Pair> selected, Path pairsFile) {
        int featureSize = Math.toIntExact(audioShape().size());
        int total = Math.multiplyExact(selected.size(), featureSize);
        FeatureCache cache = null;
        String stem = null;
        String header = null;
        if (cacheDir != null) {
            cache = new FeatureCache(cacheDir);
            header = cacheHeader(root, split, selected.size(), pairsFile);
            stem = String.format(Locale.ROOT, "av-mnist-tts-%s-%s-%s", split, frontEnd.name(),
                    Sha256.hex(header.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
            float[] cached = cache.load(stem, header, total);
            if (cached != null) {
                return cached;
            }
        }
        float[] values = new float[total];
        Map<String, float[]> clean = new ConcurrentHashMap<>();
        IntStream.range(0, selected.size()).parallel().forEach(i -> {
            Pair pair = selected.get(i);
            float[] feature = snrDb == null
                    ? clean.computeIfAbsent(pair.wav, wav -> frontEnd.compute(readClip(root, pair)))
                    : frontEnd.compute(addNoise(readClip(root, pair), snrDb, noiseSeed, pair.row.index()));
            System.arraycopy(feature, 0, values, i * featureSize, featureSize);
        });
        if (cache != null) {
            cache.store(stem, header, values);
        }
        return values;
    }

    private static float[] readClip(Path root, Pair pair) {
        Path file = root.resolve(pair.wav);
        float[] samples;
        try {
            samples = Wav.readMono16(file, SAMPLE_RATE);
        } catch (FileFormatException | UncheckedIOException e) {
            throw new DatasetException(String.format(Locale.ROOT, "%s line %d, field 'wav': %s; fix: %s",
                    root.resolve("pairs.csv"), pair.row.line(), e.getMessage(), FIX), e);
        }
        checkData(samples.length == CLIP_SAMPLES,
                "%s: field 'samples' is %d, expected exactly %d (1 s at 16 kHz), referenced by %s line %d; fix: %s",
                file, samples.length, CLIP_SAMPLES, root.resolve("pairs.csv"), pair.row.line(), FIX);
        return samples;
    }

    /**
     * Returns {@code signal} plus white Gaussian noise at {@code snrDb} dB, seeded by {@code (seed,
     * pairIndex)} (see the class comment); the input is not modified.
     */
    public static float[] addNoise(float[] signal, double snrDb, long seed, long pairIndex) {
        double power = 0;
        for (float x : signal) {
            power += (double) x * x;
        }
        power /= signal.length;
        float[] noisy = signal.clone();
        if (power == 0) {
            return noisy;
        }
        double sigma = Math.sqrt(power / Math.pow(10, snrDb / 10));
        SplittableRandom random = new SplittableRandom(BatchSource.mix64(seed + (pairIndex + 1) * 0x9E3779B97F4A7C15L));
        for (int t = 0; t < noisy.length; t += 2) {
            double u1 = 1 - random.nextDouble();
            double u2 = random.nextDouble();
            double radius = StrictMath.sqrt(-2 * StrictMath.log(u1));
            noisy[t] = (float) (noisy[t] + sigma * radius * StrictMath.cos(2 * Math.PI * u2));
            if (t + 1 < noisy.length) {
                noisy[t + 1] = (float) (noisy[t + 1] + sigma * radius * StrictMath.sin(2 * Math.PI * u2));
            }
        }
        return noisy;
    }

    private String cacheHeader(Path root, String split, int count, Path pairsFile) {
        Path manifest = root.resolve("manifest.sha256");
        checkData(Files.isRegularFile(manifest), "missing file " + manifest + " (it keys the feature cache); fix: "
                + FIX + ", or load without optCacheDir");
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", CACHE_FORMAT);
        header.put("dataset", "av-mnist-tts");
        header.put("split", split);
        header.put("modality", AUDIO);
        header.put("count", count);
        header.put("maxPairs", maxPairs == Integer.MAX_VALUE ? null : maxPairs);
        header.put("sampleShape", Arrays.stream(audioShape().getShape()).boxed().toList());
        header.put("dtype", "float32");
        header.put("byteOrder", "little-endian");
        header.put("layout", "sample-major, in the split's pairs.csv order");
        header.put("frontEnd", frontEnd.parameters());
        header.put("snrDb", snrDb);
        header.put("noiseSeed", snrDb == null ? null : noiseSeed);
        header.put("noise", snrDb == null ? null : "white Gaussian, P = mean x^2 per clip, Box-Muller on"
                + " SplittableRandom(splitmix64(seed + (pairsRow + 1) * 0x9E3779B97F4A7C15))");
        try {
            header.put("manifestSha256", Sha256.hex(Files.readAllBytes(manifest)));
            header.put("pairsSha256", Sha256.hex(Files.readAllBytes(pairsFile)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + manifest + " or " + pairsFile + ": " + e.getMessage(), e);
        }
        return FeatureCache.json(header);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AvMnistTtsLoader(%s, snr %s dB, seed %d, images %s, image energy %s,"
                + " cache %s, maxPairs %s, trainPairs %s)", frontEnd, snrDb == null ? "none" : snrDb, noiseSeed,
                imageNormalization, imageEnergy == null ? "all" : imageEnergy, cacheDir,
                maxPairs == Integer.MAX_VALUE ? "all" : maxPairs, trainPairs == Integer.MAX_VALUE ? "all" : trainPairs);
    }

    /** Builder in DJL's style; every option has a default. */
    public static final class Builder {

        private AudioFrontEnd frontEnd = LogMel.builder().build();
        private Double snrDb;
        private long noiseSeed = 20_251_125L;
        private ImageNormalization imageNormalization = ImageNormalization.UNIT_INTERVAL;
        private Path cacheDir;
        private int maxPairs = Integer.MAX_VALUE;
        private int trainPairs = Integer.MAX_VALUE;
        private Double imageEnergy;

        private Builder() {}

        /**
         * Optional: the audio front-end, at 16 kHz. Default {@code LogMel.builder().build()} (data.md section
         * 4); the linear log-STFT is e.g. {@code LogSpectrogram.builder().optSampleRate(16000).build()}.
         */
        public Builder optFrontEnd(AudioFrontEnd frontEnd) {
            this.frontEnd = frontEnd;
            return this;
        }

        /** Optional: add white noise at this SNR in dB (see the class comment). Default: no noise. */
        public Builder optSnrDb(double snrDb) {
            this.snrDb = snrDb;
            return this;
        }

        /** Optional: the noise seed. Default 20251125 (the builder's seed, data.md section 3.2; our choice). */
        public Builder optNoiseSeed(long noiseSeed) {
            this.noiseSeed = noiseSeed;
            return this;
        }

        /** Optional: image normalisation. Default {@link ImageNormalization#UNIT_INTERVAL}. */
        public Builder optImageNormalization(ImageNormalization imageNormalization) {
            this.imageNormalization = imageNormalization;
            return this;
        }

        /** Optional: cache audio features in this directory (created if needed). Default: no cache. */
        public Builder optCacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /** Optional: keep only the first {@code maxPairs} pairs of each split (small profiles). Default: all. */
        public Builder optMaxPairs(int maxPairs) {
            this.maxPairs = maxPairs;
            return this;
        }

        /**
         * Optional: keep only the first {@code trainPairs} pairs of the train split (after {@code maxPairs});
         * validation and test are not affected. Default: all.
         */
        public Builder optTrainPairs(int trainPairs) {
            this.trainPairs = trainPairs;
            return this;
        }

        /**
         * Optional: project every image on the leading principal components of the training images that keep this
         * fraction, in {@code (0, 1]}, of their energy ({@link ImagePca}). Default: images intact.
         */
        public Builder optImageEnergy(double imageEnergy) {
            this.imageEnergy = imageEnergy;
            return this;
        }

        public AvMnistTtsLoader build() {
            checkArgument(frontEnd != null, "AvMnistTtsLoader: frontEnd must not be null");
            checkArgument(frontEnd.sampleRate() == SAMPLE_RATE, "AvMnistTtsLoader: frontEnd sampleRate %d must be %d"
                    + " (AV-MNIST-TTS clips are 16 kHz); build it with optSampleRate(%d)", frontEnd.sampleRate(),
                    SAMPLE_RATE, SAMPLE_RATE);
            frontEnd.outputShape(CLIP_SAMPLES);
            checkArgument(snrDb == null || Double.isFinite(snrDb),
                    "AvMnistTtsLoader: snrDb " + snrDb + " must be finite");
            checkArgument(imageNormalization != null, "AvMnistTtsLoader: imageNormalization must not be null");
            checkArgument(maxPairs >= 1, "AvMnistTtsLoader: maxPairs " + maxPairs + " must be at least 1");
            checkArgument(trainPairs >= 1, "AvMnistTtsLoader: trainPairs " + trainPairs + " must be at least 1");
            checkArgument(imageEnergy == null || imageEnergy > 0 && imageEnergy <= 1, "AvMnistTtsLoader: imageEnergy "
                    + imageEnergy + " must lie in (0, 1]");
            return new AvMnistTtsLoader(this);
        }
    }
}
