package no.vakt.server;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.filesync.FileSyncSnapshot;
import no.vakt.status.StatusProbe;
import no.vakt.status.StatusReport;

/**
 * Runs the same inspection as {@code vakt status} in the background and keeps the latest report, so an
 * HTTP request never waits on a database (a dead node takes up to the probe deadline to give up).
 * One daemon thread, fixed delay: a slow probe never piles up probes.
 *
 * <p>Like {@code vakt status}, the report is made with the file sync's snapshot (the running sync's own,
 * here), so its warnings name held-back deletes and failing pushes too; the sample keeps that snapshot
 * so {@code /api/status}'s {@code file_sync} part and its warnings come from the same reading.
 */
public final class StatusSampler implements Closeable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatusSampler.class);

    /**
     * The latest report and what it was made from.
     *
     * @param fileSync the file sync snapshot the report's warnings saw; empty without file sync in this process
     * @param at when the report was made (also the instant a stale snapshot is judged at)
     */
    public record Sample(StatusReport report, List<NodeState> states, Optional<FileSyncSnapshot> fileSync,
            Instant at) {}

    private final VaktConfig config;
    private final StatusProbe probe;
    private final Clock clock;
    private final Duration period;
    private final Supplier<Optional<FileSyncSnapshot>> fileSync;
    private final AtomicReference<Sample> latest = new AtomicReference<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vakt-status-sampler");
        t.setDaemon(true);
        return t;
    });

    /** @param fileSync the running file sync's snapshot ({@code Optional::empty} without one) */
    public StatusSampler(VaktConfig config, Clock clock, Duration period, Supplier<Optional<FileSyncSnapshot>> fileSync) {
        this.config = config;
        // Display only, never a liveness verdict (the monitor's probe is): sessions kept between samples.
        this.probe = StatusProbe.keeping(config);
        this.clock = clock;
        this.period = period;
        this.fileSync = fileSync;
    }

    public StatusSampler start() {
        scheduler.scheduleWithFixedDelay(this::sampleSafely, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public Optional<Sample> latest() {
        return Optional.ofNullable(latest.get());
    }

    private void sampleSafely() {
        try {
            List<NodeState> states = probe.inspectAll(config);
            Instant now = clock.instant();
            Optional<FileSyncSnapshot> files = fileSyncSnapshot();
            latest.set(new Sample(StatusReport.from(config, states, now, files), states, files, now));
        } catch (RuntimeException e) {
            // A scheduled task that throws never runs again: keep sampling.
            LOG.warn("status sample failed: {}", e.toString());
        }
    }

    /** A file sync that fails to report must not stop the node rows: the report is made without it. */
    private Optional<FileSyncSnapshot> fileSyncSnapshot() {
        try {
            return fileSync.get();
        } catch (RuntimeException e) {
            LOG.warn("file sync status failed: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        probe.close();
    }
}
