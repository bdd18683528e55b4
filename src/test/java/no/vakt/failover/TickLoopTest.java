package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The monitor's cadence, with a hand-moved clock and a scheduler the test runs by hand. */
class TickLoopTest {
    static final long MS = 1_000_000L;

    /** Runs pending tasks when the test says; time moves only when a task or the test moves it. */
    static final class ManualScheduler implements TickLoop.Scheduler {
        long now;
        final Deque<long[]> delays = new ArrayDeque<>();
        final Deque<Runnable> pending = new ArrayDeque<>();
        int maxPending;
        boolean shutDown;

        @Override
        public void schedule(Runnable task, long delayNanos) {
            if (shutDown) throw new RejectedExecutionException("shut down");
            pending.add(task);
            delays.add(new long[] {delayNanos});
            maxPending = Math.max(maxPending, pending.size());
        }

        /** Waits out the next task's delay and runs it. */
        void runNext() {
            Runnable task = pending.remove();
            now += delays.remove()[0];
            task.run();
        }
    }

    /** A tick that takes the time the test sets for it (a probe answering, or waiting on a timeout). */
    static final class TimedTick implements Runnable {
        final ManualScheduler clock;
        final List<Long> starts = new ArrayList<>();
        final Deque<Long> durations = new ArrayDeque<>();
        long otherwise;

        TimedTick(ManualScheduler clock, long otherwise) {
            this.clock = clock;
            this.otherwise = otherwise;
        }

        @Override
        public void run() {
            starts.add(clock.now);
            clock.now += durations.isEmpty() ? otherwise : durations.remove();
        }
    }

    private static List<Long> gaps(List<Long> starts) {
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) out.add((starts.get(i) - starts.get(i - 1)) / MS);
        return out;
    }

    @Test
    void theDelayIsWhatIsLeftOfTheIntervalAndNeverNegative() {
        long interval = 1000 * MS;
        assertThat(TickLoop.delayAfter(interval, 0)).isEqualTo(interval);
        assertThat(TickLoop.delayAfter(interval, 10 * MS)).isEqualTo(990 * MS);
        assertThat(TickLoop.delayAfter(interval, interval)).isZero();
        assertThat(TickLoop.delayAfter(interval, 30_000 * MS)).isZero();
        // A clock that went backwards (it is monotonic, but be safe) never makes the wait longer than one interval.
        assertThat(TickLoop.delayAfter(interval, -5 * MS)).isEqualTo(interval);
    }

    @Test
    void ticksStartOneIntervalApartWhileEveryProbeWaitsOutItsTimeout() {
        // A black-holed primary: every tick waits the 1 s connect timeout; checks 1 s.
        ManualScheduler s = new ManualScheduler();
        TimedTick tick = new TimedTick(s, 5 * MS);
        new TickLoop(Duration.ofSeconds(1), () -> s.now, s, tick).start();
        s.runNext(); // healthy
        tick.durations.addAll(List.of(1000 * MS, 1000 * MS, 1000 * MS));
        for (int i = 0; i < 4; i++) s.runNext();
        // Start to start: 1 s, not interval + timeout (2 s) as a fixed delay gave.
        assertThat(gaps(tick.starts)).containsExactly(1000L, 1000L, 1000L, 1000L);

        // With a 400 ms timeout on a 1 s interval, the cadence is still 1 s.
        ManualScheduler s2 = new ManualScheduler();
        TimedTick tick2 = new TimedTick(s2, 400 * MS);
        new TickLoop(Duration.ofSeconds(1), () -> s2.now, s2, tick2).start();
        for (int i = 0; i < 4; i++) s2.runNext();
        assertThat(gaps(tick2.starts)).containsExactly(1000L, 1000L, 1000L);
    }

    @Test
    void aTickLongerThanTheIntervalIsFollowedAtOnceButAStallIsNeverCaughtUp() {
        ManualScheduler s = new ManualScheduler();
        TimedTick tick = new TimedTick(s, 10 * MS);
        new TickLoop(Duration.ofMillis(500), () -> s.now, s, tick).start();
        s.runNext();
        tick.durations.add(30_000 * MS); // a failover inside a tick, a GC pause, a suspended VM
        s.runNext();
        s.runNext();
        s.runNext();
        // After the 30 s tick: the next starts at once, then the cadence is 500 ms again; no burst of the
        // 60 ticks a fixed rate would owe.
        assertThat(gaps(tick.starts)).containsExactly(500L, 30_000L, 500L);
        assertThat(s.maxPending).as("at most one tick is ever pending").isEqualTo(1);
    }

    @Test
    void aShutDownSchedulerEndsTheLoopQuietly() {
        ManualScheduler s = new ManualScheduler();
        TimedTick tick = new TimedTick(s, 10 * MS);
        new TickLoop(Duration.ofMillis(100), () -> s.now, s, tick).start();
        s.runNext();
        s.shutDown = true;
        s.runNext(); // its reschedule is rejected
        assertThat(s.pending).isEmpty();
        assertThat(tick.starts).hasSize(2);
        assertThatThrownBy(() -> new TickLoop(Duration.ZERO, () -> 0, s, tick))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onARealExecutorTicksRunOnOneThreadAndNeverOverlap() throws Exception {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger ticks = new AtomicInteger();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try {
            // Each tick outlasts the 5 ms interval (a probe waiting on its timeout).
            new TickLoop(Duration.ofMillis(5), System::nanoTime,
                    (task, delay) -> executor.schedule(task, delay, TimeUnit.NANOSECONDS), () -> {
                        if (running.incrementAndGet() > 1) overlaps.incrementAndGet();
                        threads.add(Thread.currentThread());
                        LockSupport.parkNanos(8 * MS);
                        running.decrementAndGet();
                        ticks.incrementAndGet();
                    }).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 20);
        } finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(overlaps.get()).isZero();
        assertThat(threads).hasSize(1);
        assertThat(executor.getQueue()).isEmpty();
    }
}
