package dev.cmkd.data.crisis;

import static dev.cmkd.data.Checks.checkArgument;
import static dev.cmkd.data.Checks.checkData;

import dev.cmkd.data.CsvFile;
import dev.cmkd.data.DatasetException;
import dev.cmkd.data.Npy;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loads CrisisMMD v2.0 (humanitarian task, 8 classes) as prepared by {@code data-scripts/crisismmd/prepare.sh}:
 * image and tweet pairs in the official train / dev / test split (dev is the kit's {@code val}).
 *
 * <p><b>On-disk contract</b> under {@code root} (data-scripts/crisismmd/README.md):
 *
 * <pre>
 *   train.csv, val.csv, test.csv   image_id,tweet_id,event_name,image,text,label    (UTF-8, RFC 4180 quoting)
 *   images/&lt;image_id&gt;.jpg          RGB JPEG, shorter side at most 256 px
 *   summary.json, dropped.csv      what the preparation kept and dropped (not read here)
 *   text-features/{train,val,test}.npy   optional: pretrained text features, one row per CSV row, in order
 * </pre>
 *
 * {@code image} is the picture's path relative to {@code root}; {@code text} the normalised tweet (users
 * {@code @USER}, links {@code HTTPURL}, emoji {@code :name:}); {@code label} one of {@link #CLASSES}, whose
 * index is the class id.
 *
 * <p><b>Text.</b> By default tweets become token ids: {@link TweetTokenizer}, then a {@link Vocabulary} built
 * from the <em>training</em> split only ({@code minCount} default 2, no size limit), first {@code maxLength}
 * tokens (default 50), padded with 0. With {@link Builder#optTextFeatures} the text side is instead the rows
 * of {@code <dir>/<split>.npy} (float32 or float64, shape {@code [rows of the split's CSV, E]}), e.g.
 * sentence embeddings a user computed elsewhere.
 *
 * <p><b>Images.</b> {@link ImageTransform#training} (RandomResizedCrop + flip) for the training split, {@link
 * ImageTransform#evaluation} (resize) for validation and test; side {@code S} default 224 (the paper's).
 */
public final class CrisisMmdLoader {

    /** The image modality's name. */
    public static final String IMAGE = "image";
    /** The text modality's name. */
    public static final String TEXT = "text";
    /**
     * The humanitarian classes in class-id order: alphabetical, the order of the Hugging Face mirror
     * QCRI/CrisisMMD.
     */
    public static final List<String> CLASSES = List.of("affected_individuals", "infrastructure_and_utility_damage",
            "injured_or_dead_people", "missing_or_found_people", "not_humanitarian", "other_relevant_information",
            "rescue_volunteering_or_donation_effort", "vehicle_damage");
    /** The kit's split names (the official {@code dev} split is {@code val}). */
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /** What to do when the dataset is missing or broken. */
    public static final String FIX = "prepare the dataset with data-scripts/crisismmd/download.sh and then"
            + " data-scripts/crisismmd/prepare.sh (layout: data-scripts/crisismmd/README.md)";
    /** The columns every split file must have. */
    public static final List<String> COLUMNS = List.of("image_id", "tweet_id", "event_name", "image", "text", "label");

    private final int imageSize;
    private final int maxLength;
    private final int minCount;
    private final int maxVocabulary;
    private final Path textFeatures;
    private final int maxRows;
    private final long augmentationSeed;

    private CrisisMmdLoader(Builder builder) {
        this.imageSize = builder.imageSize;
        this.maxLength = builder.maxLength;
        this.minCount = builder.minCount;
        this.maxVocabulary = builder.maxVocabulary;
        this.textFeatures = builder.textFeatures;
        this.maxRows = builder.maxRows;
        this.augmentationSeed = builder.augmentationSeed;
    }

    /** Returns a builder; every option has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The three splits and, for token inputs, the vocabulary (null with pretrained features).
     *
     * @param train the training split (augmented)
     * @param validation the validation split (the official dev split)
     * @param test the test split
     * @param vocabulary the training split's vocabulary, or null
     */
    public record Dataset(CrisisMmdSplit train, CrisisMmdSplit validation, CrisisMmdSplit test, Vocabulary vocabulary) {}

    /** One CSV row. */
    private record Row(int line, Path image, String text, int label) {}

    /**
     * Loads the three splits of the prepared dataset at {@code root}.
     *
     * @throws DatasetException if a file is missing or a field is bad (the message names the file, the line,
     *     the field and the fix)
     */
    public Dataset load(Path root) {
        checkData(Files.isDirectory(root), "CrisisMMD root " + root + " is not a directory; fix: " + FIX);
        List<List<Row>> rows = new ArrayList<>();
        List<Integer> csvRows = new ArrayList<>();
        for (String split : SPLITS) {
            List<Row> all = read(root, split);
            csvRows.add(all.size());
            rows.add(all.subList(0, Math.min(maxRows, all.size())));
        }
        Vocabulary vocabulary = null;
        if (textFeatures == null) {
            vocabulary = Vocabulary.build(rows.get(0).stream().map(r -> TweetTokenizer.tokens(r.text)).toList(),
                    minCount, maxVocabulary);
        }
        List<CrisisMmdSplit> splits = new ArrayList<>();
        for (int s = 0; s < SPLITS.size(); s++) {
            splits.add(split(root, SPLITS.get(s), rows.get(s), csvRows.get(s), vocabulary, s == 0));
        }
        return new Dataset(splits.get(0), splits.get(1), splits.get(2), vocabulary);
    }

    private List<Row> read(Path root, String split) {
        CsvFile csv = CsvFile.read(root.resolve(split + ".csv"), COLUMNS, FIX);
        List<Row> rows = new ArrayList<>();
        for (CsvFile.Row row : csv.rows()) {
            String image = row.text("image");
            Path file = root.resolve(image).normalize();
            if (Path.of(image).isAbsolute() || !file.startsWith(root.normalize())) {
                throw row.error("image", image, "a path inside the dataset folder (e.g. images/<image_id>.jpg)");
            }
            if (!Files.isRegularFile(file)) {
                throw row.error("image", image, "an existing file (" + file + " is missing)");
            }
            rows.add(new Row(row.line(), file, row.text("text"), CLASSES.indexOf(row.oneOf("label", CLASSES))));
        }
        checkData(!rows.isEmpty(), csv.file() + " has no data row; fix: " + FIX);
        return rows;
    }

    private CrisisMmdSplit split(Path root, String name, List<Row> rows, int csvRows, Vocabulary vocabulary,
            boolean training) {
        float[] text;
        Shape textShape;
        if (vocabulary != null) {
            text = new float[rows.size() * maxLength];
            for (int i = 0; i < rows.size(); i++) {
                int[] ids = vocabulary.encode(TweetTokenizer.tokens(rows.get(i).text), maxLength);
                for (int j = 0; j < maxLength; j++) {
                    text[i * maxLength + j] = ids[j];
                }
            }
            textShape = new Shape(maxLength);
        } else {
            Path file = textFeatures.resolve(name + ".npy");
            String fix = "write " + file + " as a float32 array [rows of " + name + ".csv, features] in the CSV's"
                    + " row order (numpy.save), see data-scripts/crisismmd/README.md";
            Npy.Matrix features = Npy.readMatrix(file, fix);
            checkData(features.rows() == csvRows, "%s: field 'shape' has %d rows, but %s.csv has %d data rows; fix: %s",
                    file, features.rows(), name, csvRows, fix);
            text = Arrays.copyOf(features.values(), rows.size() * features.columns());
            textShape = new Shape(features.columns());
        }
        ImageTransform transform = training ? ImageTransform.training(imageSize) : ImageTransform.evaluation(imageSize);
        return new CrisisMmdSplit(name, root.resolve(name + ".csv"), rows.stream().mapToInt(Row::line).toArray(),
                rows.stream().map(Row::image).toArray(Path[]::new), text, textShape,
                rows.stream().mapToInt(Row::label).toArray(), transform, augmentationSeed);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CrisisMmdLoader(image %d px, %s, rows %s, augmentation seed %d)", imageSize,
                textFeatures == null ? "tokens: max length " + maxLength + ", min count " + minCount
                        + (maxVocabulary == 0 ? "" : ", max vocabulary " + maxVocabulary)
                        : "text features from " + textFeatures,
                maxRows == Integer.MAX_VALUE ? "all" : "first " + maxRows, augmentationSeed);
    }

    /** Builder: every option has a default. */
    public static final class Builder {

        private int imageSize = 224;
        private int maxLength = 50;
        private int minCount = 2;
        private int maxVocabulary;
        private Path textFeatures;
        private int maxRows = Integer.MAX_VALUE;
        private long augmentationSeed;

        private Builder() {}

        /** Optional: the image side {@code S}. Default 224 (the paper's visual input). */
        public Builder optImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /**
         * Optional: tokens kept per tweet. Default 50 (our choice: a tweet of at most 280 characters rarely
         * has more words).
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Optional: the least count of a training token to get its own id. Default 2 (our choice). */
        public Builder optMinCount(int minCount) {
            this.minCount = minCount;
            return this;
        }

        /** Optional: the largest vocabulary, special tokens included; 0 = no limit (default). */
        public Builder optMaxVocabulary(int maxVocabulary) {
            this.maxVocabulary = maxVocabulary;
            return this;
        }

        /**
         * Optional: a folder with {@code train.npy}, {@code val.npy}, {@code test.npy} of pretrained text
         * features to use instead of token ids. Default none.
         */
        public Builder optTextFeatures(Path textFeatures) {
            this.textFeatures = textFeatures;
            return this;
        }

        /** Optional: keep only the first {@code maxRows} rows of each split (smoke runs). Default all. */
        public Builder optMaxRows(int maxRows) {
            this.maxRows = maxRows;
            return this;
        }

        /** Optional: the seed of the training split's augmentation. Default 0. */
        public Builder optAugmentationSeed(long augmentationSeed) {
            this.augmentationSeed = augmentationSeed;
            return this;
        }

        public CrisisMmdLoader build() {
            checkArgument(imageSize >= 8 && maxLength >= 1 && minCount >= 1 && maxVocabulary >= 0 && maxRows >= 1,
                    "CrisisMmdLoader: need optImageSize (%d) >= 8, optMaxLength (%d) >= 1, optMinCount (%d) >= 1,"
                            + " optMaxVocabulary (%d) >= 0, optMaxRows (%d) >= 1", imageSize, maxLength, minCount,
                    maxVocabulary, maxRows);
            return new CrisisMmdLoader(this);
        }
    }
}
