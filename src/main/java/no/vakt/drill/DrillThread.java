package no.vakt.drill;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The daemon thread behind a drill's load writer and health reader: started once, its loop runs while
 * {@link #running}; closing ends it after the iteration in flight, interrupting it past {@code join}.
 */
final class DrillThread {
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread thread;

    void start(String name, Runnable loop) {
        if (!running.compareAndSet(false, true)) throw new IllegalStateException("already started");
        Thread t = new Thread(loop, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    boolean running() {
        return running.get();
    }

    /** The loop ends after this iteration (an interrupt was seen). */
    void halt() {
        running.set(false);
    }

    /** Sleeps on the loop's thread; an interrupt ends the loop after this iteration. */
    void sleepNanos(long nanos) {
        if (nanos <= 0) return;
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            halt();
            Thread.currentThread().interrupt();
        }
    }

    void close(Duration join) {
        running.set(false);
        Thread t = thread;
        if (t == null) return;
        try {
            t.join(join.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) t.interrupt();
    }
}
