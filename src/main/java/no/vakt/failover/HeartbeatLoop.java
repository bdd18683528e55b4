package no.vakt.failover;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import no.vakt.config.Node;
import no.vakt.replication.HeartbeatWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's heartbeat on the live primary: a {@link HeartbeatWriter} driven on its own thread, with
 * the time of the last write published where the monitor's tick reads it without waiting. The writer
 * holds its lock through each connect and write, so asking it ({@code stats()}) while the primary is
 * black-holed waited up to a heartbeat connect timeout in every tick, stretching the probe cadence.
 */
final class HeartbeatLoop implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatLoop.class);
    /** As long as {@link HeartbeatWriter#close()} waits for its own thread. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final HeartbeatWriter writer;
    private final java.util.function.BooleanSupplier mayWrite;
    private final ScheduledExecutorService thread;
    private volatile Instant lastWrite;

    private HeartbeatLoop(HeartbeatWriter writer, java.util.function.BooleanSupplier mayWrite) {
        this.writer = writer;
        this.mayWrite = mayWrite;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vakt-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts writing on {@code node} every {@code interval}, each time only if {@code mayWrite} (with agents:
     * only the one with authority writes, so the row has one writer and one clock).
     */
    static HeartbeatLoop start(Node node, Duration interval, Clock clock, java.util.function.BooleanSupplier mayWrite) {
        // Not started: this loop calls writeOnce(), so the writer's own scheduler never runs.
        HeartbeatLoop loop = new HeartbeatLoop(HeartbeatWriter.forNode(node, interval, clock), mayWrite);
        loop.thread.scheduleWithFixedDelay(loop::writeQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return loop;
    }

    /** When the heartbeat was last written, null before the first write. Never blocks. */
    Instant lastWrite() {
        return lastWrite;
    }

    private void writeQuietly() {
        try {
            if (!mayWrite.getAsBoolean()) return;
            if (writer.writeOnce() == HeartbeatWriter.Outcome.WRITTEN) {
                // Only this thread writes, so the writer's lock is free here: the exact time it recorded.
                lastWrite = writer.stats().lastWrite();
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; keep the heartbeat alive.
            LOG.warn("heartbeat: unexpected error: {}", e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) thread.shutdownNow();
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}
