package dev.cmkd.bench;

import ai.djl.ndarray.NDManager;
import dev.cmkd.data.BatchSource;
import dev.cmkd.data.PrefetchingSource;
import dev.cmkd.data.av.AvConvention;
import dev.cmkd.data.av.PreparedAvLoader;
import dev.cmkd.data.av.PreparedFixture;
import dev.cmkd.data.crisis.CrisisMmdFixture;
import dev.cmkd.data.crisis.CrisisMmdLoader;
import dev.cmkd.data.nyu.Augmentation;
import dev.cmkd.data.nyu.NyuDepthV2;
import dev.cmkd.data.nyu.SyntheticRgbd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Samples per second of each real-dataset loader's training split (random views on) on a synthetic fixture written
 * by the same code the tests and {@code -Dfdcmkd.fixture=true} use, read serially and through a {@link
 * PrefetchingSource} of 1 and 2 threads, next to the time of one FD-CMKD training step at the paper's scale:
 *
 * <pre>
 *   loader         fixture (written to a temporary folder, deleted afterwards)
 *   crema-d, ave,  PreparedFixture: 3 JPEG frames of 320 x 240 and a WAV per clip; the loader picks a frame, crops
 *   vggsound-50    and resizes it to 224 x 224 and computes the convention's spectrogram
 *   crisismmd      CrisisMmdFixture: one small JPEG per pair, decoded and cropped to 224 x 224, token ids in memory
 *   nyu-depth-v2   SyntheticRgbd: 480 x 640 RGB-D images held in memory, random 384 x 512 crop and flip
 * </pre>
 *
 * Each loader reads {@code batches} batches of 64 samples (indices drawn with replacement from the fixture's
 * training split, so a small fixture serves any batch size) after one warm-up batch; with prefetching the reader
 * announces them all and takes them one after the other with no compute in between, so the rate is the pipeline's
 * own. {@code ratio} is the loader's time per batch (serial) over the step time: below 1 the loader alone keeps up
 * with a step of the paper's network on this machine, and with prefetching it overlaps with the step instead of
 * adding to it; on a GPU, whose step is tens of times shorter, it is the fraction to compare with the speed-up.
 * On a CPU the loader's threads share the cores with the step, so the overlap there is partial. {@code
 * with_idle_step_ms} shows the overlap itself: the time per batch when the reader sleeps, after each batch, as long as
 * the serial loader takes per batch (a step that leaves the CPU free, as a GPU's does): about twice the loader's time
 * when read serially, about the loader's time alone when prefetched.
 */
final class LoaderThroughputBenchmark {

    /** The batch size of the paper (and of the step benchmark). */
    static final int BATCH = 64;
    /** The prefetching thread counts measured besides the serial read. */
    static final int[] THREADS = {1, 2};

    private LoaderThroughputBenchmark() {}

    /** A training split to measure: its name and how to load it from a fixture written under a folder. */
    private record Loader(String name, java.util.function.Function<Path, BatchSource> load) {}

    private static List<Loader> loaders() {
        List<Loader> loaders = new ArrayList<>();
        for (AvConvention convention : List.of(AvConvention.CREMA_D, AvConvention.AVE, AvConvention.VGGSOUND_50)) {
            loaders.add(new Loader(convention.name(), dir -> {
                Path root = PreparedFixture.write(dir, convention, Math.min(4, convention.numClasses()),
                        new int[] {16, 1, 1}, 320, 240, 0);
                return PreparedAvLoader.builder().setConvention(convention).optSeed(0).build().load(root, "train");
            }));
        }
        loaders.add(new Loader("crisismmd", dir -> {
            CrisisMmdFixture.writePrepared(dir, 2);
            return CrisisMmdLoader.builder().optImageSize(224).optMinCount(1).build().load(dir).train();
        }));
        loaders.add(new Loader("nyu-depth-v2", dir -> {
            SyntheticRgbd.builder().optSize(480, 640).build().write(dir, 8, 1, 1);
            return NyuDepthV2.builder().build().load(dir, "train").augmented(new Augmentation(384, 512, true), 0);
        }));
        return loaders;
    }

    /**
     * Measures every loader and returns one row per loader and reading mode.
     *
     * @param batches timed batches per loader and mode
     * @param stepMs milliseconds per FD-CMKD step at the paper's scale
     * @param stepSource where {@code stepMs} comes from, for the title
     */
    static Table run(int batches, double stepMs, String stepSource) {
        Table table = Table.create(String.format(java.util.Locale.ROOT, "Loader throughput on fixtures, batch %d,"
                + " against one FD-CMKD step at the paper's scale: %.0f ms (%s)", BATCH, stepMs, stepSource),
                StringColumn.create("loader"), StringColumn.create("reading"), IntColumn.create("batches"),
                DoubleColumn.create("samples_per_s"), DoubleColumn.create("ms_per_batch"),
                DoubleColumn.create("ratio_to_step"), DoubleColumn.create("with_idle_step_ms"));
        for (Loader loader : loaders()) {
            Path dir = temporary(loader.name());
            try {
                BatchSource source = loader.load().apply(dir);
                List<int[]> plan = plan(source.size(), batches + 1);
                double serialMs = Double.NaN;
                for (int threads = 0; threads <= THREADS[THREADS.length - 1]; threads++) {
                    double ms = millisPerBatch(source, plan, threads, 0);
                    serialMs = threads == 0 ? ms : serialMs;
                    table.stringColumn("loader").append(loader.name());
                    table.stringColumn("reading").append(threads == 0 ? "serial" : "prefetch " + threads);
                    table.intColumn("batches").append(batches);
                    table.doubleColumn("samples_per_s").append(1000.0 * BATCH / ms);
                    table.doubleColumn("ms_per_batch").append(ms);
                    table.doubleColumn("ratio_to_step").append(ms / stepMs);
                    table.doubleColumn("with_idle_step_ms").append(millisPerBatch(source, plan, threads,
                            Math.round(serialMs)));
                }
            } finally {
                delete(dir);
            }
        }
        return table;
    }

    /** Batches of {@link #BATCH} indices drawn with replacement, the same for every mode. */
    private static List<int[]> plan(int size, int count) {
        SplittableRandom random = new SplittableRandom(1);
        List<int[]> plan = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            plan.add(random.ints(BATCH, 0, size).toArray());
        }
        return plan;
    }

    /**
     * Mean milliseconds per batch over all but the first (warm-up) batch of {@code plan}, the reader sleeping {@code
     * stepMs} after taking each batch (a step that leaves the CPU free, as a GPU's does).
     */
    private static double millisPerBatch(BatchSource source, List<int[]> plan, int threads, long stepMs) {
        try (NDManager manager = NDManager.newBaseManager()) {
            try (NDManager step = manager.newSubManager()) {
                source.batch(step, plan.get(0), 0).input(0).toFloatArray(); // warm-up: class loading, JIT
            }
            List<int[]> timed = plan.subList(1, plan.size());
            BatchSource reader = threads == 0 ? source
                    : PrefetchingSource.builder().setSource(source).optThreads(threads).build();
            try {
                long start = System.nanoTime();
                reader.willRead(1, timed);
                for (int[] indices : timed) {
                    try (NDManager step = manager.newSubManager()) {
                        reader.batch(step, indices, 1).labels().toLongArray();
                    }
                    if (stepMs > 0) {
                        Thread.sleep(stepMs);
                    }
                }
                return (System.nanoTime() - start) / 1e6 / timed.size();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                if (reader instanceof PrefetchingSource prefetching) {
                    prefetching.close();
                }
            }
        }
    }

    private static Path temporary(String name) {
        try {
            return Files.createTempDirectory("cmkd-loader-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the " + name + " fixture", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
