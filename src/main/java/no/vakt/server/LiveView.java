package no.vakt.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.VaktConfig;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.maintenance.Pause;
import no.vakt.status.NodeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the server shows, from its sources: the status sampler (per node state), the monitor's
 * ticks (health, live roles, lag history), the journal and the optional file sync. Read by HTTP and
 * metrics threads; written only by the monitor's thread (ticks) and the sampler.
 */
final class LiveView {
    private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);

    final VaktConfig config;
    final StatusSampler status;
    final LagHistory lag = new LagHistory();
    final JournalFacts journal;
    private final Supplier<FileSyncBacklog> fileSync;
    final Clock clock;
    /** The commands the page and the API tell a person to run: with the daemon's {@code --config}. */
    final OperatorCommands commands;
    private volatile MonitorTick lastTick;
    private final Supplier<Optional<Pause>> pauseSource;
    private volatile CachedPause cachedPause;

    LiveView(VaktConfig config, StatusSampler status, JournalFacts journal, Supplier<FileSyncBacklog> fileSync, Clock clock,
            OperatorCommands commands) {
        this(config, status, journal, fileSync, clock, commands, Optional::empty);
    }

    /** @param pause the maintenance pause in force (read from the journal) */
    LiveView(VaktConfig config, StatusSampler status, JournalFacts journal, Supplier<FileSyncBacklog> fileSync, Clock clock,
            OperatorCommands commands, Supplier<Optional<Pause>> pause) {
        this.pauseSource = pause;
        this.config = config;
        this.status = status;
        this.journal = journal;
        this.fileSync = fileSync;
        this.clock = clock;
        this.commands = commands;
    }

    /** The monitor's word on a read-only primary (vakt run), empty when none; see {@link #primaryReadOnly()}. */
    private volatile Supplier<Optional<String>> primaryReadOnly = Optional::empty;

    void primaryReadOnly(Supplier<Optional<String>> source) {
        this.primaryReadOnly = source;
    }

    /** Why the live primary is read-only and Vakt leaves it so, as the running monitor sees it. */
    Optional<String> primaryReadOnly() {
        return primaryReadOnly.get();
    }

    /** The backups (vakt run with backup:): the archive's keeper and the repository; empty without. */
    private volatile Supplier<Optional<no.vakt.backup.BackupView>> backup = Optional::empty;
    private volatile CachedBackup cachedBackup;

    private record CachedBackup(Optional<no.vakt.backup.BackupView> view, long atNanos) {}

    void backup(Supplier<Optional<no.vakt.backup.BackupView>> source) {
        this.backup = source;
    }

    /** The backups' view, read at most once a second: a scrape asks for several meters at once. */
    Optional<no.vakt.backup.BackupView> backup() {
        CachedBackup c = cachedBackup;
        long now = System.nanoTime();
        if (c != null && now - c.atNanos() < 1_000_000_000L) return c.view();
        Optional<no.vakt.backup.BackupView> v;
        try {
            v = backup.get();
        } catch (RuntimeException e) {
            LOG.warn("backup status unavailable: {}", e.toString());
            v = Optional.empty();
        }
        cachedBackup = new CachedBackup(v, now);
        return v;
    }

    void observe(MonitorTick tick) {
        lastTick = tick;
        lag.add(LagSample.of(tick));
    }

    Optional<MonitorTick> lastTick() {
        return Optional.ofNullable(lastTick);
    }

    Optional<NodeStatus> node(String name) {
        return status.latest().flatMap(s -> s.report().nodes().stream().filter(n -> n.node().equals(name)).findFirst());
    }

    /**
     * A tick older than this means the monitor stopped ticking: five intervals, at least five seconds
     * (a tick that waits on two dead nodes takes up to twice the probe timeout).
     */
    Duration maxTickAge() {
        Duration fiveTicks = config.policy().checks().interval().multipliedBy(5);
        Duration floor = Duration.ofSeconds(5).plus(config.policy().checks().timeout().multipliedBy(2));
        return fiveTicks.compareTo(floor) > 0 ? fiveTicks : floor;
    }

    /**
     * The maintenance pause in force; re-read from the journal at most every {@link JournalFacts#MAX_AGE}
     * (one query per scrape and poll storm), at once after {@link #pauseChanged()}.
     */
    Optional<Pause> pause() {
        Instant now = clock.instant();
        CachedPause c = cachedPause;
        if (c != null && Duration.between(c.readAt, now).compareTo(JournalFacts.MAX_AGE) < 0) {
            // A cached pause that ran out in between is over: expiry is judged now, not when read.
            return c.pause.filter(p -> p.until().isAfter(now));
        }
        Optional<Pause> p = pauseSource.get();
        cachedPause = new CachedPause(p, now);
        return p;
    }

    void pauseChanged() {
        cachedPause = null;
    }

    private record CachedPause(Optional<Pause> pause, Instant readAt) {}

    Approval approval() {
        var running = journal.get().runningFailover();
        return Approval.decide(config.policy().failover(), lastTick, clock.instant(), maxTickAge(),
                running == null ? null : running.id(), commands);
    }

    boolean fileSyncConfigured() {
        return fileSync != null;
    }

    /**
     * The file sync's report; null when not configured or when it failed to answer. One scrape reads it
     * for a dozen meters: a report younger than {@link #FILE_SYNC_REUSE} is reused, so they agree and the
     * file sync is asked once.
     */
    FileSyncBacklog fileSync() {
        if (fileSync == null) return null;
        Cached c = cachedFileSync;
        long now = System.nanoTime();
        if (c != null && now - c.atNanos < FILE_SYNC_REUSE.toNanos()) return c.backlog;
        FileSyncBacklog b;
        try {
            b = fileSync.get();
        } catch (RuntimeException e) {
            LOG.warn("file sync status failed: {}", e.toString());
            b = null;
        }
        cachedFileSync = new Cached(b, now);
        return b;
    }

    /** Shorter than any poll (the dashboard's 1.5 s, a scrape's seconds), longer than one scrape takes. */
    private static final Duration FILE_SYNC_REUSE = Duration.ofMillis(250);

    private record Cached(FileSyncBacklog backlog, long atNanos) {}

    private volatile Cached cachedFileSync;
}
