package no.vakt.replication;

import java.sql.SQLException;
import no.vakt.db.DbSession;

/** Small statement helpers the steps share. */
final class Statements {
    interface SqlAction {
        void run() throws SQLException;
    }

    private Statements() {}

    /** Runs {@code action} with this session's binary logging off, so it creates no GTID on that node. */
    static void withoutBinlog(DbSession db, SqlAction action) throws SQLException {
        db.execute("SET SESSION sql_log_bin = 0");
        try {
            action.run();
        } finally {
            db.execute("SET SESSION sql_log_bin = 1");
        }
    }

    /** STOP SLAVE when the node has a replica configuration; true when it had one. */
    static boolean stopReplica(DbSession db) throws SQLException {
        if (db.replicaStatus().isEmpty()) return false;
        db.execute("STOP SLAVE");
        return true;
    }

    static boolean isOn(String value) {
        return value != null && (value.equalsIgnoreCase("ON") || value.equals("1") || value.equalsIgnoreCase("YES"));
    }
}
