package dev.cmkd.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link BatchSource} that builds the batches of another one ahead of time on worker threads, so that decoding and
 * augmentation (pictures read from disk, spectrograms, RGB-D crops) overlap with the training step, as PyTorch's
 * {@code DataLoader(num_workers=k)} does.
 *
 * <pre>
 *   try (PrefetchingSource train = PrefetchingSource.builder().setSource(split).optThreads(2).build()) {
 *       train.willRead(epoch, batchesOfTheEpoch);            // the order the loop will ask for them
 *       Batch batch = train.batch(stepManager, batchesOfTheEpoch.get(0), epoch);   // built ahead, in order
 *   }
 * </pre>
 *
 * <p><b>Determinism.</b> Batches are delivered in the order requested, whatever the number of workers, and each is
 * exactly what the wrapped source returns for the same indices and epoch: by the {@link BatchSource} contract a
 * sample's view depends only on the source's seed, the sample and the epoch, never on the thread or the order in which
 * batches are built. A request that does not match the next announced one ({@link #willRead}) is served by the
 * wrapped source on the calling thread, and the announced batches not yet read are dropped.
 *
 * <p><b>Bounded memory.</b> At most {@code lookAhead} batches (default: twice the threads) are being built or wait to
 * be read at any time; the next one is started only when the training thread takes one.
 *
 * <p><b>Threads and DJL managers.</b> A worker calls the wrapped source with an {@link NDManager} of its own, a fresh
 * CPU base manager per batch that no other thread touches while the worker runs. When the training thread takes the
 * batch (after {@link Future#get}, which orders the worker's writes before the read), it moves every array into the
 * requested manager: {@link NDArray#attach} on the same device, or {@link NDArray#toDevice} (a copy made on the
 * training thread) on another one, and closes the batch's manager. So no manager is shared between threads and
 * arrays on an accelerator are created only by the training thread. The loaders' native work on a worker is the
 * copy of finished Java arrays into tensors ({@code NDManager.create}); their decoding runs in Java. A worker
 * builds each batch inside {@link Builder#optGuard} (the training loop's {@code NativeWork} step), so that a
 * SIGTERM does not end the JVM while a worker is inside libtorch.
 *
 * <p><b>Errors and shutdown.</b> An exception on a worker is thrown on the training thread when it asks for that
 * batch, as a {@link DatasetException} whose message is the worker's message (which names the file) followed by the
 * split, the epoch and the batch's first samples; the original is its cause. {@link #close} cancels the batches in
 * flight, interrupts and joins the workers and frees the batches built but not read, so an interrupted run or an
 * exception mid-epoch leaves no thread behind (workers are daemon threads named {@code cmkd-prefetch-<split>-<k>}).
 */
public final class PrefetchingSource implements BatchSource, AutoCloseable {

    /** The prefix of the workers' thread names. */
    public static final String THREAD_PREFIX = "cmkd-prefetch-";

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final BatchSource source;
    private final int threads;
    private final int lookAhead;
    private final Function<String, AutoCloseable> guard;
    private final ExecutorService workers;
    /** The announced batches not yet started, in order. */
    private final Deque<Request> planned = new ArrayDeque<>();
    /** The batches started (building or built), in order; at most {@code lookAhead}. */
    private final Deque<Pending> started = new ArrayDeque<>();
    private boolean closed;

    private record Request(int[] indices, int epoch) {}

    private record Pending(Job job, Future<Built> future) {}

    /** A batch a worker built, with the manager that holds its arrays. */
    private record Built(Batch batch, NDManager manager) {}

    /**
     * Builds one batch on a worker. If the batch is abandoned (dropped or closed) before it is read, whichever of the
     * worker and the dropping thread comes last frees it.
     */
    private final class Job implements Callable<Built> {

        private final Request request;
        private NDManager manager;
        private boolean abandoned;
        private boolean finished;

        Job(Request request) {
            this.request = request;
        }

        @Override
        public Built call() {
            NDManager own = NDManager.newBaseManager(Device.cpu());
            Batch batch;
            try (AutoCloseable step = guard.apply("prefetching a batch of split " + source.name())) {
                batch = source.batch(own, request.indices, request.epoch);
            } catch (RuntimeException | Error e) {
                own.close();
                throw e;
            } catch (Exception e) { // from closing the guard
                own.close();
                throw new IllegalStateException(e);
            }
            synchronized (this) {
                finished = true;
                if (abandoned) {
                    own.close();
                    throw new CancellationException("abandoned");
                }
                manager = own;
            }
            return new Built(batch, own);
        }

        /** Marks the batch as not wanted and frees it if it is built. */
        synchronized void abandon() {
            abandoned = true;
            if (finished && manager != null) {
                manager.close();
                manager = null;
            }
        }
    }

    private PrefetchingSource(Builder b) {
        this.source = b.source;
        this.threads = b.threads;
        this.lookAhead = b.lookAhead > 0 ? b.lookAhead : 2 * b.threads;
        this.guard = b.guard;
        int pool = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, THREAD_PREFIX + source.name() + "-" + pool + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.workers = Executors.newFixedThreadPool(threads, factory);
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the wrapped source. */
    public BatchSource source() {
        return source;
    }

    /** Returns the number of worker threads. */
    public int threads() {
        return threads;
    }

    /** Returns the most batches built ahead (building or waiting to be read). */
    public int lookAhead() {
        return lookAhead;
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public int size() {
        return source.size();
    }

    @Override
    public boolean randomViews() {
        return source.randomViews();
    }

    /**
     * Announces that the batches {@code indices} of {@code epoch} will be read next, in this order, and starts
     * building the first {@code lookAhead} of them. Batches announced earlier and not yet read are dropped.
     */
    @Override
    public synchronized void willRead(int epoch, List<int[]> indices) {
        checkOpen();
        drop();
        for (int[] batch : indices) {
            planned.add(new Request(batch.clone(), epoch));
        }
        fill();
    }

    /**
     * Returns the batch: the next announced one, built ahead (waiting for it if it is not ready), or, if the request
     * is not the next announced one, built now on this thread by the wrapped source.
     *
     * @throws DatasetException if the worker building it failed: the worker's message, with the split, the epoch and
     *     the batch's first samples
     */
    @Override
    public Batch batch(NDManager manager, int[] indices, int epoch) {
        Pending next;
        synchronized (this) {
            checkOpen();
            next = started.peekFirst();
            if (next == null || next.job.request.epoch != epoch || !Arrays.equals(next.job.request.indices,
                    indices)) {
                drop();
                next = null;
            } else {
                started.removeFirst();
                fill();
            }
        }
        if (next == null) {
            return source.batch(manager, indices, epoch);
        }
        Built built = await(next);
        try {
            return moveTo(built.batch, manager);
        } finally {
            built.manager.close();
        }
    }

    private Built await(Pending pending) {
        try {
            return pending.future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.job.abandon();
            throw new DatasetException(context("interrupted while waiting for", pending.job.request), e);
        } catch (CancellationException e) {
            throw new DatasetException(context("cancelled (the source was closed)", pending.job.request), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            throw new DatasetException(message + " [" + context("while building", pending.job.request) + "]", cause);
        }
    }

    private String context(String what, Request request) {
        int[] head = Arrays.copyOf(request.indices, Math.min(4, request.indices.length));
        return String.format(Locale.ROOT, "%s the batch of samples %s%s of split %s, epoch %d, on a prefetching"
                + " worker", what, Arrays.toString(head).replace("]", ""), request.indices.length > 4 ? ", ...]" : "]",
                source.name(), request.epoch);
    }

    /** Moves {@code batch}'s arrays into {@code manager}, on its device. */
    private static Batch moveTo(Batch batch, NDManager manager) {
        List<NDArray> inputs = new ArrayList<>(batch.inputs().size());
        for (NDArray input : batch.inputs()) {
            inputs.add(moveTo(input, manager));
        }
        return new Batch(inputs, moveTo(batch.labels(), manager));
    }

    private static NDArray moveTo(NDArray array, NDManager manager) {
        Device device = manager.getDevice();
        NDArray moved = array.getDevice().equals(device) ? array : array.toDevice(device, true);
        moved.attach(manager);
        return moved;
    }

    /** Starts announced batches until {@code lookAhead} are started. */
    private void fill() {
        while (started.size() < lookAhead && !planned.isEmpty()) {
            Job job = new Job(planned.removeFirst());
            started.add(new Pending(job, workers.submit(job)));
        }
    }

    /** Drops the announced batches: those not started never run, those built are freed, the others when built. */
    private void drop() {
        planned.clear();
        for (Pending pending : started) {
            pending.future.cancel(false); // not started: never runs
            pending.job.abandon(); // built: freed now; building: freed by its worker when done
        }
        started.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("PrefetchingSource of split " + source.name() + " is closed");
        }
    }

    /**
     * Cancels the batches in flight, frees those built but not read, and stops and joins the worker threads (waiting
     * at most 60 s for a worker inside the wrapped source).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        drop();
        workers.shutdownNow();
        boolean interrupted = false;
        try {
            if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                System.err.println("PrefetchingSource: a worker of split " + source.name() + " did not stop in 60 s");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, prefetched by %d threads, %d batches ahead", source, threads,
                lookAhead);
    }

    /** Builder in DJL's style: {@code set*} required, {@code opt*} optional. */
    public static final class Builder {

        private BatchSource source;
        private int threads = 1;
        private int lookAhead;
        private Function<String, AutoCloseable> guard = what -> () -> { };

        private Builder() {}

        /** Required: the source whose batches are built ahead. */
        public Builder setSource(BatchSource source) {
            this.source = source;
            return this;
        }

        /** Optional: worker threads, at least 1. Default 1. */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Optional: the most batches built ahead, at least 1 (0: the default). Default twice the threads. */
        public Builder optLookAhead(int lookAhead) {
            this.lookAhead = lookAhead;
            return this;
        }

        /**
         * Optional: what a worker holds while it builds a batch, given what it does; the training loop passes {@code
         * dev.cmkd.train.NativeWork::enter}, so that the JVM does not exit while a worker is inside libtorch (the
         * copy of a batch into tensors). Default: nothing.
         */
        public Builder optGuard(Function<String, AutoCloseable> guard) {
            this.guard = guard;
            return this;
        }

        /** Validates and builds; the workers start now and stop at {@link PrefetchingSource#close}. */
        public PrefetchingSource build() {
            if (source == null) {
                throw new IllegalArgumentException("PrefetchingSource: setSource(...) is required");
            }
            if (source instanceof PrefetchingSource) {
                throw new IllegalArgumentException("PrefetchingSource: the source " + source + " already prefetches");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("PrefetchingSource: optThreads(" + threads + ") must be at least 1");
            }
            if (lookAhead < 0) {
                throw new IllegalArgumentException("PrefetchingSource: optLookAhead(" + lookAhead + ") must be at"
                        + " least 1");
            }
            return new PrefetchingSource(this);
        }
    }
}
