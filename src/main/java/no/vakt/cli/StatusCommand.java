package no.vakt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.CoordinatorStatus;
import no.vakt.coordination.SessionState;
import no.vakt.coordination.ZooKeeperLook;
import no.vakt.db.NodeState;
import no.vakt.backup.BackupView;
import no.vakt.filesync.FileSyncSnapshot;
import no.vakt.filesync.FileSyncStatusView;
import no.vakt.filesync.StatusFile;
import no.vakt.journal.ClusterLock;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalException;
import no.vakt.maintenance.Maintenance;
import no.vakt.maintenance.MaintenanceJson;
import no.vakt.maintenance.Pause;
import no.vakt.status.StatusJson;
import no.vakt.status.StatusProbe;
import no.vakt.status.StatusReport;
import no.vakt.status.StatusTable;
import no.vakt.traffic.TrafficState;
import no.vakt.warmup.Warmth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt status}: every node's live state in one table (or JSON, see {@link StatusReport}). */
@Command(name = "status", header = "Live state of every node: role, replication, lag", mixinStandardHelpOptions = true,
        description = {"Live state of every node: role, replication, lag.",
            "",
            "Per node: live and configured role, reachable, read_only, GTID position, IO/SQL threads,"
                    + " heartbeat lag next to Seconds_Behind_Master, semi-sync, last error; then the file sync"
                    + " part and the warnings (lag over the RPO, a stopped heartbeat writer, a semi-sync"
                    + " fallback, deletes held back, a failing file push...).",
            "The journal is read (never created) for a traffic switch left pending and a maintenance pause.",
            "Exit 0 when every node is reachable, 1 otherwise (warnings do not change it)."},
        footer = {"", "--json prints one object (null where unknown or not applicable):",
            "  cluster, generated_at (ISO-8601 UTC), all_reachable,",
            "  warnings[] (sentences), nodes[] with: site, node, address,",
            "  configured_role, live_role (primary|standby|idle|unknown),",
            "  role_mismatch, reachable, error, server_id, version, read_only,",
            "  gtid_current_pos, gtid_binlog_pos, gtid_slave_pos,",
            "  replicating_from (host:port), replicating_from_node,",
            "  io_thread, sql_thread (Yes|No|Connecting),",
            "  heartbeat_lag_ms (standbys only), heartbeat_lag_basis (source|age),",
            "  heartbeat_age_ms, seconds_behind_master,",
            "  semi_sync (on|fallback|enabled|off), last_error;",
            "  file_sync (null without files: directories): state, source, target,",
            "  pending_changes, oldest_unsynced_ms, last_success, files_sent,",
            "  bytes_sent, deletes, rsync_failures, push_failures, directories[];",
            "  maintenance (vakt pause, from the journal): paused, since, until,",
            "  remaining_ms, reason, by, token_role;",
            "  coordination: mode (local|zookeeper), agent, leader, leader_api, session,",
            "  session_since, authority, reason, epoch (in ZooKeeper), agents[] (name, role,",
            "  api, since) (docs/ha.md);",
            "  warmup (null before vakt run's first warmup refresh): at, standby, warmth,",
            "  pages_asked, physical_reads (docs/warm.md)"})
public final class StatusCommand implements Callable<Integer> {
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @Mixin
    ConfigAndJournal config;

    @Mixin
    JsonOption json;

    @Option(names = "--watch", description = "Redraw every --interval until Ctrl-C (with --json: one JSON object per line)")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
            description = "Time between redraws with --watch (default: ${DEFAULT-VALUE})")
    Duration interval;

    // Bounds --watch for tests and scripts.
    @Option(names = "--count", hidden = true, paramLabel = "N", description = "Stop --watch after N reports")
    Long count;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        Duration every = parseInterval();
        VaktConfig cfg = config.load();
        StatusProbe probe = StatusProbe.forConfig(cfg);
        Path journalPath = config.journal();
        OperatorCommands commands = OperatorCommands.of(config.path(), journalPath);
        PrintWriter out = config.out();
        long reports = watch ? (count != null ? count : Long.MAX_VALUE) : 1;
        boolean clear = watch && !json.on && System.console() != null;
        StatusReport last = null;
        for (long i = 0; i < reports; i++) {
            long started = System.nanoTime();
            List<NodeState> states = probe.inspectAll(cfg);
            Instant now = clock.instant();
            Optional<FileSyncSnapshot> files = StatusFile.read(StatusFile.forConfig(config.path()));
            last = StatusReport.from(cfg, states, now, files);
            FromJournal fromJournal = fromJournal(cfg, journalPath);
            Optional<TrafficState.Pending> traffic = fromJournal.traffic();
            if (traffic.isPresent()) last = last.withFirstWarning(traffic.get().warning(commands.trafficApply()));
            Optional<Pause> pause = fromJournal.pause();
            if (pause.isPresent()) last = last.withFirstWarning(MaintenanceJson.warning(pause.get()));
            if (clear) out.print(CLEAR_SCREEN);
            else if (watch && !json.on && i > 0) out.println();
            // The table names the agents only with coordination: (the look connects to ZooKeeper, within its timeout).
            boolean look = json.on || cfg.coordinationSection().isPresent();
            out.print(render(cfg, last, files, now, pause, look ? coordination(cfg, journalPath) : null,
                    warmth(cfg, journalPath)));
            if (watch && !json.on) out.printf("(every %s; Ctrl-C to stop)%n", Durations.format(every));
            out.flush();
            if (i + 1 < reports && !pause(every.minusNanos(System.nanoTime() - started))) break;
        }
        return last != null && last.allReachable() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private String render(VaktConfig cfg, StatusReport report, Optional<FileSyncSnapshot> files, Instant now,
            Optional<Pause> pause, CoordinatorStatus coordination, Optional<Warmth> warmth) {
        if (!json.on) {
            return StatusTable.render(report) + FileSyncStatusView.text(cfg, files, now)
                    + warmth.map(w -> w.line(now) + System.lineSeparator()).orElse("")
                    + backup(cfg, now).map(b -> String.join(System.lineSeparator(), b.lines(now)) + System.lineSeparator()).orElse("")
                    + (coordination == null ? "" : coordination.text());
        }
        var node = FileSyncStatusView.withJson(StatusJson.mapper().valueToTree(report), cfg, files, now);
        if (node instanceof ObjectNode o) {
            o.set(MaintenanceJson.KEY, StatusJson.mapper().valueToTree(MaintenanceJson.of(pause, now)));
            o.set("coordination", StatusJson.mapper().valueToTree(coordination.json()));
            o.set("warmup", StatusJson.mapper().valueToTree(warmth.orElse(null)));
            o.set("backup", StatusJson.mapper().valueToTree(backup(cfg, now).map(BackupView::json).orElse(null)));
        }
        return (watch ? node.toString() : node.toPrettyString()) + System.lineSeparator();
    }

    /**
     * Who may act: with {@code coordination:} the election's leader as ZooKeeper shows it (a read-only look,
     * bounded by the connection timeout); without, the {@code vakt run} holding the journal's cluster lock.
     */
    private CoordinatorStatus coordination(VaktConfig cfg, Path journalPath) {
        if (cfg.coordinationSection().isPresent()) return ZooKeeperLook.of(cfg.coordinationSection().get(), clock);
        Optional<ClusterLock.Holder> holder = ClusterLock.holder(journalPath);
        String me = ClusterLock.hostName();
        return holder.map(h -> new CoordinatorStatus(CoordinatorStatus.Mode.LOCAL, me, h.host(), SessionState.LOCAL,
                        h.started(), h.host().equals(me), h.describe() + " holds the journal's cluster lock"))
                .orElseGet(() -> new CoordinatorStatus(CoordinatorStatus.Mode.LOCAL, me, null, SessionState.LOCAL, null, false,
                        "no vakt run holds the journal's cluster lock"));
    }

    /** What only the journal knows: a traffic switch left pending, and a maintenance pause in force. */
    private record FromJournal(Optional<TrafficState.Pending> traffic, Optional<Pause> pause) {}

    /**
     * A traffic switch left pending (the failover promoted, users were not moved) and a maintenance pause
     * (vakt pause, ending by itself at this clock's now): the journal knows them, the servers cannot show them.
     * Read only when a journal exists (status never creates one); unreadable: stderr.
     */
    private FromJournal fromJournal(VaktConfig cfg, Path file) {
        try {
            return Journal.readIfPresent(file, clock, j -> new FromJournal(TrafficState.pending(j, cfg.cluster()),
                    new Maintenance(j, cfg.cluster(), clock).active()), new FromJournal(Optional.empty(), Optional.empty()));
        } catch (JournalException e) {
            config.err().println("vakt status: " + e.getMessage() + "; a pending traffic switch or a"
                    + " maintenance pause would not be shown");
            return new FromJournal(Optional.empty(), Optional.empty());
        }
    }

    /** The newest base backup and the archive's lag, as the repository records them (docs/backup.md); empty without backup:. */
    private Optional<BackupView> backup(VaktConfig cfg, Instant now) {
        if (!cfg.backup().configured()) return Optional.empty();
        try {
            return Optional.of(BackupView.of(BackupSetup.repository(cfg), Optional.empty(), now));
        } catch (java.io.IOException e) {
            config.err().println("vakt status: cannot read the backup repository: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The standby's warmth at vakt run's last warmup refresh (docs/warm.md); empty without one. */
    private Optional<Warmth> warmth(VaktConfig cfg, Path file) {
        try {
            return Journal.readIfPresent(file, clock, j -> Warmth.latest(j, cfg.cluster()), Optional.empty());
        } catch (JournalException e) {
            return Optional.empty(); // fromJournal already said the journal is unreadable
        }
    }

    private Duration parseInterval() {
        if (count != null && count < 1) throw new UsageException("--count must be at least 1");
        if (interval.toMillis() < 100) throw new UsageException("--interval must be at least 100ms");
        return interval;
    }

    /** False when interrupted (Ctrl-C in an embedding program): stop watching. */
    private static boolean pause(Duration d) {
        if (d.isNegative() || d.isZero()) return true;
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
