package dev.cmkd.data.av;

import static dev.cmkd.data.Checks.checkArgument;

import dev.cmkd.data.audio.Wav;
import dev.cmkd.results.ResultFiles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

/**
 * Writes a small <b>synthetic</b> dataset in the prepared layout of {@link PreparedAvLoader}, for tests,
 * notebooks in smoke mode and cost measurements where the real data is absent. Clip {@code k} of a split has
 * class {@code k mod classes}; its three frames ({@code 001.jpg .. 003.jpg}, {@code width x height}) are a
 * class-dependent colour with noise and its audio one second of a class-dependent tone ({@code 220 (1 + c /
 * 4)} Hz) with noise, so that both modalities carry the label. It does not resemble the real data.
 */
public final class PreparedFixture {

    private PreparedFixture() {}

    /**
     * Writes {@code perSplit[0]} train, {@code perSplit[1]} val and {@code perSplit[2]} test clips of {@code
     * classes} classes for {@code convention} into {@code root} (created if needed), seeded by {@code seed}, and
     * returns {@code root}. Class names are {@code class00, class01, ...}.
     */
    public static Path write(Path root, AvConvention convention, int classes, int[] perSplit, int width, int height,
            long seed) {
        checkArgument(classes >= 2 && classes <= convention.numClasses() && perSplit.length == 3, "PreparedFixture:"
                + " classes %d must lie in [2, %d] and perSplit must hold 3 counts", classes, convention.numClasses());
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder table = new StringBuilder("id,label,split,class\n");
        int rate = convention.audio().sampleRate();
        try {
            for (int s = 0; s < 3; s++) {
                String split = PreparedAvLoader.SPLITS.get(s);
                for (int k = 0; k < perSplit[s]; k++) {
                    int label = k % classes;
                    String id = String.format(Locale.ROOT, "%s_%04d", split, k);
                    table.append(String.format(Locale.ROOT, "%s,%d,%s,class%02d%n", id, label, split, label));
                    Path frames = Files.createDirectories(root.resolve("frames").resolve(id));
                    for (int f = 1; f <= 3; f++) {
                        int base = java.awt.Color.HSBtoRGB((float) label / classes, 0.8f, 0.8f);
                        ImageIO.write(noisyImage(width, height, base, random), "jpg",
                                frames.resolve(String.format(Locale.ROOT, "%03d.jpg", f)).toFile());
                    }
                    float[] samples = new float[rate];
                    double frequency = 220 * (1 + label / 4.0);
                    for (int t = 0; t < rate; t++) {
                        samples[t] = (float) (0.5 * Math.sin(2 * Math.PI * frequency * t / rate)
                                + 0.05 * (random.nextDouble() * 2 - 1));
                    }
                    Wav.write(Files.createDirectories(root.resolve("audio")).resolve(id + ".wav"), samples, rate);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fixture under " + root, e);
        }
        ResultFiles.writeString(table.toString(), root.resolve(PreparedAvLoader.CLIPS));
        ResultFiles.writeString(String.format(Locale.ROOT, "{\"dataset\": \"%s\", \"synthetic\": true, \"seed\": %d}%n",
                convention.name(), seed), root.resolve("prepare.json"));
        return root;
    }

    /**
     * Returns a {@code width x height} picture of the colour {@code base} ({@code 0xRRGGBB}) plus uniform noise
     * in [-20, 20] per channel, clamped to 8 bits, drawn pixel by pixel from {@code random}.
     */
    public static BufferedImage noisyImage(int width, int height, int base, SplittableRandom random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int value = ((base >> (16 - 8 * c)) & 0xFF) + random.nextInt(41) - 20;
                    rgb = (rgb << 8) | Math.max(0, Math.min(255, value));
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }
}
