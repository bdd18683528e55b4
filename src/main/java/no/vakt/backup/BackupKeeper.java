package no.vakt.backup;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.config.CronSchedule;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;

/**
 * The backups inside {@code vakt run} (with a {@code backup:} section): the continuous archive of the live
 * primary, and {@code backup.schedule}'s base backup followed by the prune. Only while this agent may act (the
 * leader, under its authority); the others keep nothing running and the leader's stream is the only one.
 */
public final class BackupKeeper implements AutoCloseable {
    private static final Duration ROUND = Duration.ofSeconds(1);

    private final VaktConfig config;
    private final Repository repository;
    private final ContinuousArchive archive;
    private final NodeInspector inspector;
    private final Supplier<Node> primary;
    private final BooleanSupplier mayAct;
    private final Clock clock;
    private final Consumer<String> out;
    private final AlertSink alerts;
    private final CronSchedule schedule;
    private volatile Instant nextBackup;
    private volatile boolean running = true;
    private Thread thread;

    private BackupKeeper(VaktConfig config, Repository repository, NodeInspector inspector, Supplier<Node> primary,
            BooleanSupplier mayAct, AlertSink alerts, Clock clock, Consumer<String> out) throws IOException {
        this.config = config;
        this.repository = repository;
        this.inspector = inspector;
        this.primary = primary;
        this.mayAct = mayAct;
        this.clock = clock;
        this.out = out;
        this.alerts = alerts;
        this.archive = new ContinuousArchive(repository, inspector, clock, config.backup().timeout(),
                s -> alerts.send(alert(config.cluster(), s)));
        this.schedule = config.backup().schedule() == null ? null : CronSchedule.parse(config.backup().schedule());
        this.nextBackup = schedule == null ? null : next(clock.instant());
    }

    /** A gap breaks the archive until a base backup; a divergence is told, the archive carrying on from the new primary. */
    static Alert alert(String cluster, ArchiveStatus s) {
        if (s.state() == ArchiveStatus.State.DIVERGED) {
            return new Alert(Severity.WARNING, cluster, "binlog archive: the failover lost transactions", s.detail(),
                    "compare the lost transactions (vakt restore --archive-node with --to-gtid) with what the shop expects",
                    AlertKind.BACKUP_ARCHIVE_DIVERGED, s.node());
        }
        return new Alert(Severity.CRITICAL, cluster, "binlog archive broken (" + s.state().name().toLowerCase() + ")", s.detail(),
                "vakt backup take: a base backup after the break makes restores whole again", AlertKind.BACKUP_ARCHIVE_BROKEN, s.node());
    }

    /**
     * Started when the config has a backup: section; empty otherwise.
     *
     * @param primary the live primary as the monitor last settled it (null before its first look)
     * @param mayAct asked every round: whether this agent acts now (the monitor's acting gate)
     */
    public static Optional<BackupKeeper> startFor(VaktConfig config, Repository repository, Supplier<Node> primary, BooleanSupplier mayAct,
            AlertSink alerts, Clock clock, Consumer<String> out) throws IOException {
        if (!config.backup().configured()) return Optional.empty();
        NodeInspector inspector = new NodeInspector(config.policy().checks().timeout().plus(Duration.ofSeconds(1)));
        BackupKeeper k = new BackupKeeper(config, repository, inspector, primary, mayAct, alerts, clock, out);
        k.thread = new Thread(k::loop, "vakt-backup");
        k.thread.setDaemon(true);
        k.thread.start();
        out.accept("backup: archiving the live primary's binlogs into " + repository.describe()
                + (k.schedule == null ? "" : "; base backups \"" + config.backup().schedule() + "\", next at " + k.nextBackup));
        return Optional.of(k);
    }

    public ArchiveStatus archiveStatus() {
        return archive.status();
    }

    /** What the dashboard, /api/status and /metrics show; empty when the repository cannot be read now. */
    public Optional<BackupView> view(Instant now) {
        try {
            return Optional.of(BackupView.of(repository, Optional.of(archive.status()), now));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void loop() {
        ArchiveStatus.State said = null;
        while (running) {
            try {
                if (mayAct.getAsBoolean()) {
                    Node p = primary.get();
                    if (p != null) archive.tick(p, p.mysql().secret().resolve());
                    if (nextBackup != null && !clock.instant().isBefore(nextBackup)) scheduled();
                } else {
                    archive.pause();
                }
                ArchiveStatus s = archive.status();
                if (s.state() != said) {
                    out.accept("backup: archive " + s.state().name().toLowerCase() + (s.node() == null ? "" : " from " + s.node())
                            + (s.detail().isEmpty() ? "" : ": " + s.detail()));
                    said = s.state();
                }
                Thread.sleep(ROUND.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                out.accept("backup: archive round failed: " + e.getMessage());
                try {
                    Thread.sleep(ROUND.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** The schedule's base backup, then the prune; a failure is said and alerted, and the schedule goes on. */
    private void scheduled() throws InterruptedException {
        nextBackup = next(clock.instant());
        Optional<BackupSource.Choice> c = BackupSource.choose(inspector.inspect(config.primary()), inspector.inspect(config.standby()));
        try {
            if (c.isEmpty()) throw new BackupFailedException("neither server answers");
            if (!c.get().note().isEmpty()) out.accept("backup: " + c.get().note());
            Manifest m = new BaseBackup(config.backup(), repository, clock).take(c.get(), c.get().state().node().mysql().secret().resolve());
            out.accept("backup: " + m.id() + " taken from " + m.node() + " at GTID " + m.gtidEnd() + "; next at " + nextBackup);
            for (String removed : ArchivePrune.run(repository, config.backup().retention(), clock.instant(), false)) {
                out.accept("backup: pruned " + removed);
            }
        } catch (BackupFailedException | IOException e) {
            out.accept("backup: scheduled base backup failed: " + e.getMessage());
            alerts.send(new Alert(Severity.WARNING, config.cluster(), "scheduled base backup failed", e.getMessage(),
                    "vakt backup take (on the standby's host) once the cause is fixed", AlertKind.BACKUP_FAILED, null));
        }
    }

    private Instant next(Instant after) {
        return schedule.next(ZonedDateTime.ofInstant(after, ZoneId.systemDefault())).toInstant();
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        archive.close();
    }
}
