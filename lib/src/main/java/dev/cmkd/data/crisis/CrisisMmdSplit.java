package dev.cmkd.data.crisis;

import static dev.cmkd.data.Checks.checkData;

import dev.cmkd.data.DatasetException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.Batch;
import dev.cmkd.data.BatchSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * One split of prepared CrisisMMD (see {@link CrisisMmdLoader}): the text side held in memory (token ids or
 * pretrained features), the images read from disk batch by batch, decoded with {@code javax.imageio} and
 * transformed (augmented in the training split). Modalities, in this order: {@value CrisisMmdLoader#IMAGE}
 * ({@code 3 x S x S}) and {@value CrisisMmdLoader#TEXT} ({@code L} token ids as floats, or {@code E}
 * features).
 *
 * <p>The augmentation of sample {@code i} at epoch {@code e} draws from {@code SplittableRandom(h(seed, e,
 * i))} ({@link BatchSource#sampleSeed}), so it depends on nothing else (batch order, threads, resume).
 */
public final class CrisisMmdSplit implements BatchSource {

    private final String name;
    private final Path csv;
    private final int[] lines;
    private final Path[] images;
    private final float[] text;
    private final Shape textShape;
    private final int[] labels;
    private final ImageTransform transform;
    private final long seed;

    CrisisMmdSplit(String name, Path csv, int[] lines, Path[] images, float[] text, Shape textShape, int[] labels,
            ImageTransform transform, long seed) {
        this.name = name;
        this.csv = csv;
        this.lines = lines;
        this.images = images;
        this.text = text;
        this.textShape = textShape;
        this.labels = labels;
        this.transform = transform;
        this.seed = seed;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    /** Returns the number of classes (8). */
    public int numClasses() {
        return CrisisMmdLoader.CLASSES.size();
    }

    /** Returns the shape of one sample of modality {@code m}: {@code (3, S, S)} or the text's shape. */
    public Shape sampleShape(int m) {
        return m == 0 ? new Shape(3, transform.size(), transform.size()) : textShape;
    }

    /** Returns the label of sample {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** Returns the image transform of this split. */
    public ImageTransform transform() {
        return transform;
    }

    /** The training split's pictures are randomly cropped and flipped. */
    @Override
    public boolean randomViews() {
        return transform.isTraining();
    }

    @Override
    public Batch batch(NDManager manager, int[] indices, int epoch) {
        int imageSize = Math.toIntExact(sampleShape(0).size());
        int textSize = Math.toIntExact(textShape.size());
        float[] pixels = new float[indices.length * imageSize];
        float[] words = new float[indices.length * textSize];
        IntStream.range(0, indices.length).parallel().forEach(i -> {
            int sample = indices[i];
            SplittableRandom random = transform.isTraining() ? new SplittableRandom(BatchSource.sampleSeed(seed, epoch, sample)) : null;
            System.arraycopy(transform.apply(read(sample), random), 0, pixels, i * imageSize, imageSize);
            System.arraycopy(text, sample * textSize, words, i * textSize, textSize);
        });
        long[] batchLabels = Arrays.stream(indices).mapToLong(i -> labels[i]).toArray();
        NDArray image = manager.create(pixels, new Shape(indices.length).addAll(sampleShape(0)));
        NDArray tokens = manager.create(words, new Shape(indices.length).addAll(textShape));
        return new Batch(List.of(image, tokens), manager.create(batchLabels).toType(DataType.INT64, false));
    }

    private BufferedImage read(int sample) {
        Path file = images[sample];
        String fix = "fix: prepare the dataset again with data-scripts/crisismmd/prepare.sh and an --image-size above 0";
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(String.format(Locale.ROOT, "%s (%s line %d, field 'image'): cannot be decoded"
                    + " by javax.imageio (%s); %s, so that ffmpeg re-encodes every picture as an RGB JPEG", file, csv,
                    lines[sample], e.getMessage(), fix), e);
        }
        checkData(image != null, "%s (%s line %d, field 'image'): not an image format javax.imageio reads; %s", file,
                csv, lines[sample], fix);
        return image;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CrisisMMD %s: %d pairs, image %s, text %s", name, size(), transform,
                textShape);
    }
}
