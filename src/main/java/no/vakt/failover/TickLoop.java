package no.vakt.failover;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Runs the monitor's tick every {@code interval}, measured from the start of one tick to the start of the
 * next: a tick that waited a full probe timeout on a dead primary does not stretch the cadence to
 * interval + timeout (as a fixed delay between ticks would). Each run schedules the next one at
 * {@link #delayAfter max(0, interval - elapsed)}, so:
 * <ul>
 *   <li>ticks never overlap: the next is scheduled only when the current one has returned, and at most
 *       one is ever pending;
 *   <li>a tick that took longer than the interval is followed at once by the next, but a stall (a long
 *       failover inside a tick, a GC pause, a suspended VM) is never followed by a burst of catch-up
 *       ticks, as a fixed rate would do: missed ticks are dropped, not owed.
 * </ul>
 * The time source and the scheduler are injected (a monotonic nanosecond clock, never the wall clock,
 * which jumps), so the cadence is tested without waiting. Confinement is the scheduler's: on a
 * single-thread executor every tick runs on that one thread. A rejected schedule (the executor was shut
 * down) ends the loop quietly.
 */
final class TickLoop {
    /** Where the next run goes; production hands it to a single-thread {@code ScheduledExecutorService}. */
    @FunctionalInterface
    interface Scheduler {
        /** Runs {@code task} after {@code delayNanos}; throws RejectedExecutionException once shut down. */
        void schedule(Runnable task, long delayNanos);
    }

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Scheduler scheduler;
    private final Runnable tick;

    TickLoop(Duration interval, LongSupplier nanoTime, Scheduler scheduler, Runnable tick) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive, got " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.scheduler = scheduler;
        this.tick = tick;
    }

    /** Schedules the first tick at once. */
    void start() {
        scheduler.schedule(this::runOnce, 0);
    }

    /** How long to wait after a tick that took {@code elapsedNanos} before the next one starts. Pure. */
    static long delayAfter(long intervalNanos, long elapsedNanos) {
        return Math.max(0, intervalNanos - Math.max(0, elapsedNanos));
    }

    private void runOnce() {
        long started = nanoTime.getAsLong();
        // The tick handles its own failures (Monitor.tickSafely); an Error ends the loop, as it always did.
        tick.run();
        long delay = delayAfter(intervalNanos, nanoTime.getAsLong() - started);
        try {
            scheduler.schedule(this::runOnce, delay);
        } catch (RejectedExecutionException e) {
            // Shut down while this tick ran: no next tick.
        }
    }
}
