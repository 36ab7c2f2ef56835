package dev.cmkd.data.av;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cmkd.experiment.TaskType;
import dev.cmkd.tasks.TaskRegistry;
import ai.djl.ndarray.NDManager;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.audio.LogSpectrogram;
import dev.cmkd.data.audio.Wav;
import dev.cmkd.data.DatasetException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader on a synthetic prepared dataset, the views and their seeding, the transforms, and the errors. */
class PreparedAvLoaderTest {

    @TempDir
    static Path tmp;

    private static Path root;

    @BeforeAll
    static void fixture() {
        root = PreparedFixture.write(tmp.resolve("prepared"), AvConvention.CREMA_D, 3, new int[] {6, 2, 3}, 40, 30, 1);
    }

    @Test
    void trainingViewsAreRandomButReproducibleAndTestViewsFixed() {
        PairedSplit train = PreparedAvLoader.builder().setConvention(AvConvention.CREMA_D).optSeed(3).build()
                .load(root, "train");
        PairedSplit test = PreparedAvLoader.builder().setConvention(AvConvention.CREMA_D).build().load(root, "test");
        assertEquals(6, train.size());
        assertEquals(3, test.size());
        assertTrue(train.randomViews());
        assertFalse(test.randomViews());
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] a = train.batch(manager, new int[] {0, 1}).input(1).toFloatArray();
            float[] again = train.batch(manager, new int[] {0, 1}).input(1).toFloatArray();
            float[] otherBatch = train.batch(manager, new int[] {0, 2}).input(1).toFloatArray();
            assertArrayEquals(a, again, "same seed, sample and batch: same view");
            assertFalse(Arrays.equals(Arrays.copyOf(a, a.length / 2), Arrays.copyOf(otherBatch, a.length / 2)),
                    "another batch: another view of sample 0");
            float[] t1 = test.batch(manager, new int[] {0}).input(1).toFloatArray();
            float[] t2 = test.batch(manager, new int[] {1, 0}).input(1).toFloatArray();
            assertArrayEquals(t1, Arrays.copyOfRange(t2, t1.length, 2 * t1.length));
            // CREMA-D audio has no random part: training and test views of a clip agree
            float[] audioTrain = train.batch(manager, new int[] {0}).input(0).toFloatArray();
            float[] audioTest = PreparedAvLoader.builder().setConvention(AvConvention.CREMA_D).optAugment(false).build()
                    .load(root, "train").batch(manager, new int[] {0}).input(0).toFloatArray();
            assertArrayEquals(audioTrain, audioTest);
        }
    }

    @Test
    void tiledAudioRepeatsTheClipAndResizesLikeNumpy() {
        float[] clip = new float[1000];
        for (int i = 0; i < clip.length; i++) {
            clip[i] = (float) Math.sin(i * 0.1) * (i < 10 ? 3 : 1);       // values beyond [-1, 1] are clipped
        }
        float[] tiled = new float[160_000];
        for (int i = 0; i < tiled.length; i++) {
            tiled[i] = Math.max(-1, Math.min(1, clip[i % clip.length]));
        }
        float[] direct = LogSpectrogram.builder().build().compute(tiled);
        assertArrayEquals(direct, AvConvention.CREMA_D.audio().apply(clip, null));
        float[] ave = LogSpectrogram.builder().optSampleRate(16_000).build().compute(tiled);   // C2KD: fs 16 kHz
        float[] resized = AvConvention.AVE.audio().apply(clip, null);
        assertEquals(257 * 1024, resized.length);
        for (int i = 0; i < resized.length; i += 997) {
            assertEquals(ave[i % ave.length], resized[i], "numpy.resize repeats the flat values");
        }
    }

    @Test
    void croppedAudioStartsWithinTheFirstFiveSeconds() {
        AudioPipeline vgg = AvConvention.VGGSOUND_50.audio();
        float[] ramp = new float[16_000 * 3];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i / (float) ramp.length;
        }
        assertEquals(129 * 626, vgg.apply(ramp, null).length);
        float[] first = vgg.apply(ramp, new SplittableRandom(1));
        float[] second = vgg.apply(ramp, new SplittableRandom(2));
        assertFalse(Arrays.equals(first, second), "two random windows differ");
        assertArrayEquals(vgg.apply(ramp, null), vgg.apply(ramp, null));
    }

    @Test
    void frameTransformNormalisesAndCropsInsideTheImage() {
        int[] grey = new int[50 * 40];
        Arrays.fill(grey, 0x808080);
        float[] out = new float[3 * 8 * 8];
        new FrameTransform(8).apply(grey, 50, 40, null, out, 0);
        for (int c = 0; c < 3; c++) {
            assertEquals((128 / 255f - FrameTransform.MEAN[c]) / FrameTransform.STD[c], out[c * 64 + 27], 1e-6);
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int k = 0; k < 200; k++) {
            int[] crop = FrameTransform.randomResizedCrop(50, 40, random);
            assertTrue(crop[0] >= 0 && crop[1] >= 0 && crop[2] >= 1 && crop[3] >= 1 && crop[0] + crop[2] <= 40
                    && crop[1] + crop[3] <= 50, Arrays.toString(crop));
        }
        // PIL's antialiased bilinear resize: a 2-pixel stripe pattern becomes its mean, edges as PIL has them
        int[] stripes = new int[16];
        for (int i = 0; i < 16; i++) {
            stripes[i] = i % 2 == 0 ? 0 : 200;
        }
        assertArrayEquals(new int[] {86, 100, 100, 100, 100, 100, 100, 114}, FrameTransform.resize(stripes, 16, 1, 8, 1));
        // golden: numpy.array(Image.fromarray(((np.arange(2000) % 251).reshape(40, 50)).astype(np.uint8))
        //     .resize((17, 13), Image.BILINEAR)), Pillow 9.4 (Debian 12); PIL rounds in fixed point: |diff| <= 1
        int[] ramp = new int[50 * 40];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i % 251;
        }
        int[] pil = {
            67, 70, 73, 76, 79, 82, 85, 88, 91, 93, 96, 99, 102, 105, 108, 111, 114, 128, 116, 119, 122, 125, 128, 131,
            134, 137, 139, 142, 145, 148, 151, 154, 157, 160, 114, 106, 109, 112, 115, 118, 121, 124, 127, 129, 132, 135, 138, 141,
            144, 147, 150, 130, 86, 88, 91, 94, 97, 100, 103, 106, 108, 111, 114, 117, 120, 123, 126, 129, 151, 125, 124, 127,
            130, 133, 136, 139, 142, 144, 147, 150, 153, 156, 159, 162, 165, 125, 95, 93, 96, 99, 102, 105, 108, 111, 113, 116,
            119, 122, 125, 128, 131, 134, 166, 125, 104, 107, 110, 113, 116, 119, 122, 124, 127, 130, 133, 136, 139, 142, 145, 139,
            128, 114, 117, 120, 123, 126, 129, 132, 134, 137, 140, 143, 146, 149, 152, 155, 142, 124, 84, 86, 89, 92, 95, 98,
            101, 103, 106, 109, 112, 115, 118, 121, 124, 161, 159, 125, 122, 125, 128, 131, 134, 137, 139, 142, 145, 148, 151, 154,
            157, 160, 125, 125, 102, 101, 104, 107, 110, 113, 116, 118, 121, 124, 127, 130, 133, 136, 139, 161, 164, 118, 91, 94,
            97, 100, 103, 106, 108, 111, 114, 117, 120, 123, 126, 129, 132, 135, 136, 137, 140, 143, 146, 149, 152, 154, 157, 160,
            163, 166, 169, 172, 175
        };
        int[] resized = FrameTransform.resize(ramp, 50, 40, 17, 13);
        for (int i = 0; i < pil.length; i++) {
            assertEquals(pil[i], resized[i], 1, "pixel " + i);
        }
        assertEquals(4, FrameTransform.frameIndex(9, null), "the middle frame at test");
    }

    @Test
    void errorsNameTheFileTheFieldAndTheFix() throws IOException {
        PreparedAvLoader loader = PreparedAvLoader.builder().setConvention(AvConvention.CREMA_D).build();
        Path broken = tmp.resolve("broken");
        PreparedFixture.write(broken, AvConvention.CREMA_D, 2, new int[] {2, 1, 1}, 20, 20, 2);

        String missing = assertThrows(DatasetException.class, () -> loader.load(tmp.resolve("absent"), "train"))
                .getMessage();
        assertTrue(missing.contains("data-scripts/crema-d/prepare.sh"), missing);

        Files.writeString(broken.resolve("clips.csv"), "id,label,split,class\ntrain_0000,9,train,class00\n");
        String label = assertThrows(DatasetException.class, () -> loader.load(broken, "train")).getMessage();
        assertTrue(label.contains("clips.csv line 2, field 'label': '9'") && label.contains("fix: prepare"), label);

        Files.writeString(broken.resolve("clips.csv"), "id,label,split,class\nnothere,0,train,class00\n");
        String frames = assertThrows(DatasetException.class, () -> loader.load(broken, "train")).getMessage();
        assertTrue(frames.contains("field 'id'") && frames.contains("nothere"), frames);

        Files.writeString(broken.resolve("clips.csv"), "id,label,split,class\ntrain_0000,0,train,class00\n");
        Wav.write(broken.resolve("audio/train_0000.wav"), new float[100], 16_000);
        PairedSplit split = loader.load(broken, "train");
        try (NDManager manager = NDManager.newBaseManager()) {
            String rate = assertThrows(DatasetException.class, () -> split.batch(manager, new int[] {0})).getMessage();
            assertTrue(rate.contains("train_0000.wav") && rate.contains("sample rate") && rate.contains("22050")
                    && rate.contains("clips.csv line 2"), rate);
        }
    }

    @Test
    void registryHoldsThePapersAudioVisualSettings() {
        TaskType ave = TaskRegistry.get("ave");
        assertEquals(100, ave.epochs()[0]);
        assertEquals(64, ave.batchSize()[0]);
        assertEquals(28, AvConvention.AVE.numClasses());
    }
}
