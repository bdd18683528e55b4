package no.vakt.drill;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.backup.ArchiveTimeline;
import no.vakt.backup.BackupFailedException;
import no.vakt.backup.BackupSource;
import no.vakt.backup.BinlogArchive;
import no.vakt.backup.Manifest;
import no.vakt.backup.Repository;
import no.vakt.backup.Restore;
import no.vakt.backup.RestoreTarget;
import no.vakt.backup.ScratchServer;
import no.vakt.cluster.GtidPosition;
import no.vakt.cluster.Severity;
import no.vakt.cluster.Sleeper;
import no.vakt.config.Node;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.roles.LiveRole;

/**
 * {@code vakt drill --restore}: the newest base backup plus the binlog archive restored into a scratch
 * server, as far as the archive goes (G); then the standby is held at the same GTID and both are compared
 * table by table (row count and {@code CHECKSUM TABLE} of the replicated databases). The standby cannot go
 * back, so it is caught where it is: it waits until it has G ({@code MASTER_GTID_WAIT}), its SQL thread
 * stops at some S at or past G, one archive round brings the archive to S, and the scratch server replays
 * G..S. The standby's IO thread keeps receiving throughout; its SQL thread is restarted on every path.
 * Reports the restore time and the data age against the objectives, journaled as {@link #EVENT}.
 */
public final class RestoreDrill {
    /** The journal's kind for a finished restore drill: {@code vakt check}'s "restore never drilled" looks for it. */
    public static final EventKind EVENT = EventKind.RESTORE_DRILL;
    /** How long the standby may take to reach the restored position: it replicates, so seconds; a minute is trouble. */
    private static final Duration STANDBY_CATCH_UP = Duration.ofSeconds(60);
    /** A timeline covered this recently is kept by a running stream (vakt run's keeper writes it about once a second). */
    static final Duration STREAM_CURRENT = Duration.ofSeconds(10);
    /** How long the drill waits for that stream to archive the standby's held GTID: a few of its rounds. */
    private static final Duration STREAM_WAIT = Duration.ofSeconds(10);
    private static final Duration STREAM_POLL = Duration.ofMillis(200);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final VaktConfig config;
    private final Path configFile;
    private final Repository repository;
    private final Journal journal;
    private final Clock clock;
    private final AlertSink alerts;
    private final PrintWriter out;

    public RestoreDrill(VaktConfig config, Path configFile, Repository repository, Journal journal, Clock clock, AlertSink alerts,
            PrintWriter out) {
        this.config = config;
        this.configFile = configFile;
        this.repository = repository;
        this.journal = journal;
        this.clock = clock;
        this.alerts = alerts;
        this.out = out;
    }

    /**
     * @param reportDir null: {@code .vakt/drills/<time>-restore/} next to the config
     * @param scratchDir null: {@code scratch/} in the report directory; removed after the drill either way
     */
    public record Options(Path reportDir, Path scratchDir) {}

    /** @param refusal why nothing was done; null when the drill ran (then {@code report} says how it went) */
    public record Outcome(String refusal, RestoreDrillReport report) {
        public boolean passed() {
            return refusal == null && report.passed();
        }
    }

    public Outcome run(Options o) throws IOException, InterruptedException {
        Instant startedAt = clock.instant();
        String drillId = STAMP.format(startedAt) + "-restore";
        Path reportDir = (o.reportDir() != null ? o.reportDir()
                : no.vakt.cluster.StateDir.forConfig(configFile).resolve("drills").resolve(drillId)).toAbsolutePath();
        Optional<String> refused = refusal();
        if (refused.isPresent()) return refuse(refused.get());
        List<Manifest> backups = Manifest.all(repository);
        if (backups.isEmpty()) return refuse("no base backup in " + repository.describe() + ": vakt backup take first");
        Manifest base = backups.get(backups.size() - 1);
        NodeInspector inspector = new NodeInspector(config.policy().checks().timeout().plusSeconds(1));
        NodeState a = inspector.inspect(config.primary());
        NodeState b = inspector.inspect(config.standby());
        NodeState primary = BackupSource.livePrimary(a, b);
        NodeState standby = primary == a ? b : a;
        if (!BackupSource.healthyStandby(standby)) {
            return refuse("the standby " + standby.node().name() + " is not replicating cleanly (" + LiveRole.of(standby).label()
                    + "): the drill compares the restore with a standby held at the same GTID");
        }
        Duration timeout = config.backup().timeout();
        Restore restore = new Restore(repository, timeout);
        String archiveNode;
        try {
            archiveNode = restore.archiveNodeFor(base);
        } catch (BackupFailedException e) {
            return refuse(e.getMessage());
        }
        List<String> reasons = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String primaryAtStart;
        String primaryPassword;
        String standbyPassword;
        try {
            primaryPassword = primary.node().mysql().secret().resolve();
            standbyPassword = standby.node().mysql().secret().resolve();
            try (DbSession db = DbSession.open(primary.node().mysql(), primaryPassword, timeout)) {
                primaryAtStart = db.scalar("SELECT @@gtid_binlog_pos").orElse("");
            }
        } catch (SQLException | SecretRef.SecretUnavailableException e) {
            return refuse("cannot read the primary " + primary.node().name() + ": " + why(e));
        }
        say("restore drill " + drillId + ": backup " + base.id() + " (" + base.node() + ", " + base.finishedAt() + ") + "
                + describeArchive(archiveNode) + " into a scratch server; then compared with " + standby.node().name() + " at the same GTID");

        Path scratch = o.scratchDir() != null ? o.scratchDir().toAbsolutePath() : reportDir.resolve("scratch");
        ScratchServer server = new ScratchServer(scratch, clock, Sleeper.REAL);
        long restoreMs = -1;
        Restore.Outcome restored = null;
        String comparedGtid = null;
        List<TableChecks.Compared> tables = List.of();
        try {
            ScratchServer.prepareHome(scratch);
            Instant t0 = clock.instant();
            restored = restore.runKeepingServer(base, archiveNode, new RestoreTarget.Latest(), server);
            restoreMs = Duration.between(t0, clock.instant()).toMillis();
            say("restored to GTID " + restored.gtidPosition() + " in " + restoreMs + " ms");
            Compare c = compareAtSameGtid(restore, archiveNode, restored.gtidPosition(), server, primary.node(), primaryPassword,
                    standby.node(), standbyPassword, notes);
            comparedGtid = c.gtid();
            tables = c.tables();
        } catch (BackupFailedException | IOException | SQLException e) {
            reasons.add((restored == null ? "the restore failed: " : "the comparison failed: ") + why(e));
        } finally {
            server.discard(timeout);
            notes.add("scratch server stopped, " + scratch + " removed");
        }

        long dataAgeMs = restored == null ? -1 : dataAge(primaryAtStart, restored.gtidPosition(), restored.newestTransaction(), startedAt).toMillis();
        long rto = config.objectives().rto().toMillis();
        long rpo = config.objectives().rpo().toMillis();
        if (restored != null && restoreMs > rto) reasons.add("the restore took " + restoreMs + " ms, over objectives.rto (" + rto + " ms)");
        if (restored != null && dataAgeMs > rpo) {
            reasons.add("the newest restorable point was " + dataAgeMs + " ms old, over objectives.rpo (" + rpo
                    + " ms): is the archive running (vakt backup archive --follow)?");
        }
        for (TableChecks.Compared t : tables) if (!t.equal()) reasons.add(t.table() + " differs from the standby: " + t.difference());
        if (comparedGtid != null && tables.isEmpty()) reasons.add("no table in replication.databases to compare");
        RestoreDrillReport report = new RestoreDrillReport(drillId, config.cluster(), startedAt, clock.instant(), reasons.isEmpty(),
                base.id(), base.node(), base.finishedAt(), archiveNode, primaryAtStart,
                restored == null ? null : restored.gtidPosition(), restored == null ? null : restored.newestTransaction(), restoreMs, rto,
                dataAgeMs, rpo, standby.node().name(), comparedGtid, tables, List.copyOf(reasons), List.copyOf(notes),
                configFile.toAbsolutePath().toString(), Drill.sha256(configFile), no.vakt.process.VaktVersion.get(), reportDir.toString());
        report.write(reportDir);
        journal.append(EVENT, config.cluster(), standby.node().name(), "restore drill " + (report.passed() ? "passed" : "FAILED")
                + ": restore " + restoreMs + " ms, data age " + dataAgeMs + " ms, " + report.tablesDiffering() + " of " + tables.size()
                + " tables differ", journalDetails(report));
        alerts.send(new Alert(report.passed() ? Severity.INFO : Severity.WARNING, config.cluster(),
                "drill restore " + (report.passed() ? "passed" : "FAILED"), report.summary().strip(),
                (report.passed() ? "none; the report: " : "fix what the report lists, then drill again: ") + reportDir + "/report.html",
                AlertKind.DRILL_RESULT, standby.node().name()));
        out.print(report.summary());
        out.flush();
        return new Outcome(null, report);
    }

    private record Compare(String gtid, List<TableChecks.Compared> tables) {}

    /** The standby held at S >= {@code restoredAt}, the scratch server brought to S, both read; the standby released. */
    private Compare compareAtSameGtid(Restore restore, String archiveNode, String restoredAt, ScratchServer server, Node primary,
            String primaryPassword, Node standby, String standbyPassword, List<String> notes)
            throws SQLException, IOException, InterruptedException, BackupFailedException {
        try (DbSession db = DbSession.open(standby.mysql(), standbyPassword, config.backup().timeout())) {
            Optional<String> waited = db.scalar("SELECT MASTER_GTID_WAIT(?, ?)", restoredAt, STANDBY_CATCH_UP.toSeconds());
            if (!"0".equals(waited.orElse(null))) {
                throw new BackupFailedException(standby.name() + " did not reach GTID " + restoredAt + " within "
                        + STANDBY_CATCH_UP.toSeconds() + " s");
            }
            db.execute("STOP SLAVE SQL_THREAD");
            notes.add(standby.name() + ": SQL thread stopped (IO thread still receiving) to compare at one GTID");
            try {
                String held = db.scalar("SELECT @@gtid_slave_pos").orElse("");
                String at = restoredAt;
                if (!GtidPosition.parse(restoredAt).contains(GtidPosition.parse(held))) {
                    archiveUpTo(held, primary, primaryPassword, notes);
                    at = restore.catchUp(archiveNode, restoredAt, held, server);
                    if (!GtidPosition.parse(at).equals(GtidPosition.parse(held))) {
                        throw new BackupFailedException(describeArchive(archiveNode) + " reaches " + at + ", not " + held
                                + " where " + standby.name() + " stopped");
                    }
                    say("caught up the scratch server from " + restoredAt + " to " + held + ", where " + standby.name() + " stopped");
                }
                List<String> dbs = config.replication().databases();
                Map<String, TableChecks.Table> onStandby = TableChecks.read(db.connection(), dbs);
                Map<String, TableChecks.Table> onRestored;
                try (var c = server.connect()) {
                    onRestored = TableChecks.read(c, dbs);
                }
                return new Compare(held, TableChecks.compare(onStandby, onRestored));
            } finally {
                try {
                    db.execute("START SLAVE SQL_THREAD");
                    notes.add(standby.name() + ": SQL thread started again");
                } catch (SQLException e) {
                    String line = "REPLICATION NOT RUNNING on " + standby.name() + ": START SLAVE SQL_THREAD failed: " + Errors.describe(e);
                    notes.add(line);
                    say(line);
                }
            }
        }
    }

    /**
     * Brings the archive to {@code held}. A stream keeps it (vakt run, a current binlog-timeline.json): the drill
     * waits for it, as a second writer into the same files would race it; else one archive round of the primary.
     */
    private void archiveUpTo(String held, Node primary, String primaryPassword, List<String> notes)
            throws IOException, InterruptedException, BackupFailedException {
        Optional<ArchiveTimeline> timeline = ArchiveTimeline.read(repository);
        if (catchUpBy(timeline, clock.instant()) == CatchUp.ONE_ROUND) {
            BinlogArchive.Synced synced = new BinlogArchive(repository, new NodeInspector(config.policy().checks().timeout()
                    .plusSeconds(1)), clock, config.backup().timeout()).sync(primary, primaryPassword);
            notes.add("one archive round of " + primary.name() + " (" + synced.files().size() + " files) to reach " + held);
            return;
        }
        Instant deadline = clock.instant().plus(STREAM_WAIT);
        Instant started = clock.instant();
        while (!covers(timeline, held)) {
            if (clock.instant().isAfter(deadline)) {
                throw new BackupFailedException("the archive kept by the running stream did not reach " + held + " within "
                        + STREAM_WAIT.toSeconds() + " s (it covers " + timeline.map(ArchiveTimeline::coveredGtid).orElse("") + ")");
            }
            Sleeper.REAL.sleep(STREAM_POLL);
            timeline = ArchiveTimeline.read(repository);
        }
        notes.add("waited " + Duration.between(started, clock.instant()).toMillis() + " ms for the streamed archive to reach " + held);
    }

    /** How the drill brings the archive to the standby's held GTID. */
    enum CatchUp { ONE_ROUND, WAIT_FOR_STREAM }

    /** Pure. A timeline the stream wrote within {@link #STREAM_CURRENT} is kept by a running stream: wait for it, do not write. */
    static CatchUp catchUpBy(Optional<ArchiveTimeline> timeline, Instant now) {
        boolean streamed = timeline.map(ArchiveTimeline::streamedAt).filter(at -> !at.isBefore(now.minus(STREAM_CURRENT))).isPresent();
        return streamed ? CatchUp.WAIT_FOR_STREAM : CatchUp.ONE_ROUND;
    }

    private static boolean covers(Optional<ArchiveTimeline> timeline, String gtid) {
        return timeline.isPresent() && GtidPosition.parse(timeline.get().coveredGtid()).contains(GtidPosition.parse(gtid));
    }

    /** What the operator reads: a node's archive, or the stitched one (null: binlog-timeline.json's segments). */
    static String describeArchive(String archiveNode) {
        return archiveNode == null ? "the stitched archive (binlog-timeline.json)" : "the archive of " + archiveNode;
    }

    /**
     * Pure. Zero when the restore held every transaction the primary had when the drill began; else the age
     * of the newest transaction it held (writes after it, up to the drill's start, would be lost).
     */
    static Duration dataAge(String primaryAtStart, String restored, Instant newestRestored, Instant drillStart) {
        if (GtidPosition.parse(restored).contains(GtidPosition.parse(primaryAtStart))) return Duration.ZERO;
        if (newestRestored == null) return Duration.between(Instant.EPOCH, drillStart);
        Duration d = Duration.between(newestRestored, drillStart);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private Optional<String> refusal() {
        if (!config.backup().configured()) return Optional.of("no backup: section in the config: add backup.repository first");
        return journal.unfinishedFailover().map(f -> "a failover is in progress in the journal (" + Drill.describe(f) + ")");
    }

    private Outcome refuse(String why) {
        out.println("restore drill refused: " + why);
        out.flush();
        return new Outcome(why, null);
    }

    private static String why(Exception e) {
        return e instanceof SQLException s ? Errors.describe(s) : e.getMessage();
    }

    private void say(String line) {
        out.println("  " + line);
        out.flush();
    }

    /** The details of the journal's {@link #EVENT} event. */
    static Map<String, Object> journalDetails(RestoreDrillReport r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("drill_id", r.drillId());
        d.put("passed", r.passed());
        d.put("restore_ms", r.restoreMs());
        d.put("rto_objective_ms", r.rtoObjectiveMs());
        d.put("data_age_ms", r.dataAgeMs());
        d.put("rpo_objective_ms", r.rpoObjectiveMs());
        d.put("backup_id", r.backupId());
        d.put("restored_gtid", r.restoredGtid());
        d.put("compared_gtid", r.comparedGtid());
        d.put("tables", r.tables().size());
        d.put("tables_differing", r.tablesDiffering());
        d.put("report_dir", r.reportDir());
        return d;
    }
}
