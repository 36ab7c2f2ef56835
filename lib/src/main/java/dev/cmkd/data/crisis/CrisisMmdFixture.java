package dev.cmkd.data.crisis;

import dev.cmkd.data.av.PreparedFixture;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * A tiny <em>synthetic</em> stand-in for CrisisMMD v2.0 (no real tweet or picture), for tests and smoke runs:
 * in the raw download format ({@link #writeDownload}: {@code CrisisMMD_v2.0.tar.gz} with {@code
 * data_image/<event>/<date>/<image_id>.jpg}, and the two split zips with the official TSV columns) or directly
 * in the prepared layout of {@link CrisisMmdLoader} ({@link #writePrepared}).
 *
 * <p>Sample {@code k} of class {@code c}: a JPEG of a class colour plus uniform noise, of a size between
 * 24 and 48 px per side; a tweet naming the class in words, with a user mention, a link and (every third
 * sample) an emoji, so that both modalities carry the label. The raw format adds the cases the preparation
 * must handle: an exact duplicate row, a tweet with two images, an image in both train and test, a tweet
 * holding a tab, HTML entities and an emoji with a skin-tone modifier ({@link #FIRST_TWEET}).
 */
public final class CrisisMmdFixture {

    /** The TSV header of the official {@code crisismmd_datasplit_all} files. */
    public static final String ALL_HEADER =
            "event_name\ttweet_id\timage_id\ttweet_text\timage\tlabel\tlabel_text\tlabel_image\tlabel_text_image";
    /** The text of the first training row of the raw fixture. */
    public static final String FIRST_TWEET =
            "RT @KHOU: Flooding in #Houston &amp; more https://t.co/abc123 \uD83D\uDE02\uD83D\uDE4F\uD83C\uDFFD";
    /** {@link #FIRST_TWEET} after the preparation's normalisation. */
    public static final String FIRST_TWEET_NORMALISED =
            "RT @USER: Flooding in #Houston & more HTTPURL :face_with_tears_of_joy: :person_with_folded_hands:";

    private static final String[] EVENTS = {"hurricane_harvey", "california_wildfires"};
    private static final String[] EMOJI = {"\uD83D\uDE22", "\u2764\uFE0F", "\uD83C\uDF0A"};

    /**
     * One synthetic pair.
     *
     * @param event the event name
     * @param tweetId the tweet id
     * @param imageId the image id
     * @param text the raw tweet
     * @param label the class name
     * @param index the sample's number, seeding its picture
     */
    public record Sample(String event, String tweetId, String imageId, String text, String label, int index) {

        /** The image's path inside {@code CrisisMMD_v2.0/}. */
        public String imagePath() {
            return "data_image/" + event + "/27_8_2017/" + imageId + ".jpg";
        }
    }

    private CrisisMmdFixture() {}

    /**
     * Returns the samples of a split: {@code perClass} per class, class-major, numbered from {@code first}.
     */
    public static List<Sample> samples(int perClass, int first) {
        List<Sample> samples = new ArrayList<>();
        for (int c = 0; c < CrisisMmdLoader.CLASSES.size(); c++) {
            String label = CrisisMmdLoader.CLASSES.get(c);
            for (int k = 0; k < perClass; k++) {
                int index = first + samples.size();
                String tweetId = String.valueOf(900_000_000_000_000_000L + index);
                String text = String.format(Locale.ROOT, "@reporter%d %s update number %d https://t.co/x%d%s", index,
                        label.replace('_', ' '), k, index, index % 3 == 0 ? " " + EMOJI[index % EMOJI.length] : "");
                samples.add(new Sample(EVENTS[index % EVENTS.length], tweetId, tweetId + "_0", text, label, index));
            }
        }
        return samples;
    }

    /**
     * Writes the raw download ({@code CrisisMMD_v2.0.tar.gz}, {@code crisismmd_datasplit_all.zip}, {@code
     * crisismmd_datasplit_agreed_label.zip}) into {@code downloadDir}, with {@code perClass} samples per class
     * in train and half as many (at least 1) in dev and test, plus the special cases of the class comment.
     * Calls {@code tar}.
     */
    public static void writeDownload(Path downloadDir, int perClass) {
        List<Sample> train = new ArrayList<>(samples(perClass, 0));
        List<Sample> dev = samples(Math.max(1, perClass / 2), train.size());
        List<Sample> test = samples(Math.max(1, perClass / 2), train.size() + dev.size());
        Sample first = train.get(0);
        train.set(0, new Sample(first.event(), first.tweetId(), first.imageId(), FIRST_TWEET, first.label(), 0));
        Sample second = train.get(1);
        train.add(new Sample(second.event(), second.tweetId(), second.tweetId() + "_1", second.text(), second.label(),
                10_000));                                                             // a tweet with two images
        train.add(train.get(2));                                                      // an exact duplicate row
        train.add(test.get(0));                                                       // an image also in test
        Sample third = train.get(3);
        train.set(3, new Sample(third.event(), third.tweetId(), third.imageId(), "storm\tsurge " + third.text(),
                third.label(), third.index()));                                      // a tab inside the tweet
        try {
            Path work = Files.createTempDirectory("crisismmd-fixture");
            Path dataset = work.resolve("CrisisMMD_v2.0");
            for (List<Sample> split : List.of(train, dev, test)) {
                for (Sample sample : split) {
                    writeImage(sample, dataset.resolve(sample.imagePath()));
                }
            }
            Files.writeString(dataset.resolve("Readme.txt"), "synthetic CrisisMMD fixture (kit tests)\n");
            Files.createDirectories(downloadDir);
            Process tar = new ProcessBuilder("tar", "-czf", downloadDir.resolve("CrisisMMD_v2.0.tar.gz").toString(),
                    "-C", work.toString(), "CrisisMMD_v2.0").inheritIO().start();
            if (tar.waitFor() != 0) {
                throw new IOException("tar failed with exit code " + tar.exitValue());
            }
            writeZip(downloadDir.resolve("crisismmd_datasplit_all.zip"), "crisismmd_datasplit_all/",
                    "task_humanitarian_text_img_%s.tsv", ALL_HEADER, train, dev, test, false);
            writeZip(downloadDir.resolve("crisismmd_datasplit_agreed_label.zip"), "crisismmd_datasplit_agreed_label/",
                    "task_humanitarian_text_img_agreed_lab_%s.tsv",
                    "event_name\ttweet_id\timage_id\ttweet_text\timage\tlabel_text\tlabel_image", train, dev, test,
                    true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CrisisMMD fixture into " + downloadDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the CrisisMMD fixture", e);
        }
    }

    /** The file that marks a prepared folder as made from this stand-in (its rows are then labelled SYNTHETIC). */
    public static final String MARKER = "SYNTHETIC";

    /** Marks the prepared folder {@code prepared} as made from this stand-in ({@link #isSynthetic}). */
    public static void markSynthetic(Path prepared) {
        try {
            Files.createDirectories(prepared);
            Files.writeString(prepared.resolve(MARKER), "prepared from the synthetic CrisisMMD stand-in"
                    + " (dev.cmkd.data.crisis.CrisisMmdFixture), not from CrisisMMD\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + prepared.resolve(MARKER), e);
        }
    }

    /** Returns whether the prepared folder {@code prepared} was made from this stand-in ({@link #markSynthetic}). */
    public static boolean isSynthetic(Path prepared) {
        return Files.isRegularFile(prepared.resolve(MARKER));
    }

    /**
     * Writes the prepared layout of {@link CrisisMmdLoader} into {@code root}: {@code perClass} samples per
     * class in train, half as many (at least 1) in val and test, tweets already normalised.
     */
    public static void writePrepared(Path root, int perClass) {
        List<Sample> train = samples(perClass, 0);
        List<Sample> val = samples(Math.max(1, perClass / 2), train.size());
        List<Sample> test = samples(Math.max(1, perClass / 2), train.size() + val.size());
        String[] names = {"train", "val", "test"};
        List<List<Sample>> splits = List.of(train, val, test);
        for (int s = 0; s < 3; s++) {
            StringBuilder csv = new StringBuilder(String.join(",", CrisisMmdLoader.COLUMNS)).append('\n');
            for (Sample sample : splits.get(s)) {
                writeImage(sample, root.resolve("images").resolve(sample.imageId() + ".jpg"));
                String text = sample.text().replaceAll("@\\w+", "@USER").replaceAll("https://\\S+", "HTTPURL")
                        .replace(EMOJI[0], ":crying_face:").replace(EMOJI[1], ":heavy_black_heart:")
                        .replace(EMOJI[2], ":water_wave:");
                csv.append(String.join(",", sample.imageId(), sample.tweetId(), sample.event(),
                        "images/" + sample.imageId() + ".jpg", "\"" + text + "\"", sample.label())).append('\n');
            }
            try {
                Files.createDirectories(root);
                Files.writeString(root.resolve(names[s] + ".csv"), csv, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + root.resolve(names[s] + ".csv"), e);
            }
        }
        markSynthetic(root);
    }

    private static void writeZip(Path zip, String folder, String pattern, String header, List<Sample> train,
            List<Sample> dev, List<Sample> test, boolean agreed) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            String[] suffixes = {"train", "dev", "test"};
            List<List<Sample>> splits = List.of(train, dev, test);
            for (int s = 0; s < 3; s++) {
                StringBuilder tsv = new StringBuilder(header).append('\n');
                for (Sample sample : splits.get(s)) {
                    String common = String.join("\t", sample.event(), sample.tweetId(), sample.imageId(),
                            sample.text(), sample.imagePath());
                    String labels = agreed ? sample.label() + "\t" + sample.label()
                            : String.join("\t", sample.label(), sample.label(), sample.label(), "Positive");
                    tsv.append(common).append('\t').append(labels).append('\n');
                }
                out.putNextEntry(new ZipEntry(folder + String.format(Locale.ROOT, pattern, suffixes[s])));
                out.write(tsv.toString().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }

    private static void writeImage(Sample sample, Path file) {
        int c = CrisisMmdLoader.CLASSES.indexOf(sample.label());
        SplittableRandom random = new SplittableRandom(sample.index());
        int width = 24 + random.nextInt(25);
        int height = 24 + random.nextInt(25);
        int base = ((c * 97) % 256) << 16 | ((c * 53 + 80) % 256) << 8 | (c * 31 + 160) % 256;
        BufferedImage image = PreparedFixture.noisyImage(width, height, base, random);
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                if (!ImageIO.write(image, "jpg", out)) {
                    throw new IOException("no JPEG writer in javax.imageio");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
