package no.vakt.replication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.Replication;
import no.vakt.config.Tls;
import no.vakt.db.Sql;

/** The CHANGE MASTER TO statement that points the standby at the primary. Holds the password: never print it. */
public final class ChangeMaster {
    /**
     * Seconds between heartbeats from an idle primary, so a dead link shows within a second or two: the
     * monitor confirms a silent primary after {@code interval + 2 x period} (1.5 s at the defaults, see
     * DetectorConfig#standbyBound(Duration)). Four tiny events a second cost nothing.
     */
    static final String HEARTBEAT_PERIOD_S = "0.25";

    private ChangeMaster() {}

    public static String sql(Node primary, Replication replication, String password) {
        List<String> o = new ArrayList<>();
        o.add("MASTER_HOST=" + Sql.literal(primary.mysql().host()));
        o.add("MASTER_PORT=" + primary.mysql().port());
        o.add("MASTER_USER=" + Sql.literal(replication.user()));
        o.add("MASTER_PASSWORD=" + Sql.literal(password));
        o.add("MASTER_USE_GTID=slave_pos");
        o.add("MASTER_CONNECT_RETRY=1");
        o.add("MASTER_HEARTBEAT_PERIOD=" + HEARTBEAT_PERIOD_S);
        Tls tls = replication.tls();
        if (tls.enabled()) {
            o.add("MASTER_SSL=1");
            o.add("MASTER_SSL_CA=" + path(tls.ca()));
            o.add("MASTER_SSL_CERT=" + path(tls.cert()));
            o.add("MASTER_SSL_KEY=" + path(tls.key()));
            o.add("MASTER_SSL_VERIFY_SERVER_CERT=" + (tls.verifyServerCert() ? 1 : 0));
        } else {
            o.add("MASTER_SSL=0");
            o.add("MASTER_SSL_VERIFY_SERVER_CERT=0");
        }
        return "CHANGE MASTER TO " + String.join(", ", o);
    }

    /** A description for output: the statement with the password masked. */
    public static String describe(Node primary, Replication replication) {
        return sql(primary, replication, "***").replace("MASTER_PASSWORD='***'", "MASTER_PASSWORD=<from password file>");
    }

    private static String path(Path p) {
        return Sql.literal(p == null ? "" : p.toAbsolutePath().toString());
    }
}
