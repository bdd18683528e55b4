package no.vakt.failover.planned;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.Replication;
import no.vakt.db.DbSession;
import no.vakt.db.Sql;
import no.vakt.replication.ChangeMaster;

/** Makes a node the replica of the primary: the statements a switchover and a rejoin share. */
final class ReplicaSetup {
    private static final Duration POLL = Duration.ofMillis(50);

    private ReplicaSetup() {}

    /**
     * read_only ON, STOP SLAVE, gtid_slave_pos (null: the node's own {@code gtid_binlog_pos}, so a
     * former primary continues from exactly where it was), CHANGE MASTER (GTID slave_pos, TLS as
     * {@code vakt replicate} sets it), START SLAVE. The password goes only into the statement.
     */
    static void pointAt(DbSession db, Node primary, Replication replication, String password, String slavePos)
            throws SQLException {
        db.execute("SET GLOBAL read_only = ON");
        if (db.replicaStatus().isPresent()) db.execute("STOP SLAVE");
        if (slavePos == null) {
            db.execute("SET GLOBAL gtid_slave_pos = @@GLOBAL.gtid_binlog_pos");
        } else {
            db.execute("SET GLOBAL gtid_slave_pos = " + Sql.literal(slavePos));
        }
        db.execute(ChangeMaster.sql(primary, replication, password));
        db.execute("START SLAVE");
    }

    /** Waits, bounded by {@code max}, until both replica threads run; the last status otherwise. */
    static Optional<String> awaitThreads(DbSession db, Duration max, Clock clock) throws SQLException, InterruptedException {
        Instant deadline = clock.instant().plus(max);
        String last = "no replica status";
        for (int i = 0; i < 100_000; i++) {
            Optional<Map<String, String>> s = db.replicaStatus();
            if (s.isPresent()) {
                Map<String, String> r = s.get();
                if ("Yes".equals(r.get("Slave_IO_Running")) && "Yes".equals(r.get("Slave_SQL_Running"))) {
                    return Optional.empty();
                }
                last = "IO " + r.get("Slave_IO_Running") + ", SQL " + r.get("Slave_SQL_Running")
                        + error(r, "Last_IO_Error") + error(r, "Last_SQL_Error");
            }
            if (!clock.instant().isBefore(deadline)) break;
            Thread.sleep(POLL.toMillis());
        }
        return Optional.of(last);
    }

    private static String error(Map<String, String> r, String key) {
        String v = r.get(key);
        return v == null || v.isBlank() ? "" : ", " + v;
    }
}
