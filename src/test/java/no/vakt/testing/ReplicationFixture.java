package no.vakt.testing;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.Sql;
import no.vakt.db.VaktSchema;
import no.vakt.lab.MariaDbServer;

/**
 * Test-only: replication on a {@link TestPair}. {@link #start} runs the real {@code vakt replicate};
 * {@link #configure} is plain SQL for broken pairs that the bootstrap rightly refuses to touch.
 */
public final class ReplicationFixture {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private ReplicationFixture() {}

    /** Configures and starts replication and waits until both replica threads run. */
    public static void start(TestPair pair) throws Exception {
        Cli r = Cli.run("replicate", "--config", pair.configFile.toString());
        if (r.exitCode() != 0) throw new IllegalStateException("vakt replicate failed:\n" + r.out() + r.err());
        awaitRunning(pair.standby);
    }

    /** Configures and starts replication without waiting (for pairs where it cannot run). */
    public static void configure(TestPair pair) throws Exception {
        VaktConfig config = pair.config();
        String password = config.replication().secret().resolve();
        String user = config.replication().user();
        createReplicationUser(pair.primary, user, config.standby().effectiveSourceAddress(), password);
        createReplicationUser(pair.standby, user, config.primary().effectiveSourceAddress(), password);
        try (DbSession db = new NodeInspector(Duration.ofSeconds(5)).open(config.primary())) {
            VaktSchema.ensure(db);
        }
        TestPair.sql(pair.standby,
                "CHANGE MASTER TO MASTER_HOST = " + Sql.literal(pair.primary.host())
                        + ", MASTER_PORT = " + pair.primary.port()
                        + ", MASTER_USER = " + Sql.literal(user)
                        + ", MASTER_PASSWORD = " + Sql.literal(password)
                        + ", MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
                "START SLAVE");
    }

    /** Not binlogged: each node keeps its own account. */
    public static void createReplicationUser(MariaDbServer server, String user, String host, String password) {
        String account = Sql.account(user, host);
        TestPair.sql(server,
                "SET SESSION sql_log_bin = 0",
                "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + Sql.literal(password),
                "GRANT REPLICATION SLAVE ON *.* TO " + account);
    }

    public static void awaitRunning(MariaDbServer standby) {
        await("replica threads running on " + standby.name()).atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Map<String, String> s = slaveStatus(standby);
                    return "Yes".equals(s.get("Slave_IO_Running")) && "Yes".equals(s.get("Slave_SQL_Running"));
                });
    }

    /** Waits until the standby has applied everything in the primary's binary log. */
    public static void awaitCaughtUp(TestPair pair) {
        await("standby caught up").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            GtidPosition p = GtidPosition.parse(variable(pair.primary, "gtid_binlog_pos"));
            GtidPosition s = GtidPosition.parse(variable(pair.standby, "gtid_slave_pos"));
            return s.contains(p);
        });
    }

    public static Map<String, String> slaveStatus(MariaDbServer server) throws SQLException {
        try (Connection c = server.rootConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            Map<String, String> row = new java.util.HashMap<>();
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
            }
            return row;
        }
    }

    public static String variable(MariaDbServer server, String name) throws SQLException {
        try (Connection c = server.rootConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@GLOBAL." + name)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
