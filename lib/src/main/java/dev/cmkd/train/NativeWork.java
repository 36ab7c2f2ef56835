package dev.cmkd.train;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the JVM from exiting while a thread is inside libtorch: training loops run each native step (a
 * training batch, an evaluation batch, a checkpoint or parameter save) through {@link #run} or {@link
 * #call}, and one JVM shutdown hook, registered when this class is first used, waits until no such step is
 * in progress and then lets none start, so that the process exits only while the training thread is in
 * Java code.
 *
 * <pre>
 *   NativeWork.run("a training batch of " + run, () -&gt; { ...forward, backward, update... });
 *   double loss = NativeWork.call("an evaluation batch of " + run, () -&gt; ...);
 *   try (NativeWork.Step step = NativeWork.enter("the checkpoint of " + run)) { ... }
 * </pre>
 *
 * A step costs one uncontended read-lock acquisition and release and one volatile write. Steps nest (on
 * the same thread, also while the hook waits) and several threads may be in steps at once. The hook waits
 * at most {@link #SHUTDOWN_WAIT}, printing one line ({@code stopping: waiting for a training batch of
 * teacher-image-seed0 to finish}) if it has to wait at all; a thread that tries to start a step after the
 * hook has taken over parks until the JVM halts. A run stopped this way resumes from its last finished
 * epoch ({@link Checkpoint}), bit for bit, as after any interruption.
 *
 * <h2>Why: the crash at SIGTERM (hs_err_pid15169.log)</h2>
 *
 * <b>Cause.</b> On SIGTERM the JVM runs its shutdown hooks and then {@code vm_exit}: the VM thread brings
 * the VM to a final safepoint, waits at most 300 ms for threads that are {@code _thread_in_native}, then
 * calls C {@code exit()}, which runs the atexit handlers and C++ static destructors of every loaded
 * library, libtorch_cpu.so's among them, while the main thread may still be inside a libtorch call (a JNI
 * call does not stop at a safepoint). libtorch then uses objects that were just destroyed. In the committed
 * log the main thread is {@code _thread_in_native} in {@code PyTorchLibrary.torchBackward}, a {@code SIGTERM
 * handler} thread holds {@code Heap_lock} (taken by {@code vm_exit} right before the exit VM operation),
 * the VM state is "at safepoint (shutting down)", the events show the SIGTERM handler at 439.191 s,
 * "Before exit entered" at 439.192 s and the "Exit" VM operation at 439.193 s, and the crash at 439.52 s:
 * the 300 ms wait plus the destructors. The return address on the stack is libtorch_cpu.so+0x11379f6d,
 * inside oneDNN's {@code dnnl_primitive_execute}, just after {@code call *%rax} for the stream's virtual
 * {@code after_exec_hook}: the oneDNN stream object (a static of libtorch's oneDNN integration) had been
 * destroyed by {@code exit()} and its memory reused by malloc, so its "vtable" pointed into the C heap and
 * the call jumped into a non-executable heap page ({@code SEGV_ACCERR}, pc = rax = rdi = the stream's
 * address, in the malloc arena 7fe2a0000000-7fe2a3d4f000). Nothing in the kit or in its data is at
 * fault; any SIGTERM (or {@code System.exit}) that lands during a training step can do this.
 *
 * <p><b>Reproduction.</b> The JVM waits 300 ms for a thread in native code, and each DJL operation is one
 * JNI call, so the crash needs a single call that is still running 300 ms after the exit began: in
 * practice {@code torchBackward}, the whole backward pass in one call. Large batches make it likely. Run
 * the full-profile main job with one seed and 256 samples a batch, and send SIGTERM at a random moment:
 * <pre>
 *   java -XX:ErrorFile=/tmp/r/hs_err_pid%p.log -Dai.djl.offline=true -Dfdcmkd.seeds=0 -Dfdcmkd.batchSize=256 \
 *     -Dfdcmkd.methods=fd-cmkd -Dfdcmkd.teacherEpochs=1 -Dfdcmkd.studentEpochs=20 -Dfdcmkd.maxPairs=2048 \
 *     -Dfdcmkd.output=/tmp/r/out -cp 'lib/target/classes:lib/target/lib/*' dev.cmkd.cli.MainJob &amp;
 *   sleep $((5 + RANDOM % 36)); kill -TERM $!; wait $!   # 143: clean; 134 and an hs_err file: the crash
 * </pre>
 * Without this class that crashed 3 times in 16 SIGTERMs, each time the main thread in {@code
 * torchBackward} and the crash 0.3 to 1.6 s after the "Exit" VM operation (twice inside oneDNN's
 * convolution backward-weights reduction, libtorch_cpu.so+0x135d82e6, jumping to unmapped code; once into
 * the Java heap). With 64-sample batches (short backward calls) none of 17 SIGTERMs crashed (9 with the ci
 * profile, 8 with the full one), and no uninterrupted run did: the crash needs the exit path and a long
 * native call.
 *
 * <p><b>Fix.</b> This guard. With it, the same loop sent 20 SIGTERMs: 0 crashes, every exit 143, and the
 * "stopping: waiting" line whenever a step was in progress. A ci-profile main job stopped 5 times by
 * SIGTERM and started again each time ended with {@code results.csv}, {@code summary.csv}, every run's
 * {@code metrics.csv} (less its wall-time column) and {@code best.params} identical to an uninterrupted
 * run's (same thread count).
 * {@code NativeWorkTest} checks the guard's semantics and, tagged {@code slow}, sends SIGTERM to a child
 * JVM during training and checks that it exits without an hs_err file and that a restart resumes.
 */
public final class NativeWork {

    /** The longest the shutdown hook waits for the steps in progress. */
    public static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(120);

    /** A step entered with {@link #enter}; closing it ends the step. */
    public interface Step extends AutoCloseable {
        /** Ends the step (once; later calls do nothing). */
        @Override
        void close();
    }

    private static final Gate PROCESS = new Gate();

    static {
        Thread hook = new Thread(() -> PROCESS.close(SHUTDOWN_WAIT, System.out::println), "cmkd-native-work-stop");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // first used during shutdown: nothing to protect any more
        }
    }

    private NativeWork() {}

    /** Runs {@code step}, described by {@code what} (e.g. "a training batch of teacher-image-seed0"), guarded. */
    public static void run(String what, Runnable step) {
        PROCESS.run(what, step);
    }

    /** Runs {@code step}, described by {@code what}, guarded, and returns its result. */
    public static <T> T call(String what, Supplier<T> step) {
        return PROCESS.call(what, step);
    }

    /** Begins a guarded step described by {@code what}; close the returned step (try-with-resources) to end it. */
    public static Step enter(String what) {
        return PROCESS.enter(what);
    }

    /** Returns true once the JVM's shutdown has begun waiting for, or blocking, native steps. */
    public static boolean stopping() {
        return PROCESS.stopping();
    }

    /**
     * The mechanism, one per process in {@link NativeWork} (and one per test): steps hold the read lock of a
     * {@link ReentrantReadWriteLock}; {@link #close} takes the write lock and keeps it.
     */
    public static final class Gate {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final Lock steps = lock.readLock();
        private volatile String current = "a native step";
        private volatile boolean stopping;

        /** Runs {@code step} as a guarded step. */
        public void run(String what, Runnable step) {
            call(what, () -> {
                step.run();
                return null;
            });
        }

        /** Runs {@code step} as a guarded step and returns its result. */
        public <T> T call(String what, Supplier<T> step) {
            Step guard = enter(what);
            try {
                return step.get();
            } finally {
                guard.close();
            }
        }

        /** Begins a guarded step; parks for good if {@link #close} has already taken over. */
        public Step enter(String what) {
            steps.lock();
            String outer = current;
            current = what;
            return new Step() {
                private boolean open = true;

                @Override
                public void close() {
                    if (open) {
                        open = false;
                        current = outer;
                        steps.unlock();
                    }
                }
            };
        }

        /** Returns true once {@link #close} has been called. */
        public boolean stopping() {
            return stopping;
        }

        /** Returns the number of steps in progress (nested steps count each). */
        public int inProgress() {
            return lock.getReadLockCount();
        }

        /**
         * Waits at most {@code timeout} until no step is in progress, then blocks every new step for good and
         * returns true; returns false (blocking nothing) when the wait times out or is interrupted. Says one line
         * to {@code log} when it has to wait, and one more when it gives up.
         */
        public boolean close(Duration timeout, Consumer<String> log) {
            stopping = true;
            if (lock.writeLock().tryLock()) {
                return true;
            }
            log.accept("stopping: waiting for " + current + " to finish");
            try {
                if (lock.writeLock().tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.accept("stopping: " + current + " still running after " + timeout.toSeconds()
                    + " s; exiting anyway");
            return false;
        }
    }
}
