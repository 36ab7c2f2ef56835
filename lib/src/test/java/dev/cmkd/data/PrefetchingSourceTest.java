package dev.cmkd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cmkd.data.av.AvConvention;
import dev.cmkd.data.av.PreparedAvLoader;
import dev.cmkd.data.av.PreparedFixture;
import dev.cmkd.data.crisis.CrisisMmdFixture;
import dev.cmkd.data.crisis.CrisisMmdLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PrefetchingSource}: the same batches in the same order as the wrapped source read serially, for 1, 2 and 4
 * workers, over two epochs, on real-dataset fixture loaders with random views and on an in-memory split; a worker's
 * exception names the file; bounded look-ahead; no thread left after close.
 */
class PrefetchingSourceTest {

    @TempDir
    Path tmp;

    @Test
    void crisisMmdBatchesMatchTheSerialSourceForOneTwoAndFourWorkers() {
        CrisisMmdFixture.writePrepared(tmp, 3);
        BatchSource train = CrisisMmdLoader.builder().optImageSize(16).optMaxLength(12).optMinCount(1).build()
                .load(tmp).train();
        assertTrue(train.randomViews());
        assertSameAsSerial(train, 5);
    }

    @Test
    void cremaDBatchesMatchTheSerialSourceForOneTwoAndFourWorkers() {
        Path root = PreparedFixture.write(tmp.resolve("prepared"), AvConvention.CREMA_D, 3, new int[] {12, 2, 2}, 40,
                30, 1);
        PairedSplit train = PreparedAvLoader.builder().setConvention(AvConvention.CREMA_D).optSeed(3).build()
                .load(root, "train");
        assertTrue(train.randomViews());
        assertSameAsSerial(train, 4);
    }

    @Test
    void inMemoryPairedSplitBatchesMatchTheSerialSource() {
        SplittableRandom random = new SplittableRandom(7);
        int n = 20;
        float[] a = new float[n * 6];
        float[] b = new float[n * 4];
        IntStream.range(0, a.length).forEach(i -> a[i] = (float) random.nextDouble());
        IntStream.range(0, b.length).forEach(i -> b[i] = (float) random.nextDouble());
        PairedSplit split = new PairedSplit("train", List.of("a", "b"), List.of(a, b), List.of(new Shape(6),
                new Shape(2, 2)), IntStream.range(0, n).map(i -> i % 3).toArray(), 3);
        assertTrue(split.inMemory());
        assertSameAsSerial(split, 3);
    }

    /** Two epochs of shuffled batches, read serially and through 1, 2 and 4 workers, must agree bit for bit. */
    private static void assertSameAsSerial(BatchSource source, int batchSize) {
        List<List<int[]>> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] order = shuffled(source.size(), epoch);
            List<int[]> batches = new ArrayList<>();
            for (int from = 0; from + batchSize <= order.length; from += batchSize) {
                batches.add(java.util.Arrays.copyOfRange(order, from, from + batchSize));
            }
            epochs.add(batches);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            List<float[][]> serial = new ArrayList<>();
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int[] indices : epochs.get(epoch)) {
                    try (NDManager step = manager.newSubManager()) {
                        serial.add(values(source.batch(step, indices, epoch)));
                    }
                }
            }
            for (int threads : new int[] {1, 2, 4}) {
                try (PrefetchingSource prefetched = PrefetchingSource.builder().setSource(source).optThreads(threads)
                        .build()) {
                    int k = 0;
                    for (int epoch = 0; epoch < 2; epoch++) {
                        prefetched.willRead(epoch, epochs.get(epoch));
                        for (int[] indices : epochs.get(epoch)) {
                            try (NDManager step = manager.newSubManager()) {
                                Batch batch = prefetched.batch(step, indices, epoch);
                                for (NDArray array : batch.inputs()) {
                                    assertEquals(step, array.getManager(), "arrays moved into the caller's manager");
                                }
                                float[][] got = values(batch);
                                float[][] expected = serial.get(k++);
                                for (int part = 0; part < expected.length; part++) {
                                    assertArrayEquals(expected[part], got[part], threads + " workers, epoch " + epoch
                                            + ", batch " + k + ", part " + part);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertNoWorkerAlive();
    }

    private static int[] shuffled(int n, int epoch) {
        int[] order = IntStream.range(0, n).toArray();
        SplittableRandom random = new SplittableRandom(11 + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static float[][] values(Batch batch) {
        float[][] values = new float[batch.inputs().size() + 1][];
        for (int m = 0; m < batch.inputs().size(); m++) {
            values[m] = batch.input(m).toFloatArray();
        }
        long[] labels = batch.labels().toLongArray();
        values[values.length - 1] = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            values[values.length - 1][i] = labels[i];
        }
        return values;
    }

    @Test
    void aWorkersExceptionSurfacesOnTheTrainingThreadNamingTheFile() throws IOException {
        CrisisMmdFixture.writePrepared(tmp, 2);
        BatchSource train = CrisisMmdLoader.builder().optImageSize(16).optMaxLength(12).optMinCount(1).build()
                .load(tmp).train();
        // corrupt the picture of every training row: whichever batch comes first fails
        List<Path> pictures = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve("train.csv")).subList(1, train.size() + 1)) {
            Path picture = tmp.resolve(line.split(",")[3]);
            Files.write(picture, new byte[] {1, 2, 3, 4, 5});
            pictures.add(picture);
        }
        String serialMessage;
        try (NDManager manager = NDManager.newBaseManager()) {
            serialMessage = assertThrows(DatasetException.class, () -> train.batch(manager, new int[] {0}, 1))
                    .getMessage();
            for (int threads : new int[] {1, 2}) {
                try (PrefetchingSource prefetched = PrefetchingSource.builder().setSource(train).optThreads(threads)
                        .build()) {
                    prefetched.willRead(1, List.of(new int[] {0}, new int[] {1, 2}, new int[] {3}));
                    DatasetException e = assertThrows(DatasetException.class,
                            () -> prefetched.batch(manager, new int[] {0}, 1));
                    assertTrue(e.getMessage().startsWith(serialMessage), "the loader's message, intact: "
                            + e.getMessage());
                    assertTrue(e.getMessage().contains(pictures.get(0).toString()), "names the file: "
                            + e.getMessage());
                    assertTrue(e.getMessage().contains("split train, epoch 1"), e.getMessage());
                    assertTrue(e.getCause() instanceof DatasetException, "the loader's exception is the cause");
                }
            }
        }
        assertNoWorkerAlive();
    }

    @Test
    void looksAtMostLookAheadBatchesAheadAndLeavesNoThreadWhenClosedMidEpoch() throws InterruptedException {
        AtomicInteger built = new AtomicInteger();
        BatchSource counting = new BatchSource() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public int size() {
                return 100;
            }

            @Override
            public Batch batch(NDManager manager, int[] indices, int epoch) {
                built.incrementAndGet();
                return new Batch(List.of(manager.create(new float[] {indices[0], epoch})),
                        manager.create(new long[] {indices[0]}));
            }
        };
        List<int[]> batches = IntStream.range(0, 40).mapToObj(i -> new int[] {i}).toList();
        try (NDManager manager = NDManager.newBaseManager()) {
            PrefetchingSource prefetched = PrefetchingSource.builder().setSource(counting).optThreads(2)
                    .optLookAhead(3).build();
            prefetched.willRead(0, batches);
            waitUntil(() -> built.get() == 3);
            Thread.sleep(200);
            assertEquals(3, built.get(), "at most 3 batches ahead");
            for (int i = 0; i < 5; i++) {
                try (NDManager step = manager.newSubManager()) {
                    assertArrayEquals(new float[] {i, 0}, prefetched.batch(step, batches.get(i), 0).input(0)
                            .toFloatArray());
                }
            }
            waitUntil(() -> built.get() == 8);
            Thread.sleep(200);
            assertEquals(8, built.get(), "5 read + 3 ahead");
            // a request out of the announced order is served on this thread; the announced ones are dropped
            try (NDManager step = manager.newSubManager()) {
                assertArrayEquals(new float[] {30, 2}, prefetched.batch(step, new int[] {30}, 2).input(0)
                        .toFloatArray());
            }
            prefetched.willRead(1, batches); // a new epoch, then closed mid-epoch with batches in flight
            prefetched.close();
            assertNoWorkerAlive();
            assertThrows(IllegalStateException.class, () -> prefetched.batch(manager, new int[] {0}, 1));
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "timed out");
    }

    private static void assertNoWorkerAlive() {
        List<String> alive = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(PrefetchingSource.THREAD_PREFIX)).toList();
        assertEquals(List.of(), alive, "worker threads left after close");
    }
}
