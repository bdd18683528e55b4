package no.vakt.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import no.vakt.cluster.GtidPosition;

/**
 * The MariaDB statements of a failover, one method per action, each safe to repeat: fencing an
 * already fenced node, promoting an already promoted one, or recording the same epoch twice changes
 * nothing. Callers decide when; this class only knows how.
 */
public final class NodeOperations {
    /** Users whose connections fencing leaves alone: the server's own threads and replication. */
    private static final List<String> SYSTEM_USERS = List.of("system user", "event_scheduler", "unauthenticated user");

    private NodeOperations() {}

    /**
     * Stops writes: ends the client sessions, sets read_only=ON, then ends the sessions that connected in
     * between. Returns the number killed. The first round matters with semi-sync: a commit waiting for the
     * standby's acknowledgement (which never comes once the standby is promoted, or from a frozen primary that
     * resumes) holds {@code SET GLOBAL read_only} for up to the semi-sync timeout, and then returns OK to its
     * client: a write acknowledged on a node that is no longer the primary. Killed, the client gets an error.
     */
    public static int fence(DbSession db) throws SQLException {
        Set<Long> killed = new HashSet<>();
        killClients(db, killed);
        db.execute("SET GLOBAL read_only = ON");
        killClients(db, killed);
        return killed.size();
    }

    /** A killed session stays in the process list until its thread notices: it is not killed (or counted) twice. */
    private static void killClients(DbSession db, Set<Long> killed) throws SQLException {
        for (long id : clientConnections(db)) {
            if (killed.contains(id)) continue;
            try {
                db.execute("KILL CONNECTION " + id);
                killed.add(id);
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) throw e; // 1094: unknown thread, it ended by itself
            }
        }
    }

    /**
     * Waits until the SQL thread has applied everything the IO thread received (Gtid_IO_Pos), using
     * the server's own MASTER_GTID_WAIT. Returns true when applied, false at the timeout.
     */
    public static boolean waitForRelayLogApplied(DbSession db, Duration max) throws SQLException {
        Optional<Map<String, String>> status = db.replicaStatus();
        if (status.isEmpty()) return true;
        String received = status.get().getOrDefault("Gtid_IO_Pos", "");
        if (received.isBlank()) return true;
        double seconds = Math.max(0.001, max.toMillis() / 1000.0);
        String result = db.scalar("SELECT MASTER_GTID_WAIT(?, ?)", received, seconds).orElse("-1");
        return "0".equals(result);
    }

    /** The GTIDs received but not yet applied: Gtid_IO_Pos minus gtid_slave_pos, as a count. */
    public static long unappliedTransactions(DbSession db) throws SQLException {
        Optional<Map<String, String>> status = db.replicaStatus();
        if (status.isEmpty()) return 0;
        GtidPosition received = GtidPosition.parse(status.get().get("Gtid_IO_Pos"));
        GtidPosition applied = GtidPosition.parse(db.scalar("SELECT @@GLOBAL.gtid_slave_pos").orElse(""));
        return applied.transactionsBehind(received);
    }

    /**
     * Detaches the node from its primary and opens it for writes.
     *
     * <p>STOP SLAVE waits for the IO thread to stop. On a dead link that was never closed (a black hole:
     * iptables DROP, a frozen host) the IO thread sits in a socket read that STOP SLAVE's wake-up does not
     * end: measured on MariaDB 10.11 with iptables DROP in a netns, STOP SLAVE returns only after 2.0 s (the
     * server's terminate_slave_thread signals again every 2 s) with semi-sync on (off, it returned at once
     * here, but nothing documents that it must), and
     * {@code SET STATEMENT max_statement_time=... FOR STOP SLAVE} does not bound it (the statement is not
     * interruptible that way). KILL of the IO thread's connection shuts its socket down, so the read ends at
     * once; STOP SLAVE then returns in milliseconds (measured: 20-40 ms in all). Killing the IO thread is
     * what STOP SLAVE does anyway, so nothing received is lost: what it wrote to the relay log stays there.
     */
    public static Promotion promote(DbSession db) throws SQLException {
        int killed = killIoThread(db);
        long start = System.nanoTime();
        db.execute("STOP SLAVE");
        long stopMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        db.execute("RESET SLAVE ALL");
        db.execute("SET GLOBAL read_only = OFF");
        return new Promotion(killed, stopMs);
    }

    /** What {@link #promote} did: IO thread connections killed first (0 or 1), and how long STOP SLAVE took. */
    public record Promotion(int ioThreadsKilled, long stopSlaveMs) {
        /** "IO thread killed; STOP SLAVE 12 ms", for a step's detail. */
        public String describe() {
            return (ioThreadsKilled > 0 ? "IO thread connection killed; " : "") + "STOP SLAVE " + stopSlaveMs + " ms";
        }
    }

    /**
     * Ends the replication IO thread's connection when it is connected (COMMAND {@code Slave_IO}; a thread
     * still connecting is stopped by STOP SLAVE at once). Returns how many were killed (0 or 1).
     */
    static int killIoThread(DbSession db) throws SQLException {
        int killed = 0;
        for (Map<String, String> p : db.rows("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO'")) {
            try {
                db.execute("KILL CONNECTION " + Long.parseLong(p.get("ID")));
                killed++;
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) throw e; // 1094: unknown thread, it stopped by itself
            }
        }
        return killed;
    }

    /** Proves the node takes writes: writes a unique token and reads it back. */
    public static void verifyWrite(DbSession db) throws SQLException {
        String token = UUID.randomUUID().toString();
        db.execute("REPLACE INTO vakt.canary (id, token, written_at) VALUES (2, ?, UTC_TIMESTAMP(6))", token);
        String back = db.scalar("SELECT token FROM vakt.canary WHERE id = 2").orElse("");
        if (!back.equals(token)) throw new SQLException("write verification read back '" + back + "'");
    }

    /** Stores the cluster epoch (the fencing token) on this node; it replicates to the other node later. */
    public static void recordEpoch(DbSession db, long epoch, String primaryNode) throws SQLException {
        db.execute("INSERT INTO vakt.cluster (id, epoch, primary_node, changed_at) VALUES (1, ?, ?, UTC_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE epoch = GREATEST(epoch, VALUES(epoch)),"
                + " primary_node = IF(VALUES(epoch) >= epoch, VALUES(primary_node), primary_node),"
                + " changed_at = IF(VALUES(epoch) >= epoch, VALUES(changed_at), changed_at)", epoch, primaryNode);
    }

    /** The epoch this node knows, 0 when none was ever recorded. */
    public static long epoch(DbSession db) throws SQLException {
        try {
            return db.scalar("SELECT epoch FROM vakt.cluster WHERE id = 1").map(Long::parseLong).orElse(0L);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) return 0;
            throw e;
        }
    }

    /** Client connections other than the server's own and replication threads (used to tell fencing worked). */
    public static List<Long> clientConnections(DbSession db) throws SQLException {
        List<Long> ids = new ArrayList<>();
        long self = Long.parseLong(db.scalar("SELECT CONNECTION_ID()").orElseThrow());
        for (Map<String, String> p : db.rows("SELECT ID, USER, COMMAND FROM information_schema.PROCESSLIST")) {
            long id = Long.parseLong(p.get("ID"));
            String command = p.getOrDefault("COMMAND", "");
            if (id != self && !SYSTEM_USERS.contains(p.getOrDefault("USER", ""))
                    && !command.startsWith("Binlog Dump") && !command.equals("Daemon")) {
                ids.add(id);
            }
        }
        return ids;
    }
}
