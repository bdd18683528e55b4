package no.vakt.drill;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import no.vakt.db.DbSession;
import no.vakt.db.Sql;
import no.vakt.db.VaktSchema;

/**
 * The drill's load goes through an account like an application's: INSERT and SELECT on
 * {@code vakt.vakt_drill} only. Vakt's admin account could not stand in: it holds READ ONLY ADMIN, so
 * read_only would not stop it and a write to a fenced or not yet promoted node would count as success.
 * The password is new for every drill and lives only in memory. Table and account are created on the
 * primary, with binary logging, so they replicate like any application change (the drill waits for them
 * on the standby before breaking anything).
 */
public final class DrillAccount {
    public static final String USER = "vakt_drill";
    public static final String TABLE = VaktSchema.NAME + ".vakt_drill";

    private final String host;
    private final String password;

    private DrillAccount(String host, String password) {
        this.host = host;
        this.password = password;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** The account's host part: the one Vakt's own admin account matched, so it connects from here. */
    public String host() {
        return host;
    }

    /** Creates (or re-keys) the table and the account on the primary; returns the account for this drill. */
    public static DrillAccount prepare(DbSession primary) throws SQLException {
        VaktSchema.ensure(primary);
        primary.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                + " drill_id VARCHAR(40) NOT NULL,"
                + " seq BIGINT NOT NULL,"
                + " written_at DATETIME(6) NOT NULL,"
                + " PRIMARY KEY (drill_id, seq)"
                + ") ENGINE=InnoDB");
        String current = primary.scalar("SELECT CURRENT_USER()").orElseThrow(() -> new SQLException("no CURRENT_USER()"));
        String host = current.substring(current.lastIndexOf('@') + 1);
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String account = Sql.account(USER, host);
        primary.execute("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + Sql.literal(password));
        primary.execute("ALTER USER " + account + " IDENTIFIED BY " + Sql.literal(password));
        primary.execute("GRANT INSERT, SELECT ON " + TABLE + " TO " + account);
        return new DrillAccount(host, password);
    }

    /** Waits (bounded) until the standby applied everything the primary has, table and account included. */
    public static boolean awaitOnStandby(DbSession primary, DbSession standby, Duration max) throws SQLException {
        String pos = primary.scalar("SELECT @@GLOBAL.gtid_binlog_pos").orElse("");
        if (pos.isEmpty()) return true;
        String r = standby.scalar("SELECT MASTER_GTID_WAIT(?, ?)", pos, Math.max(0.001, max.toMillis() / 1000.0)).orElse("-1");
        return "0".equals(r);
    }

    @Override
    public String toString() {
        return USER + "@" + host; // never the password
    }
}
