package no.vakt.replication;

import java.io.Closeable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a heartbeat row on the primary every interval (default 250 ms). The standby measures its lag
 * as the age of the newest replicated row ({@link no.vakt.db.NodeInspector}), which keeps growing
 * when replication stalls, unlike Seconds_Behind_Master. Never writes to a read_only node: the check
 * is in the same statement, so a node demoted between two ticks is not written to either.
 */
public final class HeartbeatWriter implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWriter.class);

    /** Writes only when the node is writable; 0 rows affected means read_only. */
    static final String UPSERT = "INSERT INTO vakt.heartbeat (server_id, ts, epoch)"
            + " SELECT @@server_id, UTC_TIMESTAMP(6), ? FROM DUAL WHERE @@GLOBAL.read_only = 0"
            + " ON DUPLICATE KEY UPDATE ts = VALUES(ts), epoch = VALUES(epoch)";

    /** Opens a fresh admin session to the node; called again after every failure. */
    @FunctionalInterface
    public interface Connector {
        DbSession open() throws SQLException;
    }

    public enum Outcome {
        WRITTEN,
        READ_ONLY,
        FAILED
    }

    /** Counters since start; {@code lastError} has no secrets (server error texts only). */
    public record Stats(long written, long skippedReadOnly, long failures, Instant lastWrite, String lastError) {}

    private final Connector connector;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private DbSession session;
    private long epoch;
    private Outcome previous;
    private long written;
    private long skippedReadOnly;
    private long failures;
    private Instant lastWrite;
    private String lastError;
    private ScheduledFuture<?> task;

    public HeartbeatWriter(Connector connector, Duration interval, Clock clock, ScheduledExecutorService scheduler) {
        this.connector = connector;
        this.interval = interval;
        this.clock = clock;
        this.ownScheduler = scheduler == null;
        this.scheduler = scheduler != null ? scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vakt-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** A writer for a node, with short timeouts so a dead primary costs one interval or so, not minutes. */
    public static HeartbeatWriter forNode(Node node, Duration interval, Clock clock) {
        Duration timeout = Duration.ofMillis(Math.max(500, Math.min(2000, interval.toMillis() * 4)));
        return new HeartbeatWriter(() -> DbSession.open(node.mysql(), node.mysql().secret().resolve(), timeout),
                interval, clock, null);
    }

    /** Starts writing every interval in the background. */
    public synchronized HeartbeatWriter start() {
        if (task == null) {
            task = scheduler.scheduleWithFixedDelay(this::tickQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** One heartbeat now: connects if needed, writes unless the node is read_only. */
    public synchronized Outcome writeOnce() {
        Outcome outcome;
        try {
            if (session == null) {
                session = connector.open();
                epoch = readEpoch(session);
            }
            try (PreparedStatement ps = session.connection().prepareStatement(UPSERT)) {
                ps.setLong(1, epoch);
                outcome = ps.executeUpdate() > 0 ? Outcome.WRITTEN : Outcome.READ_ONLY;
            }
        } catch (SQLException | RuntimeException e) {
            outcome = Outcome.FAILED;
            lastError = e instanceof SQLException sql ? Errors.describe(sql) : String.valueOf(e.getMessage());
            if (e instanceof SQLException sql && sql.getErrorCode() == 1146) {
                lastError += " (run vakt replicate first: it creates the vakt schema)";
            }
            closeSession();
        }
        record(outcome);
        return outcome;
    }

    private void record(Outcome outcome) {
        switch (outcome) {
            case WRITTEN -> {
                written++;
                lastWrite = clock.instant();
            }
            case READ_ONLY -> skippedReadOnly++;
            case FAILED -> failures++;
        }
        // Log changes of state once, not every 250 ms.
        if (outcome != previous) {
            switch (outcome) {
                case WRITTEN -> {
                    if (previous != null) LOG.info("heartbeat: writing again");
                }
                case READ_ONLY -> LOG.warn("heartbeat: the node is read_only; not writing until it is writable");
                case FAILED -> LOG.warn("heartbeat: write failed, reconnecting: {}", lastError);
            }
            previous = outcome;
        }
    }

    public synchronized Stats stats() {
        return new Stats(written, skippedReadOnly, failures, lastWrite, lastError);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (task != null) task.cancel(false);
        }
        if (ownScheduler) {
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closeSession();
        }
    }

    private void tickQuietly() {
        try {
            writeOnce();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; keep the heartbeat alive.
            LOG.warn("heartbeat: unexpected error: {}", e.toString());
        }
    }

    /** The cluster's fencing epoch, written with each beat so a standby can tell which primary wrote it. */
    private static long readEpoch(DbSession db) throws SQLException {
        try {
            return db.scalar("SELECT COALESCE(MAX(epoch), 0) FROM vakt.cluster").map(Long::parseLong).orElse(0L);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) return 0;
            throw e;
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
