package org.rapaio.jupyter.kernel.channels;

/**
 * The kit's replacement for rapaio-jupyter-kernel 3.0.1's {@code LoopThread}: same name and API, placed before the
 * kernel's jar on the class path by {@code environment/setup-notebooks.sh}, so the kernel's channels use it.
 *
 * <p>3.0.1 sets its {@code running} flag after {@code Thread.start()}. A loop thread that reaches {@code run()}
 * before that assignment reads {@code false} and ends at once, silently: a shell loop never answers (the client
 * reports "Kernel didn't respond"), a control loop never handles shutdown, a heartbeat loop never beats. Here the
 * flag is set before the thread starts. One pass that throws is reported on stderr instead of ending the channel
 * for good (3.0.1 lets the exception end the thread); ten passes in a row that throw end it, as before.
 */
public final class LoopThread extends Thread {

    private static final int MAX_FAILED_PASSES = 10;

    private volatile boolean running;
    private final long sleepMillis;
    private final Runnable body;

    /**
     * @param name the thread's name
     * @param sleep milliseconds to sleep after each pass
     * @param loopBody one pass of the loop
     */
    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleepMillis = sleep;
        this.body = loopBody;
    }

    @Override
    public void run() {
        int failedInARow = 0;
        while (running) {
            try {
                body.run();
                failedInARow = 0;
            } catch (RuntimeException e) {
                System.err.println("[" + getName() + "] pass failed: " + e);
                if (++failedInARow >= MAX_FAILED_PASSES) {
                    running = false;
                    throw e;
                }
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;   // before the thread exists: run() can never see false first
        super.start();
    }

    /** Ends the loop after its current pass. */
    public void shutdown() {
        running = false;
    }
}
