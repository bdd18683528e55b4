package no.vakt.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vakt's durable local journal: observations that changed state, every failover and its steps, alerts,
 * operator actions and epochs, in one SQLite file.
 *
 * <p>Durability: WAL mode with {@code synchronous=FULL}, so every committed write is fsynced before the
 * call returns. A step journaled as started before it runs is therefore still there after a kill -9,
 * which is what crash recovery relies on.
 *
 * <p>Ownership: this object owns its single connection; every public method is {@code synchronized} on
 * it, so one instance can be shared by the daemon's threads. Other processes (for example
 * {@code vakt history} while {@code vakt run} writes) open their own instance; WAL lets them read while
 * the daemon writes, and a busy timeout covers the short write locks.
 *
 * <p>Secrets: the journal stores exactly what callers pass and nothing else. Callers must pass
 * evidence (states, errors, positions, node names), never credentials or connection strings with
 * passwords. As a guard against mistakes, detail keys that look like secrets are rejected.
 */
public final class Journal implements AutoCloseable {
    private static final int SCHEMA_VERSION = 4;
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret).*");
    private static final ObjectMapper JSON = JournalJson.mapper();

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path file;
    private final Clock clock;
    private Connection connection;
    /** Writes the journal could not take (disk full, lock held past the busy timeout), oldest first. */
    private final java.util.ArrayDeque<Deferred> backlog = new java.util.ArrayDeque<>();
    private String lastProblem;
    /** While a kept write is replayed: the time it happened, for its time stamps. */
    private Long replayAt;

    /**
     * What {@code read} finds in the journal at {@code file}, or {@code absent} when there is no journal: a
     * missing journal means nothing happened yet, and a reader does not create one just to read it.
     */
    public static <T> T readIfPresent(Path file, Clock clock, java.util.function.Function<Journal, T> read, T absent) {
        if (!java.nio.file.Files.exists(file)) return absent;
        try (Journal journal = new Journal(file, clock)) {
            return read.apply(journal);
        }
    }

    /** Opens (creating when missing) the journal at {@code file}; time stamps come from {@code clock}. */
    public Journal(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        try {
            prepareFile(file);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout=5000");
                try (ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
                    if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                        throw new SQLException("could not switch the journal to WAL mode");
                    }
                }
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA foreign_keys=ON");
            }
            this.connection = c;
            createSchema();
        } catch (SQLException | IOException e) {
            closeQuietly();
            throw new JournalException("cannot open the journal " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    // ---- events ----

    /**
     * Appends one event and returns its id. {@code details} may be null or empty; its values must be
     * serialisable by Jackson. Keys that look like secrets are refused (see the class comment).
     */
    public synchronized long append(EventKind kind, String cluster, String node, String summary, Map<String, ?> details) {
        return write(() -> insertEvent(kind, cluster, node, summary, null, details));
    }

    /** The newest {@code limit} events, oldest first (a timeline). */
    public synchronized List<JournalEvent> history(int limit) {
        requirePositive(limit);
        return read(() -> oldestFirst(rows(EVENTS + " ORDER BY id DESC LIMIT ?", this::event, limit)));
    }

    /** The newest {@code limit} events of one kind, oldest first. */
    public synchronized List<JournalEvent> history(EventKind kind, int limit) {
        requirePositive(limit);
        return read(() -> oldestFirst(rows(EVENTS + " WHERE kind = ? ORDER BY id DESC LIMIT ?", this::event, kind.label(), limit)));
    }

    /** At most {@code limit} events with an id above {@code afterId}, oldest first: for readers that follow the journal. */
    public synchronized List<JournalEvent> eventsAfter(long afterId, int limit) {
        requirePositive(limit);
        return read(() -> rows(EVENTS + " WHERE id > ? ORDER BY id LIMIT ?", this::event, afterId, limit));
    }

    /** The newest event of {@code kind} for {@code cluster}, if any. */
    public synchronized Optional<JournalEvent> latest(EventKind kind, String cluster) {
        return read(() -> first(EVENTS + " WHERE kind = ? AND cluster = ? ORDER BY id DESC LIMIT 1", this::event,
                kind.label(), cluster));
    }

    // ---- failovers ----

    /**
     * Records that a failover begins and returns its id. At most one failover runs at a time: this
     * refuses (IllegalStateException) while another is still {@code running}, including one left by a
     * crash, which crash recovery must settle first.
     */
    public synchronized long beginFailover(NewFailover f) {
        flushBacklog(); // a previous failover's end may be waiting for a writable journal
        Optional<FailoverRecord> running = unfinishedFailover();
        if (running.isPresent()) {
            throw new IllegalStateException("failover " + running.get().id() + " is still running");
        }
        return write(() -> {
            long id = insertFailover(f, null, null);
            insertEvent(EventKind.FAILOVER_STEP, f.cluster(), f.toNode(),
                    "failover " + id + " started: " + f.fromNode() + " -> " + f.toNode(), id,
                    failoverDetails(f));
            return id;
        });
    }

    /** Records a failover that a rule refused before it started, with the reason. */
    public synchronized long recordRefusal(NewFailover f, String reason) {
        return write(() -> {
            long id = insertFailover(f, FailoverEnding.REFUSED, reason);
            Map<String, Object> details = failoverDetails(f);
            details.put("reason", reason);
            insertEvent(EventKind.FAILOVER_STEP, f.cluster(), f.toNode(),
                    "failover " + f.fromNode() + " -> " + f.toNode() + " refused: " + reason, id, details);
            return id;
        });
    }

    /** Records that a step starts (before it does anything) and returns its sequence number. */
    public synchronized int stepStarted(long failoverId, String name) {
        return write(stepStartedWork(failoverId, name));
    }

    private Work<Integer> stepStartedWork(long failoverId, String name) {
        return () -> {
            FailoverRecord f = requireRunning(failoverId);
            int seq = f.steps().stream().mapToInt(StepRecord::seq).max().orElse(0) + 1;
            try (PreparedStatement ps = connection().prepareStatement(
                    "INSERT INTO steps (failover_id, seq, name, started_at) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, failoverId);
                ps.setInt(2, seq);
                ps.setString(3, name);
                ps.setLong(4, now());
                ps.executeUpdate();
            }
            insertEvent(EventKind.FAILOVER_STEP, f.cluster(), null,
                    "failover " + failoverId + " step " + seq + " " + name + " started", failoverId,
                    Map.of("step", name, "seq", seq));
            return seq;
        };
    }

    /** Records how a step ended. */
    public synchronized void stepFinished(long failoverId, int seq, StepOutcome outcome, String detail) {
        write(stepFinishedWork(failoverId, seq, outcome, detail));
    }

    private Work<Void> stepFinishedWork(long failoverId, int seq, StepOutcome outcome, String detail) {
        return () -> {
            FailoverRecord f = requireRunning(failoverId);
            StepRecord step = f.steps().stream().filter(s -> s.seq() == seq).findFirst()
                    .orElseThrow(() -> new IllegalStateException("failover " + failoverId + " has no step " + seq));
            if (step.finished()) {
                throw new IllegalStateException("step " + seq + " of failover " + failoverId + " already finished");
            }
            try (PreparedStatement ps = connection().prepareStatement(
                    "UPDATE steps SET ended_at = ?, outcome = ?, detail = ? WHERE failover_id = ? AND seq = ?")) {
                ps.setLong(1, now());
                ps.setString(2, outcome.label());
                ps.setString(3, detail);
                ps.setLong(4, failoverId);
                ps.setInt(5, seq);
                ps.executeUpdate();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("step", step.name());
            details.put("seq", seq);
            details.put("outcome", outcome.label());
            if (detail != null) details.put("detail", detail);
            insertEvent(EventKind.FAILOVER_STEP, f.cluster(), null,
                    "failover " + failoverId + " step " + seq + " " + step.name() + " " + outcome.label()
                            + (detail == null || detail.isBlank() ? "" : ": " + detail),
                    failoverId, details);
            return null;
        };
    }

    /**
     * Closes the step rows a crash left without an outcome, as {@code failed} with {@code detail}, so
     * the record says plainly what was interrupted. Returns how many were closed.
     */
    public synchronized int closeInterruptedSteps(long failoverId, String detail) {
        return write(() -> {
            FailoverRecord f = requireRunning(failoverId);
            int n = 0;
            for (StepRecord s : f.steps()) {
                if (s.finished()) continue;
                try (PreparedStatement ps = connection().prepareStatement(
                        "UPDATE steps SET ended_at = ?, outcome = ?, detail = ? WHERE failover_id = ? AND seq = ?")) {
                    ps.setLong(1, now());
                    ps.setString(2, StepOutcome.FAILED.label());
                    ps.setString(3, detail);
                    ps.setLong(4, failoverId);
                    ps.setInt(5, s.seq());
                    ps.executeUpdate();
                }
                insertEvent(EventKind.FAILOVER_STEP, f.cluster(), null,
                        "failover " + failoverId + " step " + s.seq() + " " + s.name() + " interrupted: " + detail,
                        failoverId, Map.of("step", s.name(), "seq", s.seq(), "outcome", "failed", "detail", detail));
                n++;
            }
            return n;
        });
    }

    /** Ends a running failover as {@code ending} says; {@code summary} is for people. */
    public synchronized void finishFailover(long failoverId, FailoverEnding ending, String summary) {
        write(finishFailoverWork(failoverId, ending, summary));
    }

    private Work<Void> finishFailoverWork(long failoverId, FailoverEnding ending, String summary) {
        if (ending == FailoverEnding.REFUSED) throw new IllegalArgumentException("a started failover cannot be refused");
        FailoverOutcome outcome = ending.outcome();
        return () -> {
            FailoverRecord f = requireRunning(failoverId);
            try (PreparedStatement ps = connection().prepareStatement(
                    "UPDATE failovers SET ended_at = ?, outcome = ?, ending = ?, summary = ? WHERE id = ?")) {
                ps.setLong(1, now());
                ps.setString(2, outcome.label());
                ps.setString(3, ending.label());
                ps.setString(4, summary);
                ps.setLong(5, failoverId);
                ps.executeUpdate();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("outcome", outcome.label());
            details.put("ending", ending.label());
            if (summary != null) details.put("summary", summary);
            insertEvent(EventKind.FAILOVER_STEP, f.cluster(), f.toNode(),
                    "failover " + failoverId + " " + outcome.label()
                            + (summary == null || summary.isBlank() ? "" : ": " + summary),
                    failoverId, details);
            return null;
        };
    }

    /** The failover still marked running (at most one), with its steps: what crash recovery must settle. */
    public synchronized Optional<FailoverRecord> unfinishedFailover() {
        return read(() -> failovers("WHERE outcome = 'running' ORDER BY id DESC LIMIT 1").stream().findFirst());
    }

    public synchronized Optional<FailoverRecord> failover(long id) {
        return read(() -> failovers("WHERE id = " + id).stream().findFirst());
    }

    /** The newest {@code limit} failovers (any outcome), newest first, with their steps. */
    public synchronized List<FailoverRecord> failovers(int limit) {
        requirePositive(limit);
        return read(() -> failovers("ORDER BY id DESC LIMIT " + limit));
    }

    /** How many failovers ended (or are running) with each outcome. */
    public synchronized Map<FailoverOutcome, Long> failoverCounts() {
        return read(() -> {
            Map<FailoverOutcome, Long> out = new java.util.EnumMap<>(FailoverOutcome.class);
            rows("SELECT outcome, COUNT(*) FROM failovers GROUP BY outcome",
                    rs -> out.put(FailoverOutcome.fromLabel(rs.getString(1)), rs.getLong(2)));
            return out;
        });
    }

    /** How many failovers ended each way (running ones are not counted). */
    public synchronized Map<FailoverEnding, Long> endingCounts() {
        return read(() -> {
            Map<FailoverEnding, Long> out = new java.util.EnumMap<>(FailoverEnding.class);
            rows("SELECT ending, COUNT(*) FROM failovers WHERE ending IS NOT NULL GROUP BY ending",
                    rs -> out.put(FailoverEnding.fromLabel(rs.getString(1)), rs.getLong(2)));
            return out;
        });
    }

    /**
     * When the last failover that changed the roles ended, for the anti-flapping cooldown: every completed
     * one, and an aborted one that got past its promotion (the standby is writable: its roles changed as
     * much as after a completed one). A refused one, or one aborted before the promotion, changed nothing.
     */
    public synchronized Optional<Instant> lastFailoverEnd() {
        return read(() -> first("SELECT MAX(ended_at) AS ended_at FROM failovers WHERE ending IN ("
                + String.join(", ", java.util.Arrays.stream(FailoverEnding.values()).filter(FailoverEnding::promoted)
                        .map(e -> "'" + e.label() + "'").toList()) + ")", rs -> instant(rs, "ended_at")));
    }

    // ---- epochs ----

    /** The highest epoch ever recorded; 0 before the first. */
    public synchronized long currentEpoch() {
        return read(this::currentEpochIn);
    }

    /** Records when the old primary last took a write (its newest heartbeat), as known when failover {@code id} began. */
    public synchronized void recordPrimaryLastWrite(long failoverId, Instant at) {
        write(() -> {
            try (PreparedStatement ps = connection().prepareStatement(
                    "UPDATE failovers SET primary_last_write = ? WHERE id = ?")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setLong(2, failoverId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** What {@link #recordPrimaryLastWrite} stored for failover {@code id}, if anything. */
    public synchronized Optional<Instant> primaryLastWrite(long failoverId) {
        return read(() -> first("SELECT primary_last_write FROM failovers WHERE id = ?",
                rs -> instant(rs, "primary_last_write"), failoverId));
    }

    /** The process that began failover {@code id}; empty for one journaled before owners were (schema 3). */
    public synchronized Optional<FailoverOwner> owner(long failoverId) {
        return read(() -> first("SELECT owner_host, owner_pid, owner_started FROM failovers WHERE id = ?",
                rs -> rs.getString(1) == null ? null : new FailoverOwner(rs.getString(1), rs.getLong(2),
                        instant(rs, "owner_started")), failoverId));
    }

    /** The node that holds the highest recorded epoch (the last promoted primary), if any. */
    public synchronized Optional<String> epochHolder() {
        return read(() -> first("SELECT node FROM epochs ORDER BY epoch DESC LIMIT 1", rs -> rs.getString(1)));
    }

    /**
     * Records that the cluster moved to {@code epoch} with {@code node} as primary. Epochs only grow:
     * recording the current epoch again is a no-op that returns false (so a step retried after a crash
     * is harmless); a lower epoch is refused with IllegalArgumentException.
     */
    public synchronized boolean recordEpoch(String cluster, long epoch, String node, String reason) {
        return write(recordEpochWork(cluster, epoch, node, reason));
    }

    private Work<Boolean> recordEpochWork(String cluster, long epoch, String node, String reason) {
        return () -> {
            long current = currentEpochIn();
            if (epoch < current) {
                throw new IllegalArgumentException("epoch " + epoch + " is below the current epoch " + current);
            }
            if (epoch == current) return false;
            try (PreparedStatement ps = connection().prepareStatement(
                    "INSERT INTO epochs (epoch, at, cluster, node, reason) VALUES (?, ?, ?, ?, ?)")) {
                ps.setLong(1, epoch);
                ps.setLong(2, now());
                ps.setString(3, cluster);
                ps.setString(4, node);
                ps.setString(5, reason);
                ps.executeUpdate();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("epoch", epoch);
            details.put("previous", current);
            if (reason != null) details.put("reason", reason);
            insertEvent(EventKind.EPOCH, cluster, node,
                    "epoch " + current + " -> " + epoch + " (" + node + " is primary)", null, details);
            return true;
        };
    }

    // ---- writes kept for later ----

    /**
     * A step's start as journaled, or as kept for later when the journal could not take it ({@code seq}
     * null): a step engine runs the step before its point of no return only when the start is durable.
     */
    public record StepStart(long failoverId, String name, Integer seq, Instant at, String problem) {
        public boolean durable() {
            return seq != null;
        }
    }

    /**
     * As {@link #stepStarted}, but a journal that cannot be written (disk full, lock held past the busy
     * timeout) gives a non-durable {@link StepStart} instead of an exception; nothing is kept for later yet.
     */
    public synchronized StepStart stepStartedOrLater(long failoverId, String name) {
        Instant at = Instant.ofEpochMilli(now());
        try {
            return new StepStart(failoverId, name, stepStarted(failoverId, name), at, null);
        } catch (JournalException e) {
            LOG.error("JOURNAL UNWRITABLE: failover {} step {} starts without a journal row: {}", failoverId, name,
                    e.getMessage());
            return new StepStart(failoverId, name, null, at, e.getMessage());
        }
    }

    /**
     * How a step ended; when the journal cannot take it, the record (with its start, when that was not
     * journaled either) is kept and logged, and written by the next write that gets through. True when durable now.
     */
    public synchronized boolean stepFinishedOrLater(StepStart start, StepOutcome outcome, String detail) {
        String what = "failover " + start.failoverId() + " step " + start.name() + " " + outcome.label()
                + (detail == null ? "" : ": " + detail);
        if (start.durable()) {
            return orLater(what, stepFinishedWork(start.failoverId(), start.seq(), outcome, detail));
        }
        long startedAt = start.at().toEpochMilli();
        return orLater(what + " (started " + start.at() + ")", () -> {
            Long outer = replayAt;
            long endedAt = now();
            try {
                replayAt = startedAt;
                int seq = stepStartedWork(start.failoverId(), start.name()).run();
                replayAt = endedAt;
                return stepFinishedWork(start.failoverId(), seq, outcome, detail).run();
            } finally {
                replayAt = outer;
            }
        });
    }

    /** As {@link #finishFailover}, kept for later (and logged) when the journal cannot take it. True when durable now. */
    public synchronized boolean finishFailoverOrLater(long failoverId, FailoverEnding ending, String summary) {
        return orLater("failover " + failoverId + " " + ending.label() + (summary == null ? "" : ": " + summary),
                finishFailoverWork(failoverId, ending, summary));
    }

    /** As {@link #recordEpoch}, kept for later (and logged) when the journal cannot take it. True when durable now. */
    public synchronized boolean recordEpochOrLater(String cluster, long epoch, String node, String reason) {
        return orLater("epoch " + epoch + " (" + node + " is primary)", recordEpochWork(cluster, epoch, node, reason));
    }

    /** How many writes wait for a writable journal. */
    public synchronized int deferred() {
        return backlog.size();
    }

    /** Writes what waits, in order; true when nothing waits any more. Every other write tries this first. */
    public synchronized boolean flushBacklog() {
        while (!backlog.isEmpty()) {
            Deferred d = backlog.peek();
            replayAt = d.at();
            try {
                writeNow(d.work());
                LOG.warn("journaled late (the journal is writable again): {}", d.what());
            } catch (JournalException e) {
                lastProblem = e.getMessage();
                return false;
            } catch (RuntimeException e) {
                // No longer applies (e.g. the failover was settled since): keep the log line, drop the write.
                LOG.error("JOURNAL: dropped a late write that no longer applies ({}): {}", e.getMessage(), d.what());
            } finally {
                replayAt = null;
            }
            backlog.poll();
        }
        return true;
    }

    private <T> boolean orLater(String what, Work<T> work) {
        Deferred d = new Deferred(what, now(), work);
        if (backlog.isEmpty()) {
            try {
                writeNow(work);
                return true;
            } catch (JournalException e) {
                lastProblem = e.getMessage();
            }
        } else if (flushBacklog()) {
            return orLater(what, work);
        }
        backlog.add(d);
        LOG.error("JOURNAL UNWRITABLE ({}): kept for later, written once the journal takes writes: {} at {}",
                lastProblem, what, Instant.ofEpochMilli(d.at()));
        return false;
    }

    private record Deferred(String what, long at, Work<?> work) {}

    @Override
    public synchronized void close() {
        if (!backlog.isEmpty() && connection != null && !flushBacklog()) {
            backlog.forEach(d -> LOG.error("JOURNAL: NOT journaled (the journal stayed unwritable until exit): {} at {}",
                    d.what(), Instant.ofEpochMilli(d.at())));
        }
        closeQuietly();
    }

    // ---- internals ----

    private static void prepareFile(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (dir != null && !Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        // Evidence is operational detail, not for every local user: owner-only from the start.
        if (!Files.exists(file) && posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
    }

    private void createSchema() throws SQLException {
        try (Statement st = connection.createStatement()) {
            int version;
            try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new SQLException("the journal was written by a newer Vakt (schema " + version + ")");
            }
            if (version == SCHEMA_VERSION) return;
            connection.setAutoCommit(false);
            try {
                st.execute("CREATE TABLE IF NOT EXISTS events ("
                        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " at INTEGER NOT NULL,"
                        + " cluster TEXT,"
                        + " kind TEXT NOT NULL,"
                        + " node TEXT,"
                        + " summary TEXT NOT NULL,"
                        + " failover_id INTEGER REFERENCES failovers(id),"
                        + " details TEXT NOT NULL DEFAULT '{}')");
                st.execute("CREATE TABLE IF NOT EXISTS failovers ("
                        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " cluster TEXT,"
                        + " started_at INTEGER NOT NULL,"
                        + " ended_at INTEGER,"
                        + " from_node TEXT NOT NULL,"
                        + " to_node TEXT NOT NULL,"
                        + " mode TEXT NOT NULL,"
                        + " trigger TEXT NOT NULL,"
                        + " outcome TEXT NOT NULL CHECK (outcome IN ('running','completed','aborted','refused')),"
                        + " epoch INTEGER NOT NULL,"
                        + " summary TEXT)");
                // Schema 2 (from 1 or new): the newest write on the old primary, so a failover resumed after
                // a crash checks the same data-loss bound as the one that started.
                if (version < 2) st.execute("ALTER TABLE failovers ADD COLUMN primary_last_write INTEGER");
                // Schema 3: the process that runs a failover, so crash recovery adopts only one whose owner is
                // gone. Rows from before stay without an owner (null): adopted as before.
                if (version < 3) {
                    st.execute("ALTER TABLE failovers ADD COLUMN owner_host TEXT");
                    st.execute("ALTER TABLE failovers ADD COLUMN owner_pid INTEGER");
                    st.execute("ALTER TABLE failovers ADD COLUMN owner_started INTEGER");
                }
                // Schema 4: how it ended as a value (FailoverEnding), not as words in the summary.
                if (version < 4) st.execute("ALTER TABLE failovers ADD COLUMN ending TEXT");
                // The database itself forbids two running failovers.
                st.execute("CREATE UNIQUE INDEX IF NOT EXISTS failovers_one_running ON failovers(outcome)"
                        + " WHERE outcome = 'running'");
                st.execute("CREATE TABLE IF NOT EXISTS steps ("
                        + " failover_id INTEGER NOT NULL REFERENCES failovers(id),"
                        + " seq INTEGER NOT NULL,"
                        + " name TEXT NOT NULL,"
                        + " started_at INTEGER NOT NULL,"
                        + " ended_at INTEGER,"
                        + " outcome TEXT CHECK (outcome IN ('ok','failed','skipped')),"
                        + " detail TEXT,"
                        + " PRIMARY KEY (failover_id, seq))");
                st.execute("CREATE TABLE IF NOT EXISTS epochs ("
                        + " epoch INTEGER PRIMARY KEY,"
                        + " at INTEGER NOT NULL,"
                        + " cluster TEXT,"
                        + " node TEXT,"
                        + " reason TEXT)");
                if (version < 4) deriveEndings(st); // after CREATE steps: it reads them (absent in a new file)
                st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Schema 4 migration: the ending of each failover journaled before it had its own column, read once from
     * what was journaled then. A completed one whose traffic switch failed had its summary start with
     * {@code "traffic pending: "}; an aborted one was past the promotion when its PROMOTE_STANDBY step had
     * finished (ok, or skipped as done before). Running ones stay null until they end.
     */
    static void deriveEndings(Statement st) throws SQLException {
        st.executeUpdate("UPDATE failovers SET ending = CASE"
                + " WHEN outcome = 'refused' THEN 'refused'"
                + " WHEN outcome = 'completed' AND substr(summary, 1, 17) = 'traffic pending: '"
                + "   THEN 'completed_traffic_pending'"
                + " WHEN outcome = 'completed' THEN 'completed'"
                + " WHEN EXISTS (SELECT 1 FROM steps s WHERE s.failover_id = failovers.id"
                + "   AND s.name = 'PROMOTE_STANDBY' AND s.outcome IN ('ok', 'skipped')) THEN 'aborted_after_promotion'"
                + " ELSE 'aborted_before_promotion' END"
                + " WHERE ending IS NULL AND outcome <> 'running'");
    }

    private long insertEvent(EventKind kind, String cluster, String node, String summary, Long failoverId,
            Map<String, ?> details) throws SQLException {
        if (kind == null || summary == null || summary.isBlank()) {
            throw new IllegalArgumentException("an event needs a kind and a summary");
        }
        String json = detailsJson(details);
        try (PreparedStatement ps = connection().prepareStatement(
                "INSERT INTO events (at, cluster, kind, node, summary, failover_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, now());
            ps.setString(2, cluster);
            ps.setString(3, kind.label());
            ps.setString(4, node);
            ps.setString(5, summary);
            if (failoverId == null) ps.setNull(6, Types.INTEGER);
            else ps.setLong(6, failoverId);
            ps.setString(7, json);
            ps.executeUpdate();
            return generatedId(ps);
        }
    }

    /** {@code ending} null: it starts running. */
    private long insertFailover(NewFailover f, FailoverEnding ending, String summary) throws SQLException {
        long now = now();
        FailoverOwner owner = FailoverOwner.current();
        FailoverOutcome outcome = ending == null ? FailoverOutcome.RUNNING : ending.outcome();
        try (PreparedStatement ps = connection().prepareStatement(
                "INSERT INTO failovers (cluster, started_at, ended_at, from_node, to_node, mode, trigger, outcome, epoch, summary,"
                        + " owner_host, owner_pid, owner_started, ending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(14, ending == null ? null : ending.label());
            ps.setString(11, owner.host());
            ps.setLong(12, owner.pid());
            if (owner.started() == null) ps.setNull(13, Types.INTEGER);
            else ps.setLong(13, owner.started().toEpochMilli());
            ps.setString(1, f.cluster());
            ps.setLong(2, now);
            if (outcome == FailoverOutcome.RUNNING) ps.setNull(3, Types.INTEGER);
            else ps.setLong(3, now);
            ps.setString(4, f.fromNode());
            ps.setString(5, f.toNode());
            ps.setString(6, f.mode());
            ps.setString(7, f.trigger());
            ps.setString(8, outcome.label());
            ps.setLong(9, f.epoch());
            ps.setString(10, summary);
            ps.executeUpdate();
            return generatedId(ps);
        }
    }

    private static Map<String, Object> failoverDetails(NewFailover f) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("from", f.fromNode());
        d.put("to", f.toNode());
        d.put("mode", f.mode());
        d.put("trigger", f.trigger());
        d.put("epoch", f.epoch());
        return d;
    }

    private List<FailoverRecord> failovers(String tail) throws SQLException {
        List<FailoverRecord> out = rows("SELECT id, cluster, started_at, ended_at, from_node, to_node, mode, trigger,"
                + " outcome, ending, epoch, summary FROM failovers " + tail, rs -> {
                    String ending = rs.getString("ending");
                    return new FailoverRecord(rs.getLong("id"), rs.getString("cluster"), instant(rs, "started_at"),
                            instant(rs, "ended_at"), rs.getString("from_node"), rs.getString("to_node"),
                            rs.getString("mode"), rs.getString("trigger"),
                            FailoverOutcome.fromLabel(rs.getString("outcome")),
                            ending == null ? null : FailoverEnding.fromLabel(ending), rs.getLong("epoch"),
                            rs.getString("summary"), List.of());
                });
        List<FailoverRecord> withSteps = new ArrayList<>(out.size());
        for (FailoverRecord f : out) {
            withSteps.add(new FailoverRecord(f.id(), f.cluster(), f.startedAt(), f.endedAt(), f.fromNode(),
                    f.toNode(), f.mode(), f.trigger(), f.outcome(), f.ending(), f.epoch(), f.summary(), steps(f.id())));
        }
        return withSteps;
    }

    private List<StepRecord> steps(long failoverId) throws SQLException {
        return rows("SELECT seq, name, started_at, ended_at, outcome, detail FROM steps WHERE failover_id = ? ORDER BY seq",
                rs -> {
                    String outcome = rs.getString("outcome");
                    return new StepRecord(failoverId, rs.getInt("seq"), rs.getString("name"),
                            instant(rs, "started_at"), instant(rs, "ended_at"),
                            outcome == null ? null : StepOutcome.fromLabel(outcome), rs.getString("detail"));
                }, failoverId);
    }

    private FailoverRecord requireRunning(long failoverId) throws SQLException {
        FailoverRecord f = failovers("WHERE id = " + failoverId).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no failover " + failoverId));
        if (f.outcome() != FailoverOutcome.RUNNING) {
            throw new IllegalStateException("failover " + failoverId + " is " + f.outcome().label() + ", not running");
        }
        return f;
    }

    private long currentEpochIn() throws SQLException {
        return rows("SELECT COALESCE(MAX(epoch), 0) FROM epochs", rs -> rs.getLong(1)).get(0);
    }

    /** The columns an event is read from ({@link #event}). */
    private static final String EVENTS = "SELECT id, at, cluster, kind, node, summary, failover_id, details FROM events";

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every row of {@code sql}, its {@code ?} bound to {@code params} in order, each read by {@code row}. */
    private <T> List<T> rows(String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row.read(rs));
            }
            return out;
        }
    }

    /** The first row of {@code sql} as {@code row} reads it; empty when there is none or {@code row} reads null. */
    private <T> Optional<T> first(String sql, Row<T> row, Object... params) throws SQLException {
        List<T> all = rows(sql, row, params);
        return all.isEmpty() ? Optional.empty() : Optional.ofNullable(all.get(0));
    }

    private static <T> List<T> oldestFirst(List<T> newestFirst) {
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private JournalEvent event(ResultSet rs) throws SQLException {
        long failoverId = rs.getLong("failover_id");
        Long fid = rs.wasNull() ? null : failoverId;
        JsonNode details;
        try {
            details = JSON.readTree(rs.getString("details"));
        } catch (JsonProcessingException e) {
            throw new SQLException("event " + rs.getLong("id") + " has unreadable details", e);
        }
        return new JournalEvent(rs.getLong("id"), instant(rs, "at"), rs.getString("cluster"),
                EventKind.fromLabel(rs.getString("kind")), rs.getString("node"), rs.getString("summary"), fid, details);
    }

    private static String detailsJson(Map<String, ?> details) {
        if (details == null || details.isEmpty()) return "{}";
        for (String key : details.keySet()) {
            if (key == null || SECRET_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("the journal does not store secrets; refused detail key '" + key + "'");
            }
        }
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event details are not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    private static long generatedId(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) throw new SQLException("no id generated");
            return keys.getLong(1);
        }
    }

    private static void requirePositive(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("limit must be positive, got " + limit);
    }

    private long now() {
        return replayAt != null ? replayAt : clock.millis();
    }

    private Connection connection() {
        if (connection == null) throw new IllegalStateException("the journal " + file + " is closed");
        return connection;
    }

    private void closeQuietly() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing is best effort: every write was already committed and fsynced.
        } finally {
            connection = null;
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: all of it is durable on return, or none of it. Writes kept for
     * later ({@link #deferred}) go first, in order: a later record never lands before an earlier one.
     */
    private <T> T write(Work<T> work) {
        if (!backlog.isEmpty() && !flushBacklog()) {
            throw new JournalException("journal write failed: " + backlog.size() + " earlier write(s) still wait for"
                    + " the journal (" + lastProblem + ")", null);
        }
        return writeNow(work);
    }

    private <T> T writeNow(Work<T> work) {
        Connection c = connection();
        try {
            c.setAutoCommit(false);
            try {
                T result = work.run();
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new JournalException("journal write failed: " + e.getMessage(), e);
        }
    }

    private <T> T read(Work<T> work) {
        connection();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new JournalException("journal read failed: " + e.getMessage(), e);
        }
    }
}
