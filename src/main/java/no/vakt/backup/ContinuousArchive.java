package no.vakt.backup;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import no.vakt.cluster.GtidPosition;
import no.vakt.cluster.RetryPolicy;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;

/**
 * The continuous binlog archive: a {@link SpooledStream} from the live primary into the repository,
 * restarted with the one retry policy when it ends, moved to the new primary after a failover or switchover
 * from the last archived GTID (the seam, in {@link ArchiveTimeline}), and measured: each {@link #tick} samples
 * the primary's binlog position and finds what the archive holds ({@link ArchiveCoverage}). Not thread-safe:
 * one caller ticks; {@link #status} may be read from anywhere.
 */
public final class ContinuousArchive implements AutoCloseable {
    /** How old the repository's position may get while nothing is written: well inside a drill's "current" (10 s). */
    static final Duration HEARTBEAT = Duration.ofSeconds(4);
    /** The restart backoff: 1 s doubling to 30 s, for as long as the stream keeps ending. */
    static final RetryPolicy RESTARTS = new RetryPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final Repository repository;
    private final NodeInspector inspector;
    private final Clock clock;
    private final Duration rollover;
    private final Consumer<ArchiveStatus> problems;
    private final ArchiveCoverage coverage = new ArchiveCoverage();
    private ArchiveTimeline timeline;
    private SpooledStream stream;
    private int failures;
    private Instant nextStart = Instant.MIN;
    private Instant lastWritten = Instant.EPOCH;
    private String writtenGtid;
    private volatile ArchiveStatus status = ArchiveStatus.IDLE;

    /**
     * @param rollover the stream's deadline, after which it is restarted where it was (backup.timeout)
     * @param problems told once per change into a broken state (a gap), and of each divergence: the alert
     */
    public ContinuousArchive(Repository repository, NodeInspector inspector, Clock clock, Duration rollover,
            Consumer<ArchiveStatus> problems) throws IOException {
        this.repository = repository;
        this.inspector = inspector;
        this.clock = clock;
        this.rollover = rollover;
        this.problems = problems;
        this.timeline = ArchiveTimeline.read(repository).orElse(ArchiveTimeline.EMPTY);
        if (timeline.coveredAt() != null) {
            status = new ArchiveStatus(ArchiveStatus.State.IDLE, timeline.currentNode().orElse(null), timeline.coveredGtid(),
                    timeline.coveredAt(), "");
        }
    }

    public ArchiveStatus status() {
        return status;
    }

    /** One round: keeps a stream running from {@code primary}, then measures what is archived. */
    public ArchiveStatus tick(Node primary, String password) throws IOException, InterruptedException {
        if (stream != null && !stream.node().equals(primary.name())) {
            // The roles changed: the old primary's stream stops; the new one's starts from the seam.
            stopStream();
            failures = 0;
            nextStart = Instant.MIN;
        }
        if (stream != null && stream.end() != null) {
            BinlogStream.End end = stream.end();
            stopStream(); // uploads what it had written, ends its upload thread, removes its spool
            failures++;
            nextStart = clock.instant().plus(end instanceof BinlogStream.RolledOver ? Duration.ZERO : RESTARTS.backoff(failures));
            if (end instanceof BinlogStream.Failed f && !status.state().broken()) set(status.with(ArchiveStatus.State.RESTARTING, f.why()));
        }
        try (DbSession db = inspector.open(primary)) {
            if (stream == null && !clock.instant().isBefore(nextStart)) startOn(primary, password, db);
            if (stream != null) measure(primary, db);
        } catch (SQLException e) {
            if (stream == null) set(status.with(ArchiveStatus.State.RESTARTING, "cannot read " + primary.name() + ": " + e.getMessage()));
        }
        return status;
    }

    private void startOn(Node primary, String password, DbSession db) throws SQLException, IOException {
        List<ResumePoint.ServerBinlog> binlogs = new ArrayList<>();
        boolean newNode = timeline.currentNode().filter(primary.name()::equals).isEmpty();
        Seam seam;
        try (Statement s = db.connection().createStatement()) {
            String position = one(s, "SELECT @@gtid_binlog_pos");
            String applied = one(s, "SELECT @@gtid_slave_pos");
            seam = newNode ? Seam.choose(timeline.coveredGtid(), applied, position) : new Seam(timeline.coveredGtid(), List.of());
            List<String> names = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SHOW BINARY LOGS")) {
                while (r.next()) names.add(r.getString(1));
            }
            // From the newest back to the first that begins inside the archive: a server may keep thousands of binlogs.
            GtidPosition have = GtidPosition.parse(seam.after());
            for (int i = names.size() - 1; i >= 0; i--) {
                String starts = have.isEmpty() && i > 0 ? "" : startsAfter(s, names.get(i));
                binlogs.add(0, new ResumePoint.ServerBinlog(names.get(i), starts));
                if (!have.isEmpty() && have.contains(GtidPosition.parse(starts))) break;
            }
        }
        if (binlogs.isEmpty()) {
            set(status.with(ArchiveStatus.State.RESTARTING, primary.name() + " has no binary log (log_bin is off)"));
            return;
        }
        ArchiveStatus.State state = ArchiveStatus.State.STREAMING;
        String why = "";
        if (!seam.lost().isEmpty()) {
            state = ArchiveStatus.State.DIVERGED;
            String old = timeline.currentNode().orElse("?");
            why = "the new primary " + primary.name() + " lacks " + seam.lost() + " that the archive has from " + old
                    + ": the failover lost them; the archive follows " + primary.name() + " from GTID " + seam.after()
                    + " (what it had), and the lost transactions stay in " + old + "'s archive past the seam";
        }
        ResumePoint start = ResumePoint.choose(primary.name(), binlogs, seam.after());
        String first;
        if (start instanceof ResumePoint.Gap g) {
            state = ArchiveStatus.State.GAP;
            why = g.describe() + "; take a base backup: restores from it are whole again";
            first = g.oldestFile();
        } else {
            first = ((ResumePoint.Start) start).file();
        }
        timeline = timeline.following(primary.name(), seam.after());
        if (state.broken()) timeline = timeline.broken(why, clock.instant());
        timeline = timeline.streamed(clock.instant());
        timeline.write(repository);
        writtenGtid = timeline.coveredGtid();
        lastWritten = clock.instant();
        coverage.clear();
        stream = SpooledStream.start(repository, primary, password, first, rollover);
        ArchiveStatus next = new ArchiveStatus(state, primary.name(), timeline.coveredGtid(), timeline.coveredAt(), why);
        // Said once: a gap when the archive becomes broken, a divergence when the archive moves to the new primary.
        boolean tell = state == ArchiveStatus.State.DIVERGED || (state.broken() && !status.state().broken());
        set(status.state().broken() && !state.broken() ? next.with(status.state(), status.detail()) : next);
        if (tell) problems.accept(next);
    }

    /** Samples the primary's position, then advances the archive's to the newest sample it now holds. */
    private void measure(Node primary, DbSession db) throws SQLException, IOException {
        Instant at = clock.instant();
        try (Statement s = db.connection().createStatement()) {
            // The GTID first, the byte position after: the position then covers at least that GTID.
            String gtid = one(s, "SELECT @@gtid_binlog_pos");
            try (ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
                if (r.next()) coverage.add(new ArchiveCoverage.Sample(r.getString(1), r.getLong(2), gtid, at));
            }
        }
        SpooledStream streaming = stream;
        var newest = coverage.advance(streaming::archivedBytes);
        String uploadProblem = streaming.uploadProblem();
        if (newest.isEmpty()) {
            // A streaming archive's detail is why its uploads fail, if they do; other states keep theirs.
            if (status.state() == ArchiveStatus.State.STREAMING && !uploadProblem.equals(status.detail())) {
                set(status.with(status.state(), uploadProblem));
            }
            return;
        }
        if (failures > 0) failures = 0;
        timeline = timeline.covered(newest.get().gtid(), newest.get().at());
        ArchiveStatus.State state = status.state().broken() ? status.state() : ArchiveStatus.State.STREAMING;
        set(new ArchiveStatus(state, primary.name(), timeline.coveredGtid(), timeline.coveredAt(), state.broken() ? status.detail() : uploadProblem));
        // The repository's copy of the position is for restores and other processes: when it moved, at most once a
        // second (a PUT each time on S3), and every few seconds regardless, so a drill sees the stream is alive.
        long sinceWritten = Duration.between(lastWritten, at).toMillis();
        if ((!timeline.coveredGtid().equals(writtenGtid) && sinceWritten >= 1000) || sinceWritten >= HEARTBEAT.toMillis()) {
            timeline = timeline.streamed(at);
            timeline.write(repository);
            lastWritten = at;
            writtenGtid = timeline.coveredGtid();
        }
    }

    /** The GTID position a binlog begins after, from its Gtid_list event ("[0-1-5,1-2-3]"). */
    private static String startsAfter(Statement s, String file) throws SQLException {
        try (ResultSet r = s.executeQuery("SHOW BINLOG EVENTS IN '" + file.replace("'", "") + "' LIMIT 4")) {
            while (r.next()) {
                if ("Gtid_list".equals(r.getString("Event_type"))) {
                    String info = r.getString("Info").strip();
                    return info.substring(1, info.length() - 1);
                }
            }
        }
        return "";
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1) == null ? "" : r.getString(1);
        }
    }

    private void set(ArchiveStatus s) {
        status = s;
    }

    /** Stops streaming (this agent no longer leads, or the archive is shut down); the next tick starts again. */
    public void pause() {
        stopStream();
        if (status.state() == ArchiveStatus.State.STREAMING || status.state() == ArchiveStatus.State.RESTARTING) {
            set(status.with(ArchiveStatus.State.IDLE, ""));
        }
    }

    private void stopStream() {
        if (stream != null) stream.close();
        stream = null;
    }

    /** Stops the stream. The position in the repository is at most a second old: a lower bound, which is all a seam needs. */
    @Override
    public void close() {
        stopStream();
    }
}
