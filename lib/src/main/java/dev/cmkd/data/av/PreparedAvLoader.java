package dev.cmkd.data.av;

import static dev.cmkd.data.Checks.checkArgument;
import static dev.cmkd.data.Checks.checkData;

import dev.cmkd.data.BatchSource;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.audio.Wav;
import dev.cmkd.data.FileFormatException;
import dev.cmkd.data.CsvFile;
import dev.cmkd.data.DatasetException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * Streams one split of a prepared audio-visual dataset (CREMA-D, AVE, VGGSound-50) as a {@link PairedSplit}
 * with the modalities {@code "audio"} ({@code 1 x bins x frames}, by the dataset's {@link AudioPipeline}) and
 * {@code "visual"} ({@code 3 x 224 x 224}, one frame by {@link FrameTransform}). Nothing but the file list is
 * held in memory: each batch reads, decodes and transforms its clips (in parallel), so a full dataset trains
 * in the memory of a few batches.
 *
 * <p><b>On-disk contract</b> under the prepared root ({@code data/<dataset>/prepared}, written by {@code
 * data-scripts/<dataset>/prepare.sh}):
 *
 * <pre>
 *   clips.csv             columns id,label,split,class (in any order, more allowed), one row per clip that
 *                         has frames and audio; label in [0, classes), split train|val|test, class the
 *                         label's name (one name per label; quoted if it holds a comma)
 *   frames/&lt;id&gt;/*.jpg     frames at 1 fps (at least one; sorted by name = time order), JPEG, RGB
 *   audio/&lt;id&gt;.wav        mono 16-bit PCM at the convention's rate (22,050 Hz CREMA-D, 16 kHz AVE and VGGSound)
 *   prepare.json          how it was prepared (not read)
 * </pre>
 *
 * Further columns of {@code clips.csv} are ignored. A split is its rows in file order (the first {@code
 * maxClips} if set).
 *
 * <p><b>Views.</b> The {@code train} split draws random views when augmentation is on (default): a random
 * frame, {@code RandomResizedCrop} and flip, and the audio pipeline's random crop (VGGSound). The randomness
 * of a sample is seeded by {@code (seed, sample index, modality, the batch's indices)}; the trainer's batches
 * depend only on the run's seed and the epoch, so a resumed run sees the same views as an uninterrupted one.
 * Other splits, and the training split with {@code optAugment(false)}, give the test view (middle frame, whole
 * frame resized, deterministic audio).
 */
public final class PreparedAvLoader {

    /** The split names of {@code clips.csv}. */
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /** The clip table's file name. */
    public static final String CLIPS = "clips.csv";

    private static final List<String> COLUMNS = List.of("id", "label", "split", "class");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");

    private final AvConvention convention;
    private final long seed;
    private final int maxClips;
    private final boolean augment;
    private final FrameTransform frames;

    private PreparedAvLoader(Builder builder) {
        this.convention = builder.convention;
        this.seed = builder.seed;
        this.maxClips = builder.maxClips;
        this.augment = builder.augment;
        this.frames = new FrameTransform(convention.frameSize());
    }

    /** Returns a builder; the convention is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens split {@code split} of the prepared dataset at {@code root}: reads {@code clips.csv} and checks
     * that every clip of the split has frames and audio (their contents are read batch by batch).
     *
     * @throws DatasetException if a file is missing or a field is bad (the message names the file, the line,
     *     the field and the fix)
     * @throws IllegalArgumentException if {@code split} is not a known split name
     */
    public PairedSplit load(Path root, String split) {
        checkArgument(SPLITS.contains(split), "PreparedAvLoader.load: split '" + split + "' must be one of " + SPLITS);
        String fix = convention.fix();
        checkData(Files.isDirectory(root), "prepared " + convention.name() + " dataset not found: " + root
                + " is not a directory; fix: " + fix);
        CsvFile table = CsvFile.read(root.resolve(CLIPS), COLUMNS, fix);
        Map<Integer, String> classNames = new HashMap<>();
        Map<String, Integer> perSplit = new TreeMap<>();
        List<Clip> clips = new ArrayList<>();
        for (CsvFile.Row row : table.rows()) {
            String id = row.text("id");
            if (!ID.matcher(id).matches()) {
                throw row.error("id", id, "a file name stem of letters, digits, '_', '-' and '.'");
            }
            int label = row.integer("label", 0, convention.numClasses());
            String className = row.text("class");
            String known = classNames.putIfAbsent(label, className);
            if (known != null && !known.equals(className)) {
                throw row.error("class", className, "'" + known + "', the class of label " + label + " on an"
                        + " earlier line");
            }
            String rowSplit = row.oneOf("split", SPLITS);
            perSplit.merge(rowSplit, 1, Integer::sum);
            if (rowSplit.equals(split) && clips.size() < maxClips) {
                clips.add(clip(root, table.file(), row, id, label));
            }
        }
        checkData(!clips.isEmpty(), "%s has no row with split '%s' (rows per split: %s); fix: %s", table.file(), split,
                perSplit, fix);
        int[] labels = clips.stream().mapToInt(Clip::label).toArray();
        boolean random = augment && split.equals("train");
        return PairedSplit.streamed(split, AvConvention.MODALITIES, convention.sampleShapes(), labels,
                convention.numClasses(), new Source(clips, random, table.file()));
    }

    /** A clip of the split: its {@code clips.csv} line, its label, its frames (sorted) and its WAV. */
    private record Clip(int line, int label, List<Path> frames, Path audio) {}

    private Clip clip(Path root, Path tableFile, CsvFile.Row row, String id, int label) {
        Path frameDir = root.resolve("frames").resolve(id);
        List<Path> frameFiles;
        try (Stream<Path> listing = Files.list(frameDir)) {
            frameFiles = listing.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException(String.format(Locale.ROOT, "%s line %d, field 'id': '%s' has no frame"
                    + " directory %s (%s); fix: %s", tableFile, row.line(), id, frameDir, e.getMessage(),
                    convention.fix()), e);
        }
        checkData(!frameFiles.isEmpty(), "%s line %d, field 'id': %s holds no .jpg frame; fix: %s", tableFile,
                row.line(), frameDir, convention.fix());
        Path audio = root.resolve("audio").resolve(id + ".wav");
        checkData(Files.isRegularFile(audio), "%s line %d, field 'id': missing audio file %s; fix: %s", tableFile,
                row.line(), audio, convention.fix());
        return new Clip(row.line(), label, frameFiles, audio);
    }

    /** Reads, decodes and transforms the clips of one split, batch by batch. */
    private final class Source implements PairedSplit.SampleSource {

        private final List<Clip> clips;
        private final boolean random;
        private final Path table;
        private final int audioSize;
        private final int visualSize;

        Source(List<Clip> clips, boolean random, Path table) {
            this.clips = clips;
            this.random = random;
            this.table = table;
            this.audioSize = Math.toIntExact(convention.audio().shape().size());
            this.visualSize = Math.toIntExact(convention.visualShape().size());
        }

        @Override
        public void fill(int modality, int[] indices, float[] into) {
            long batch = Arrays.hashCode(indices);
            IntStream.range(0, indices.length).parallel().forEach(i -> {
                Clip clip = clips.get(indices[i]);
                SplittableRandom views = random ? new SplittableRandom(mix(seed, indices[i], modality, batch)) : null;
                if (modality == 0) {
                    float[] feature = convention.audio().apply(readAudio(clip), views);
                    System.arraycopy(feature, 0, into, i * audioSize, audioSize);
                } else {
                    Path frame = clip.frames().get(FrameTransform.frameIndex(clip.frames().size(), views));
                    BufferedImage image = readFrame(clip, frame);
                    int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
                    frames.apply(rgb, image.getWidth(), image.getHeight(), views, into, i * visualSize);
                }
            });
        }

        @Override
        public boolean randomViews() {
            return random;
        }

        private float[] readAudio(Clip clip) {
            try {
                float[] samples = Wav.readMono16(clip.audio(), convention.audio().sampleRate());
                checkData(samples.length > 0, "%s: field 'samples' is 0 (an empty clip), listed on %s line %d; fix: %s",
                        clip.audio(), table, clip.line(), convention.fix());
                return samples;
            } catch (FileFormatException | UncheckedIOException e) {
                throw new DatasetException(String.format(Locale.ROOT, "%s (listed on %s line %d): %s; fix: %s",
                        clip.audio(), table, clip.line(), e.getMessage(), convention.fix()), e);
            }
        }

        private BufferedImage readFrame(Clip clip, Path frame) {
            BufferedImage image;
            try {
                image = ImageIO.read(frame.toFile());
            } catch (IOException e) {
                throw new DatasetException(String.format(Locale.ROOT, "%s (listed on %s line %d): not a readable"
                        + " JPEG (%s); fix: delete it and %s", frame, table, clip.line(), e.getMessage(),
                        convention.fix()), e);
            }
            checkData(image != null, "%s (listed on %s line %d): no image reader accepts it (not a baseline JPEG?);"
                    + " fix: delete it and %s", frame, table, clip.line(), convention.fix());
            return image;
        }
    }

    /** SplitMix64's finaliser over the four keys. */
    static long mix(long seed, long sample, long modality, long batch) {
        long z = seed;
        for (long key : new long[] {sample, modality, batch}) {
            z = BatchSource.mix64(z + (key + 1) * 0x9E3779B97F4A7C15L);
        }
        return z;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PreparedAvLoader(%s, seed %d, augment %s, maxClips %s, audio %s)",
                convention.name(), seed, augment, maxClips == Integer.MAX_VALUE ? "all" : maxClips,
                convention.audio().parameters());
    }

    /** Builder in DJL's style. */
    public static final class Builder {

        private AvConvention convention;
        private long seed;
        private int maxClips = Integer.MAX_VALUE;
        private boolean augment = true;

        private Builder() {}

        /** Required: the dataset's convention, e.g. {@link AvConvention#CREMA_D}. */
        public Builder setConvention(AvConvention convention) {
            this.convention = convention;
            return this;
        }

        /** Optional: the seed of the training views. Default 0 (the paper's seed; use the run's seed). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Optional: keep only the first {@code maxClips} clips of each split (small profiles). Default: all. */
        public Builder optMaxClips(int maxClips) {
            this.maxClips = maxClips;
            return this;
        }

        /** Optional: random training views (the paper's augmentation). Default true. */
        public Builder optAugment(boolean augment) {
            this.augment = augment;
            return this;
        }

        public PreparedAvLoader build() {
            checkArgument(convention != null,
                    "PreparedAvLoader: setConvention is required (e.g. AvConvention.CREMA_D)");
            checkArgument(maxClips >= 1, "PreparedAvLoader: maxClips " + maxClips + " must be at least 1");
            return new PreparedAvLoader(this);
        }
    }
}
