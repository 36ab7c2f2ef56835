package dev.cmkd.data.avmnist;

import static dev.cmkd.data.Checks.checkArgument;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.cmkd.cli.Cli;
import dev.cmkd.cli.Option;
import dev.cmkd.cli.Options;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.Sha256;
import dev.cmkd.results.ResultFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds AV-MNIST-TTS, the kit's embedded default dataset: real MNIST digits paired with the same digit
 * spoken by one of 143 synthetic voices (espeak-ng and flite, varied by sox), with speaker-disjoint
 * train, validation and test splits. The algorithm and its defaults are data.md's, section 3.2; the
 * build is deterministic for given tool versions.
 *
 * <pre>
 *   AvMnistTts.builder().setOutputDir(Path.of("data/av-mnist-tts")).build().run();
 * </pre>
 *
 * <p><b>Audio.</b> Every speaker ({@link Speaker}) says every digit word {@code reps} times; each clip is
 * one second of 16 kHz mono 16-bit PCM ({@link ClipFormat}) in {@code audio/<digit>_spk<NNN>_<rep>.wav}.
 *
 * <p><b>Pairs.</b> With one stream {@code new SplittableRandom(seed)}, each image in turn — the first
 * {@code nTrain} images of MNIST's training file (train), the next {@code nVal} of it (val), the first
 * {@code nTest} of t10k (test) — draws {@code nextInt(n)} among the {@code n} clips of its label whose
 * speaker is in its split, in {@code clips.csv} order (speaker, then digit, then rep).
 *
 * <p><b>Output layout</b> (the contract other code reads), under the output folder:
 * <pre>
 *   mnist/            train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte
 *   audio/            &lt;digit&gt;_spk&lt;NNN&gt;_&lt;rep&gt;.wav
 *   clips.csv         wav,label,speaker,split,engine,voice,pitch_shift_cents,speed,pitch,rep
 *   pairs.csv         split,image_set,image_index,label,wav
 *   build.json        parameters, counts, tool versions, MNIST checksums
 *   manifest.sha256   sha256sum format, for clips.csv, pairs.csv and every WAV
 * </pre>
 * In {@code clips.csv}, {@code split} is {@code train|val|test} ({@link Split}), {@code speed} is
 * espeak-ng's words per minute or flite's sox tempo factor (e.g. {@code 0.93}), {@code pitch} is
 * espeak-ng's pitch (empty for flite), {@code pitch_shift_cents} is flite's sox pitch shift (0 for
 * espeak-ng). In {@code pairs.csv}, {@code image_set} is {@code train} or {@code t10k} and {@code
 * image_index} the image's position in that IDX file.
 *
 * <p>Every file is written atomically; {@code manifest.sha256} is written last, so a folder without it is an
 * unfinished build ({@code AvMnistTtsTask.ensureDataset} builds when it is missing), and a build is up to date iff
 * {@code build.json} names the same parameters and {@link #verify} passes. An interrupted build simply runs again.
 */
public final class AvMnistTts {

    /** Folder of the four MNIST IDX files, under the output folder. */
    public static final String MNIST_DIR = "mnist";
    /** Folder of the clips, under the output folder. */
    public static final String AUDIO_DIR = "audio";
    /** The clip table. */
    public static final String CLIPS_CSV = "clips.csv";
    /** The pair table. */
    public static final String PAIRS_CSV = "pairs.csv";
    /** Parameters, counts and tool versions of the build. */
    public static final String BUILD_JSON = "build.json";
    /** SHA-256 manifest of clips.csv, pairs.csv and every WAV. */
    public static final String MANIFEST = "manifest.sha256";
    /** Header of {@link #CLIPS_CSV}. */
    public static final String CLIPS_HEADER = "wav,label,speaker,split,engine,voice,pitch_shift_cents,speed,pitch,rep";
    /** Header of {@link #PAIRS_CSV}. */
    public static final String PAIRS_HEADER = "split,image_set,image_index,label,wav";
    /** MNIST's training images. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** MNIST's training labels. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** MNIST's test images. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** MNIST's test labels. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** Default output folder, relative to the repository root. */
    public static final Path DEFAULT_OUTPUT = Path.of("data", "av-mnist-tts");

    private static final int FORMAT = 1;
    private static final String WORK_DIR = ".work";
    /** The fix that errors about the MNIST files name. */
    private static final String MNIST_FIX = "fetch MNIST with data-scripts/av-mnist-tts/build.sh";

    private final Path outputDir;
    private final Path mnistDir;
    private final int reps;
    private final int trainPairs;
    private final int valPairs;
    private final int testPairs;
    private final long seed;
    private final List<Speaker> speakers;
    private final boolean allSpeakers;
    private final int threads;
    private final boolean force;
    private final Consumer<String> progress;

    private AvMnistTts(Builder builder) {
        this.outputDir = builder.outputDir;
        this.mnistDir = builder.mnistDir != null ? builder.mnistDir : builder.outputDir.resolve(MNIST_DIR);
        this.reps = builder.reps;
        this.trainPairs = builder.trainPairs;
        this.valPairs = builder.valPairs;
        this.testPairs = builder.testPairs;
        this.seed = builder.seed;
        this.allSpeakers = builder.speakers == null;
        this.speakers = allSpeakers ? Speaker.ROSTER
                : Arrays.stream(builder.speakers).sorted().distinct().mapToObj(Speaker::of).collect(Collectors.toList());
        this.threads = builder.threads;
        this.force = builder.force;
        this.progress = builder.progress;
    }

    /** Returns a builder; only {@link Builder#setOutputDir} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** One clip: a row of {@code clips.csv}. */
    public record Clip(String wav, int label, Speaker speaker, int rep) {

        /** Returns the clip's split, its speaker's. */
        public Split split() {
            return speaker.split();
        }

        /** Returns the row of {@code clips.csv}. */
        public String csvRow() {
            boolean espeak = speaker.engine() == Speaker.Engine.ESPEAK_NG;
            return String.join(",", wav, Integer.toString(label), Integer.toString(speaker.index()),
                    split().csvName(), speaker.engine().csvName(), speaker.voice(),
                    Integer.toString(speaker.pitchShiftCents()),
                    espeak ? Integer.toString(speaker.speed(rep)) : speaker.tempo(label, rep),
                    espeak ? Integer.toString(speaker.pitch(rep)) : "", Integer.toString(rep));
        }
    }

    /** One image–clip pair: a row of {@code pairs.csv}. */
    public record Pair(Split split, String imageSet, int imageIndex, int label, String wav) {

        /** Returns the row of {@code pairs.csv}. */
        public String csvRow() {
            return String.join(",", split.csvName(), imageSet, Integer.toString(imageIndex), Integer.toString(label),
                    wav);
        }
    }

    /**
     * What a run did.
     *
     * @param outputDir the output folder
     * @param upToDate true if an identical, verified build was already there and nothing was done
     * @param clips number of clips
     * @param pairs number of pairs per split
     * @param fallbacks renditions whose batched espeak-ng call did not give ten segments
     *     ({@code spk<NNN>_r<rep>}), each then synthesised word by word
     * @param bytes total size of clips.csv, pairs.csv and the WAVs
     * @param seconds wall time of the run
     */
    public record Report(Path outputDir, boolean upToDate, int clips, Map<Split, Integer> pairs,
            List<String> fallbacks, long bytes, double seconds) {

        /** Returns the number of pairs over all splits. */
        public int totalPairs() {
            return pairs.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%s %s: %d clips, %d pairs (train %d, val %d, test %d), %d fallbacks, %.1f MB, %.1f s",
                    upToDate ? "up to date" : "built", outputDir, clips, totalPairs(), pairs.get(Split.TRAIN),
                    pairs.get(Split.VALIDATION), pairs.get(Split.TEST), fallbacks.size(), bytes / 1e6, seconds);
        }
    }

    /**
     * Returns the parameters as {@code build.json} records them, in {@code build.sh}'s syntax, e.g. {@code --reps 4
     * --train 6000 ...} ({@code kit build-data} itself takes {@code --reps=4 --train=6000 ...}).
     */
    public String arguments() {
        String arguments = String.format(Locale.ROOT, "--reps %d --train %d --val %d --test %d --seed %d", reps,
                trainPairs, valPairs, testPairs, seed);
        if (!allSpeakers) {
            arguments += " --speakers " + speakers.stream().map(s -> Integer.toString(s.index()))
                    .collect(Collectors.joining(","));
        }
        return arguments;
    }

    /** Returns the clips this build makes, in {@code clips.csv} order: speaker, then digit, then rep. */
    public List<Clip> clips() {
        List<Clip> clips = new ArrayList<>();
        for (Speaker speaker : speakers) {
            for (int digit = 0; digit < 10; digit++) {
                for (int rep = 0; rep < reps; rep++) {
                    clips.add(new Clip(speaker.wavPath(digit, rep), digit, speaker, rep));
                }
            }
        }
        return clips;
    }

    /**
     * Pairs images with clips (see the class comment): train images {@code [0, nTrain)} and val images
     * {@code [nTrain, nTrain + nVal)} of {@code trainLabels}, test images {@code [0, nTest)} of {@code
     * t10kLabels}, in this order, each drawing from one {@code SplittableRandom(seed)}.
     */
    public static List<Pair> pairs(List<Clip> clips, int[] trainLabels, int[] t10kLabels, int nTrain, int nVal,
            int nTest, long seed) {
        Map<Split, Map<Integer, List<Clip>>> candidates = clips.stream()
                .collect(Collectors.groupingBy(Clip::split, Collectors.groupingBy(Clip::label)));
        SplittableRandom random = new SplittableRandom(seed);
        List<Pair> pairs = new ArrayList<>(nTrain + nVal + nTest);
        pairRange(pairs, candidates, random, Split.TRAIN, "train", trainLabels, 0, nTrain);
        pairRange(pairs, candidates, random, Split.VALIDATION, "train", trainLabels, nTrain, nTrain + nVal);
        pairRange(pairs, candidates, random, Split.TEST, "t10k", t10kLabels, 0, nTest);
        return pairs;
    }

    private static void pairRange(List<Pair> pairs, Map<Split, Map<Integer, List<Clip>>> candidates,
            SplittableRandom random, Split split, String imageSet, int[] labels, int from, int to) {
        for (int index = from; index < to; index++) {
            int label = labels[index];
            checkArgument(label <= 9, "%s label %d of image %d is not a digit", imageSet, label, index);
            List<Clip> options = candidates.getOrDefault(split, Map.of()).getOrDefault(label, List.of());
            checkArgument(!options.isEmpty(),
                    "no clip of digit %d by a %s speaker: choose speakers with i mod 5 %s, or pair no %s images", label,
                    split.csvName(), split == Split.TEST ? "== 2" : split == Split.VALIDATION ? "== 4" : "in {0, 1, 3}",
                    split.csvName());
            Clip clip = options.get(random.nextInt(options.size()));
            pairs.add(new Pair(split, imageSet, index, label, clip.wav()));
        }
    }

    /** Returns whether {@code outputDir} holds a complete build of exactly these parameters and MNIST files. */
    public boolean isUpToDate() {
        Path json = outputDir.resolve(BUILD_JSON);
        if (!Files.isRegularFile(json) || !Files.isRegularFile(outputDir.resolve(MANIFEST))) {
            return false;
        }
        try {
            JsonObject build = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            if (build.get("format").getAsInt() != FORMAT || !arguments().equals(build.get("arguments").getAsString())
                    || !mnistChecksums().equals(build.get("mnist"))) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return verify(outputDir).ok();
    }

    /**
     * Builds the dataset into the output folder, or does nothing if {@link #isUpToDate()} (unless forced).
     * Needs espeak-ng, flite and sox on the PATH, and the four MNIST IDX files.
     */
    public Report run() {
        long start = System.nanoTime();
        int[] trainLabels = labels(TRAIN_IMAGES, TRAIN_LABELS, "train + val", trainPairs + valPairs);
        int[] t10kLabels = labels(TEST_IMAGES, TEST_LABELS, "test", testPairs);
        List<Clip> clips = clips();
        List<Pair> pairs = pairs(clips, trainLabels, t10kLabels, trainPairs, valPairs, testPairs, seed);
        if (!force && isUpToDate()) {
            return report(true, clips, pairs, readFallbacks(), Manifest.read(outputDir.resolve(MANIFEST)).keySet(),
                    start);
        }
        SpeechTools.requireAll();
        try {
            Files.deleteIfExists(outputDir.resolve(BUILD_JSON));
            Files.deleteIfExists(outputDir.resolve(MANIFEST));
            Path work = outputDir.resolve(WORK_DIR);
            ResultFiles.deleteRecursively(work);
            Files.createDirectories(work);
            Files.createDirectories(outputDir.resolve(AUDIO_DIR));

            Map<String, String> hashes = new LinkedHashMap<>();
            List<String> fallbacks = synthesise(work, hashes);

            hashes.put(CLIPS_CSV, writeCsv(CLIPS_CSV, CLIPS_HEADER, clips.stream().map(Clip::csvRow)));
            hashes.put(PAIRS_CSV, writeCsv(PAIRS_CSV, PAIRS_HEADER, pairs.stream().map(Pair::csvRow)));
            removeStaleAudio(clips);
            Report report = report(false, clips, pairs, fallbacks, hashes.keySet(), start);
            writeBytes(outputDir.resolve(BUILD_JSON),
                    buildJson(clips, pairs, fallbacks, report.seconds()).getBytes(StandardCharsets.UTF_8));
            ResultFiles.deleteRecursively(work);
            writeBytes(outputDir.resolve(MANIFEST), Manifest.format(hashes).getBytes(StandardCharsets.UTF_8));
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("AV-MNIST-TTS: could not build in " + outputDir + ": " + e.getMessage(), e);
        }
    }

    private List<String> synthesise(Path work, Map<String, String> hashes) {
        Synthesizer synthesizer = new Synthesizer(work, seed);
        int total = speakers.size() * reps;
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "av-mnist-tts");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Written>> futures = new ArrayList<>();
            for (Speaker speaker : speakers) {
                for (int rep = 0; rep < reps; rep++) {
                    int r = rep;
                    futures.add(pool.submit(() -> {
                        Synthesizer.Rendition rendition = synthesizer.render(speaker, r);
                        String[] digests = new String[10];
                        for (int digit = 0; digit < 10; digit++) {
                            byte[] wav = rendition.wavs()[digit];
                            writeBytes(outputDir.resolve(speaker.wavPath(digit, r)), wav);
                            digests[digit] = Sha256.hex(wav);
                        }
                        int n = done.incrementAndGet();
                        if (n == total || n % Math.max(1, total / 10) == 0) {
                            progress.accept(String.format(Locale.ROOT, "audio: %d/%d renditions (%d clips), %.1f s", n,
                                    total, n * 10, (System.nanoTime() - start) / 1e9));
                        }
                        return new Written(speaker, r, digests, rendition.fellBack());
                    }));
                }
            }
            List<String> fallbacks = new ArrayList<>();
            for (Future<Written> future : futures) {
                Written rendition = future.get();
                for (int digit = 0; digit < 10; digit++) {
                    hashes.put(rendition.speaker().wavPath(digit, rendition.rep()), rendition.digests()[digit]);
                }
                if (rendition.fellBack()) {
                    String name = String.format(Locale.ROOT, "spk%03d_r%d", rendition.speaker().index(), rendition.rep());
                    fallbacks.add(name);
                    progress.accept("fallback: " + name + " (" + rendition.speaker().voice()
                            + ") did not cut into ten words; synthesised word by word");
                }
            }
            return fallbacks;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("AV-MNIST-TTS: synthesis failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("AV-MNIST-TTS: interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The ten written clips of one rendition: their SHA-256 by digit. */
    private record Written(Speaker speaker, int rep, String[] digests, boolean fellBack) {}

    private String writeCsv(String name, String header, Stream<String> rows) {
        StringBuilder text = new StringBuilder(header).append('\n');
        rows.forEach(row -> text.append(row).append('\n'));
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        writeBytes(outputDir.resolve(name), bytes);
        return Sha256.hex(bytes);
    }

    /** Writes a file atomically ({@link ResultFiles#write}, which makes it rw-r--r-- like a download). */
    private static void writeBytes(Path target, byte[] bytes) {
        ResultFiles.write(target, path -> Files.write(path, bytes));
    }

    private void removeStaleAudio(List<Clip> clips) throws IOException {
        Set<Path> keep = clips.stream().map(clip -> outputDir.resolve(clip.wav()).toAbsolutePath().normalize())
                .collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(outputDir.resolve(AUDIO_DIR))) {
            for (Path file : files.collect(Collectors.toList())) {
                if (!keep.contains(file.toAbsolutePath().normalize())) {
                    Files.delete(file);
                }
            }
        }
    }

    private int[] labels(String imagesName, String labelsName, String what, int needed) {
        Path labelsFile = Idx.resolve(mnistDir, labelsName, MNIST_FIX);
        Path imagesFile = Idx.resolve(mnistDir, imagesName, MNIST_FIX);
        int[] labels = Idx.readLabels(labelsFile, MNIST_FIX);
        int images = Idx.count(imagesFile, MNIST_FIX);
        checkArgument(images == labels.length,
                "%s: field 'count' is %d but %s holds %d labels; the MNIST files do not belong together", imagesFile,
                images, labelsFile.getFileName(), labels.length);
        checkArgument(needed <= labels.length, "AvMnistTts: %s pairs %d exceed the %d images of %s", what, needed,
                labels.length, labelsFile.getFileName());
        return labels;
    }

    private JsonObject mnistChecksums() {
        JsonObject checksums = new JsonObject();
        for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            checksums.addProperty(name, Sha256.hex(Idx.resolve(mnistDir, name, MNIST_FIX)));
        }
        return checksums;
    }

    private String buildJson(List<Clip> clips, List<Pair> pairs, List<String> fallbacks, double seconds) {
        JsonObject json = new JsonObject();
        json.addProperty("dataset", "AV-MNIST-TTS");
        json.addProperty("format", FORMAT);
        json.addProperty("arguments", arguments());
        JsonObject parameters = new JsonObject();
        parameters.addProperty("reps", reps);
        parameters.addProperty("train", trainPairs);
        parameters.addProperty("val", valPairs);
        parameters.addProperty("test", testPairs);
        parameters.addProperty("seed", seed);
        JsonArray speakerList = new JsonArray();
        speakers.forEach(speaker -> speakerList.add(speaker.index()));
        parameters.add("speakers", speakerList);
        json.add("parameters", parameters);
        json.addProperty("splits", "speaker i: test iff i mod 5 == 2, val iff i mod 5 == 4, train otherwise");
        JsonObject tools = new JsonObject();
        SpeechTools.versions().forEach(tools::addProperty);
        json.add("tools", tools);
        json.add("mnist", mnistChecksums());
        JsonObject counts = new JsonObject();
        counts.addProperty("speakers", speakers.size());
        counts.addProperty("clips", clips.size());
        counts.addProperty("pairs", pairs.size());
        for (Split split : Split.values()) {
            JsonObject perSplit = new JsonObject();
            perSplit.addProperty("speakers", speakers.stream().filter(s -> s.split() == split).count());
            perSplit.addProperty("clips", clips.stream().filter(c -> c.split() == split).count());
            perSplit.addProperty("pairs", pairs.stream().filter(p -> p.split() == split).count());
            counts.add(split.csvName(), perSplit);
        }
        json.add("counts", counts);
        JsonArray fallbackList = new JsonArray();
        fallbacks.forEach(fallbackList::add);
        json.add("fallbacks", fallbackList);
        json.addProperty("threads", threads);
        json.addProperty("build_seconds", Math.round(seconds * 10) / 10.0);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n";
    }

    private List<String> readFallbacks() {
        try {
            JsonObject build = JsonParser.parseString(Files.readString(outputDir.resolve(BUILD_JSON))).getAsJsonObject();
            return build.getAsJsonArray("fallbacks").asList().stream().map(JsonElement::getAsString).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private Report report(boolean upToDate, List<Clip> clips, List<Pair> pairs, List<String> fallbacks,
            Set<String> files, long start) {
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            counts.put(split, (int) pairs.stream().filter(p -> p.split() == split).count());
        }
        long bytes = files.stream().mapToLong(name -> outputDir.resolve(name).toFile().length()).sum();
        return new Report(outputDir, upToDate, clips.size(), counts, List.copyOf(fallbacks), bytes,
                (System.nanoTime() - start) / 1e9);
    }

    /** Checks every file of {@code dir}'s {@code manifest.sha256}; a missing manifest is a failed check. */
    public static Manifest.Check verify(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return new Manifest.Check(0, List.of(MANIFEST + ": missing (the build did not finish)"));
        }
        return Manifest.check(dir, manifest);
    }

    /**
     * Like {@link #verify}, but throws if a file is missing or changed, naming the first such file and what
     * to do; returns the number of files checked otherwise.
     */
    public static int verifyOrThrow(Path dir) {
        Manifest.Check check = verify(dir);
        if (!check.ok()) {
            int more = check.problems().size() - 1;
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "AV-MNIST-TTS in %s does not verify: %s%s. The build is damaged or incomplete: rebuild it with"
                            + " data-scripts/av-mnist-tts/build.sh (about a minute)",
                    dir, check.problems().get(0), more > 0 ? " (and " + more + " more)" : ""));
        }
        return check.checked();
    }

    /** The builder's defaults, which the options of {@code kit build-data} below (each with its help) show and take. */
    private static final Builder DEFAULTS = new Builder();

    static final Option<Path> MNIST = Option.path("mnist", "the folder of the four MNIST IDX files (plain or .gz);"
            + " none: OUTPUT_DIR/mnist", null, null);
    static final Option<Integer> REPS = range("reps", 1, 1000, "renditions of each digit per speaker",
            DEFAULTS.reps);
    static final Option<Integer> TRAIN = range("train", 0, 60_000, "train pairs, the first images of MNIST's"
            + " training file", DEFAULTS.trainPairs);
    static final Option<Integer> VAL = range("val", 0, 60_000, "validation pairs, the next images of MNIST's"
            + " training file (train + val <= 60000)", DEFAULTS.valPairs);
    static final Option<Integer> TEST = range("test", 0, 10_000, "test pairs, the first images of MNIST's t10k"
            + " file", DEFAULTS.testPairs);
    static final Option<Long> SEED = new Option<>("seed", "integer", "the seed of word orders and pairing",
            DEFAULTS.seed, DEFAULTS.seed, text -> {
                try {
                    return Long.parseLong(text.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a whole number");
                }
            });
    static final Option<Speakers> SPEAKERS = new Option<>("speakers", "all|list of integers 0.."
            + (Speaker.ROSTER.size() - 1), "roster indices to build (e.g. 0,1,2,4 for a tiny build; splits and"
            + " prosody stay the full roster's)", Speakers.ALL, Speakers.ALL, Speakers::parse);
    static final Option<Integer> THREADS = range("threads", 1, 64, "renditions synthesised in parallel (default"
            + " min(2, cores))", DEFAULTS.threads);
    static final Option<Boolean> FORCE = Option.flag("force", "rebuild even if an identical, verified build is"
            + " there", false, false);
    static final Option<Boolean> VERIFY = Option.flag("verify", "only check OUTPUT_DIR against its "
            + MANIFEST + " (the other settings are not used)", false, false);

    /** The speakers of {@code kit build-data}: all of the roster, or some roster indices. */
    record Speakers(int[] indices) {

        /** All 143 speakers. */
        static final Speakers ALL = new Speakers(null);

        static Speakers parse(String text) {
            if (text.trim().equals("all")) {
                return ALL;
            }
            int last = Speaker.ROSTER.size() - 1;
            int[] indices = Arrays.stream(text.split(",")).map(String::trim).filter(item -> !item.isEmpty())
                    .mapToInt(item -> {
                        try {
                            int value = Integer.parseInt(item);
                            if (value >= 0 && value <= last) {
                                return value;
                            }
                        } catch (NumberFormatException e) {
                            // named below
                        }
                        throw new IllegalArgumentException(String.format(Locale.ROOT, "a list with '%s', not a"
                                + " roster index in [0, %d]", item, last));
                    }).toArray();
            checkArgument(indices.length > 0, "an empty list");
            return new Speakers(indices);
        }

        @Override
        public String toString() {
            return indices == null ? "all" : Arrays.stream(indices).mapToObj(Integer::toString)
                    .collect(Collectors.joining(","));
        }
    }

    /** A whole number in {@code [min, max]}. */
    private static Option<Integer> range(String key, int min, int max, String help, int defaultValue) {
        return new Option<>(key, "integer " + min + ".." + max, help, defaultValue, defaultValue, text -> {
            int value;
            try {
                value = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            checkArgument(value >= min && value <= max, "outside [%d, %d]", min, max);
            return value;
        });
    }

    /** Returns the options table of {@code kit build-data}. */
    static Options options() {
        return new Options("kit build-data", List.of(MNIST, REPS, TRAIN, VAL, TEST, SEED, SPEAKERS, THREADS, FORCE,
                VERIFY));
    }

    /**
     * Command line ({@code lib/bin/kit build-data}; {@code data-scripts/av-mnist-tts/build.sh} calls it):
     * <pre>
     *   AvMnistTts [OUTPUT_DIR] [--mnist=DIR] [--reps=N] [--train=N] [--val=N] [--test=N] [--seed=S]
     *              [--speakers=I,J,...] [--threads=N] [--force=true]
     *   AvMnistTts [OUTPUT_DIR] --verify=true
     *   AvMnistTts --help
     * </pre>
     * Settings may also come as {@code -Dfdcmkd.<key>=value}. OUTPUT_DIR defaults to {@code data/av-mnist-tts},
     * MNIST to {@code OUTPUT_DIR/mnist}. Exit code 0 on success, 1 on a failed build or check, 2 on a usage error
     * (an unknown key, a malformed value: one line, before any work).
     */
    public static void main(String[] args) {
        int status = run(args, System.getProperties());
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs {@code kit build-data} with {@code args} and the {@code fdcmkd.*} settings in {@code properties}, and
     * returns its exit status (0 done, 1 a failed build or check, 2 a usage error).
     */
    public static int run(String[] args, Properties properties) {
        try {
            return Cli.run(args, properties, positional -> options(), AvMnistTts::buildData);
        } catch (Failed e) {
            System.err.println("kit build-data: " + e.getCause().getMessage());
            if (Boolean.parseBoolean(properties.getProperty(Options.PREFIX + "debug", "false"))) {
                e.getCause().printStackTrace();
            }
            return 1;
        }
    }

    /** A build or check that failed (exit status 1), as opposed to a usage error (2). */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static void buildData(Settings settings, List<String> positional) {
        if (positional.size() > 1) {
            throw new Options.InvalidOption("kit build-data: more than one OUTPUT_DIR: " + positional
                    + "; fix: lib/bin/kit build-data [OUTPUT_DIR] [--key=value ...]");
        }
        Path output = positional.isEmpty() ? DEFAULT_OUTPUT : Path.of(positional.get(0));
        if (settings.get(VERIFY)) {
            try {
                int checked = verifyOrThrow(output);
                System.out.println("verified " + checked + " files of " + output + " against " + MANIFEST);
            } catch (RuntimeException e) {
                throw new Failed(e);
            }
            return;
        }
        int train = settings.get(TRAIN);
        int val = settings.get(VAL);
        if (train + val > 60_000) {
            throw new Options.InvalidOption(String.format(Locale.ROOT, "kit build-data: train %d + val %d = %d"
                    + " exceed MNIST's 60000 training images; fix: -D%sval=%d or less", train, val, train + val,
                    Options.PREFIX, 60_000 - train));
        }
        Builder builder = builder().setOutputDir(output).optMnistDir(settings.get(MNIST)).optReps(settings.get(REPS))
                .optTrainPairs(train).optValPairs(val).optTestPairs(settings.get(TEST)).optSeed(settings.get(SEED))
                .optThreads(settings.get(THREADS)).optForce(settings.get(FORCE)).optProgress(System.out::println);
        int[] speakers = settings.get(SPEAKERS).indices();
        if (speakers != null) {
            builder.optSpeakers(speakers);
        }
        AvMnistTts build = builder.build();
        try {
            System.out.println("AV-MNIST-TTS " + build.arguments() + " -> " + output);
            Report report = build.run();
            System.out.println(report);
        } catch (RuntimeException e) {
            throw new Failed(e);
        }
    }

    /** Builder in DJL's style: {@code set*} required, {@code opt*} optional; validated in {@link #build()}. */
    public static final class Builder {

        private Path outputDir;
        private Path mnistDir;
        private int reps = 4;
        private int trainPairs = 6000;
        private int valPairs = 1000;
        private int testPairs = 1000;
        private long seed = 20251125L;
        private int[] speakers;
        private int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private boolean force;
        private Consumer<String> progress = message -> { };

        private Builder() {}

        /** Required: the output folder (the kit's default is {@code data/av-mnist-tts}). */
        public Builder setOutputDir(Path dir) {
            this.outputDir = dir;
            return this;
        }

        /** Optional: the folder of the four MNIST IDX files (plain or {@code .gz}). Default {@code OUTPUT_DIR/mnist}. */
        public Builder optMnistDir(Path dir) {
            this.mnistDir = dir;
            return this;
        }

        /** Optional: renditions of each digit per speaker, at least 1. Default 4 (data.md's reference build). */
        public Builder optReps(int reps) {
            this.reps = reps;
            return this;
        }

        /** Optional: train pairs, the first images of MNIST's training file. Default 6,000 (data.md). */
        public Builder optTrainPairs(int n) {
            this.trainPairs = n;
            return this;
        }

        /** Optional: validation pairs, the next images of MNIST's training file. Default 1,000 (our choice). */
        public Builder optValPairs(int n) {
            this.valPairs = n;
            return this;
        }

        /** Optional: test pairs, the first images of MNIST's t10k file. Default 1,000 (data.md). */
        public Builder optTestPairs(int n) {
            this.testPairs = n;
            return this;
        }

        /** Optional: the seed of word orders and pairing. Default 20251125 (data.md). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Optional: build only these roster indices (0..142), e.g. for a tiny test build; their splits and
         * prosody stay those of the full roster. Default: all 143.
         */
        public Builder optSpeakers(int... indices) {
            this.speakers = indices.clone();
            return this;
        }

        /** Optional: renditions synthesised in parallel, at least 1. Default min(2, cores). */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Optional: rebuild even if an identical, verified build is there. Default false. */
        public Builder optForce(boolean force) {
            this.force = force;
            return this;
        }

        /** Optional: receives progress lines. Default: none. */
        public Builder optProgress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        public AvMnistTts build() {
            checkArgument(outputDir != null, "AvMnistTts: call setOutputDir(dir)");
            check("reps", reps, 1, 1000);
            check("trainPairs", trainPairs, 0, 60_000);
            check("valPairs", valPairs, 0, 60_000 - trainPairs);
            check("testPairs", testPairs, 0, 10_000);
            check("threads", threads, 1, 64);
            if (speakers != null) {
                checkArgument(speakers.length > 0, "AvMnistTts: speakers must not be empty");
                for (int index : speakers) {
                    check("speaker", index, 0, Speaker.ROSTER.size() - 1);
                }
            }
            checkArgument(progress != null, "AvMnistTts: progress must not be null");
            return new AvMnistTts(this);
        }

        private static void check(String name, long value, long min, long max) {
            checkArgument(value >= min && value <= max, "AvMnistTts: %s %d outside [%d, %d]", name, value, min, max);
        }
    }
}
