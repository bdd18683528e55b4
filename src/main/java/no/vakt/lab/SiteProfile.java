package no.vakt.lab;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.vakt.db.AdminGrants;
import no.vakt.db.Sql;

/**
 * my.cnf settings as the field guides configure a primary and a standby, with the fixes Vakt's
 * preflight asks for (ROW format, GTID strict mode, a binary log on the standby for the way back).
 */
public final class SiteProfile {
    private SiteProfile() {}

    /**
     * Every node as Vakt runs them: read-only at start, whatever its role, so a restarted old primary never
     * takes a write before it is fenced; Vakt opens only the rightful primary ({@code vakt replicate}, and
     * {@code vakt run} after a restart). The lab, the demo, the drills and the fault matrix use this.
     */
    public static Map<String, String> node(int serverId) {
        Map<String, String> o = common(serverId);
        o.put("read-only", "1");
        return o;
    }

    /** The field guides' primary, writable from its my.cnf: only the test pairs still start one so. */
    public static Map<String, String> primary(int serverId) {
        Map<String, String> o = common(serverId);
        o.put("read-only", "0");
        return o;
    }

    public static Map<String, String> standby(int serverId) {
        Map<String, String> o = common(serverId);
        o.put("read-only", "1");
        return o;
    }

    /** Server-side TLS: clients and the standby's IO thread can verify the server against the CA. */
    public static Map<String, String> tls(TlsCerts certs) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("ssl-ca", certs.ca().toAbsolutePath().toString());
        o.put("ssl-cert", certs.cert().toAbsolutePath().toString());
        o.put("ssl-key", certs.key().toAbsolutePath().toString());
        return o;
    }

    /**
     * Semi-synchronous replication (built into MariaDB since 10.3): the primary waits up to
     * {@code timeoutMs} for the standby's acknowledgement, then falls back to asynchronous.
     */
    public static Map<String, String> semiSync(boolean primary, long timeoutMs) {
        Map<String, String> o = new LinkedHashMap<>();
        if (primary) {
            o.put("rpl-semi-sync-master-enabled", "1");
            o.put("rpl-semi-sync-master-timeout", Long.toString(timeoutMs));
        } else {
            o.put("rpl-semi-sync-slave-enabled", "1");
        }
        return o;
    }

    private static Map<String, String> common(int serverId) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("server-id", Integer.toString(serverId));
        o.put("log-bin", "mysql-bin");
        o.put("binlog-format", "ROW");
        o.put("sync-binlog", "1");
        o.put("innodb-flush-log-at-trx-commit", "1");
        o.put("relay-log", "relay-bin");
        o.put("log-slave-updates", "1");
        o.put("gtid-strict-mode", "1");
        o.put("skip-name-resolve", "1");
        return o;
    }

    /**
     * Creates Vakt's administrative account for connections from {@code fromHost} (and the local socket)
     * with exactly the privileges {@link AdminGrants} lists, as an operator following {@code vakt init} would.
     */
    public static void createAdminUser(MariaDbServer server, String user, String password, String fromHost,
            List<String> databases) throws SQLException {
        for (String h : List.of(fromHost, "localhost")) {
            List<String> sql = new ArrayList<>(AdminGrants.statements(user, h, Sql.literal(password), databases));
            // An account from an older lab had more: take it away so the lab runs with exactly these grants.
            sql.add(3, "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + Sql.account(user, h));
            server.rootExecute(sql.toArray(String[]::new));
        }
    }
}
