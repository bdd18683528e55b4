package no.vakt.db;

import java.sql.SQLException;

/**
 * Vakt's own schema on the primary (replicated to the standby): the heartbeat written every
 * 250 ms, the canary that proves replication end to end, and the cluster epoch (fencing token).
 */
public final class VaktSchema {
    public static final String NAME = "vakt";

    private VaktSchema() {}

    /** Creates the schema and tables when missing; safe on every start. Run on the primary only. */
    public static void ensure(DbSession db) throws SQLException {
        db.execute("CREATE DATABASE IF NOT EXISTS vakt");
        db.execute("CREATE TABLE IF NOT EXISTS vakt.heartbeat ("
                + " server_id INT UNSIGNED NOT NULL PRIMARY KEY,"
                + " ts DATETIME(6) NOT NULL,"
                + " epoch BIGINT NOT NULL DEFAULT 0"
                + ") ENGINE=InnoDB");
        db.execute("CREATE TABLE IF NOT EXISTS vakt.canary ("
                + " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
                + " token VARCHAR(64) NOT NULL,"
                + " written_at DATETIME(6) NOT NULL"
                + ") ENGINE=InnoDB");
        db.execute("CREATE TABLE IF NOT EXISTS vakt.cluster ("
                + " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
                + " epoch BIGINT NOT NULL,"
                + " primary_node VARCHAR(64) NOT NULL,"
                + " changed_at DATETIME(6) NOT NULL"
                + ") ENGINE=InnoDB");
    }
}
