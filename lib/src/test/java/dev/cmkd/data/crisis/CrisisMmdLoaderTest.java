package dev.cmkd.data.crisis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.Batch;
import dev.cmkd.data.PairedSplit;
import dev.cmkd.data.DatasetException;
import dev.cmkd.data.Npy;
import dev.cmkd.testing.NpyFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CrisisMMD loader on the synthetic prepared layout: shapes, vocabulary, augmentation, errors. */
class CrisisMmdLoaderTest {

    @TempDir
    Path root;

    @Test
    void loadsPairsWithTokensFromATrainOnlyVocabulary() {
        CrisisMmdFixture.writePrepared(root, 2);
        CrisisMmdLoader.Dataset data = CrisisMmdLoader.builder().optImageSize(16).optMaxLength(12).optMinCount(1)
                .build().load(root);
        assertEquals(List.of(16, 8, 8), List.of(data.train().size(), data.validation().size(), data.test().size()));
        assertEquals(new Shape(3, 16, 16), data.train().sampleShape(0));
        assertEquals(new Shape(12), data.train().sampleShape(1));
        assertTrue(data.vocabulary().id("@user") > 1);
        assertEquals(1, data.vocabulary().id("never"));
        assertTrue(data.train().transform().isTraining());
        assertTrue(!data.test().transform().isTraining());
        try (NDManager manager = NDManager.newBaseManager()) {
            Batch batch = data.train().batch(manager, new int[] {0, 9}, 0);
            assertEquals(new Shape(2, 3, 16, 16), batch.input(0).getShape());
            assertEquals(new Shape(2, 12), batch.input(1).getShape());
            assertArrayEquals(new long[] {0, 4}, batch.labels().toLongArray());
            float[] ids = batch.input(1).toFloatArray();
            List<String> tokens = TweetTokenizer.tokens("@USER affected individuals update number 0 HTTPURL"
                    + " :crying_face:");
            for (int j = 0; j < tokens.size(); j++) {
                assertEquals(data.vocabulary().id(tokens.get(j)), (int) ids[j], tokens.get(j));
            }
            assertEquals(0f, ids[11]);
            float[] again = data.train().batch(manager, new int[] {0, 9}, 0).input(0).toFloatArray();
            assertArrayEquals(batch.input(0).toFloatArray(), again, "same seed, epoch and sample: same crop");
            assertNotEquals(batch.input(0).getFloat(0, 0, 5, 5),
                    data.train().batch(manager, new int[] {0, 9}, 1).input(0).getFloat(0, 0, 5, 5));
            float[] test1 = data.test().batch(manager, new int[] {3}, 0).input(0).toFloatArray();
            assertArrayEquals(test1, data.test().batch(manager, new int[] {3}, 5).input(0).toFloatArray());
        }
    }

    @Test
    void errorsNameTheFileTheFieldAndTheFix() throws IOException {
        CrisisMmdFixture.writePrepared(root, 1);
        Files.delete(root.resolve("images/900000000000000003_0.jpg"));
        DatasetException missing = assertThrows(DatasetException.class,
                () -> CrisisMmdLoader.builder().build().load(root));
        assertTrue(missing.getMessage().startsWith(root.resolve("train.csv") + " line 5, field 'image':"),
                missing.getMessage());
        assertTrue(missing.getMessage().contains("data-scripts/crisismmd/prepare.sh"), missing.getMessage());

        CrisisMmdFixture.writePrepared(root, 1);
        Files.writeString(root.resolve("val.csv"), Files.readString(root.resolve("val.csv"))
                .replace("vehicle_damage\n", "flood\n"));
        DatasetException label = assertThrows(DatasetException.class,
                () -> CrisisMmdLoader.builder().build().load(root));
        assertTrue(label.getMessage().contains("val.csv line 9, field 'label': 'flood' is not one of"),
                label.getMessage());

        CrisisMmdFixture.writePrepared(root, 1);
        Files.writeString(root.resolve("images/900000000000000009_0.jpg"), "not a picture");
        CrisisMmdLoader.Dataset data = CrisisMmdLoader.builder().optImageSize(8).build().load(root);
        try (NDManager manager = NDManager.newBaseManager()) {
            DatasetException decode = assertThrows(DatasetException.class,
                    () -> data.validation().batch(manager, new int[] {1}, 0));
            assertTrue(decode.getMessage().contains("900000000000000009_0.jpg (" + root.resolve("val.csv")
                    + " line 3, field 'image')"), decode.getMessage());
        }
    }

    @Test
    void readsPretrainedTextFeatures() throws IOException {
        CrisisMmdFixture.writePrepared(root, 1);
        Path features = root.resolve("text-features");
        Files.createDirectories(features);
        for (String split : CrisisMmdLoader.SPLITS) {
            float[] values = new float[8 * 3];
            for (int i = 0; i < values.length; i++) {
                values[i] = i / 3 + (i % 3) / 10f;
            }
            NpyFiles.writeFloat32(features.resolve(split + ".npy"), 8, 3, values);
        }
        CrisisMmdLoader.Dataset data = CrisisMmdLoader.builder().optImageSize(8).optTextFeatures(features).build()
                .load(root);
        assertNull(data.vocabulary());
        assertEquals(new Shape(3), data.train().sampleShape(1));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {5f, 5.1f, 5.2f},
                    data.validation().batch(manager, new int[] {5}, 0).input(1).toFloatArray(), 1e-6f);
        }
        NpyFiles.writeFloat32(features.resolve("test.npy"), 7, 3, new float[21]);
        DatasetException rows = assertThrows(DatasetException.class,
                () -> CrisisMmdLoader.builder().optTextFeatures(features).build().load(root));
        assertTrue(rows.getMessage().contains("test.npy: field 'shape' has 7 rows, but test.csv has 8 data rows"),
                rows.getMessage());
        Files.writeString(features.resolve("test.npy"), "garbage");
        DatasetException magic = assertThrows(DatasetException.class,
                () -> Npy.readMatrix(features.resolve("test.npy"), "fix it"));
        assertTrue(magic.getMessage().endsWith("not an .npy file; fix: fix it"), magic.getMessage());
    }
}
