package no.vakt.replication;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import no.vakt.db.DbSession;
import no.vakt.db.Sql;

/**
 * The replication account: on the primary for the standby's source address (binlogged, it is part of
 * the history), and on the standby for the primary's source address with sql_log_bin=0, for the way
 * back after a failover without creating an errant GTID. Only REPLICATION SLAVE, never host '%'.
 */
public final class UsersStep extends Step {
    public UsersStep() {
        super("users");
    }

    @Override
    public String preview(BootstrapContext ctx) {
        List<String> parts = new ArrayList<>();
        for (BootstrapPlan.AccountTask a : ctx.plan.accounts()) {
            String what = a.upToDate() ? "keep " + a.observed().label() + " on " + a.node() + " (up to date)"
                    : (a.observed().exists() ? "update " : "create ") + a.observed().label() + " on " + a.node()
                            + (a.observed().exists() ? " (" + a.observed().drift(a.tls()) + ")" : "")
                            + (a.binlogged() ? "" : " with sql_log_bin=0");
            parts.add(what);
        }
        return String.join("; ", parts);
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        String hash = NativePassword.hash(ctx.secrets.replication());
        List<String> parts = new ArrayList<>();
        for (BootstrapPlan.AccountTask a : ctx.plan.accounts()) {
            AccountState s = a.observed();
            String where = s.label() + " on " + a.node();
            if (a.upToDate()) {
                parts.add(where + " up to date");
                continue;
            }
            DbSession db = a.node().equals(ctx.primaryNode().name()) ? ctx.primary : ctx.standby;
            if (a.binlogged()) {
                apply(db, s, hash, a.tls());
            } else {
                Statements.withoutBinlog(db, () -> apply(db, s, hash, a.tls()));
            }
            parts.add((s.exists() ? "updated " : "created ") + where + (a.binlogged() ? "" : " (not binlogged)"));
        }
        return String.join("; ", parts);
    }

    /** CREATE IF NOT EXISTS, then ALTER so a changed password or TLS setting is applied too. */
    private static void apply(DbSession db, AccountState s, String hash, boolean tls) throws SQLException {
        String account = Sql.account(s.user(), s.host());
        String password = " IDENTIFIED BY PASSWORD " + Sql.literal(hash);
        db.execute("CREATE USER IF NOT EXISTS " + account + password);
        db.execute("ALTER USER " + account + password + (tls ? " REQUIRE SSL" : " REQUIRE NONE"));
        if (s.exists() && !s.onlyReplicationSlave()) {
            // It had more than it needs: take everything away before granting the one privilege.
            db.execute("REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + account);
        }
        db.execute("GRANT REPLICATION SLAVE ON *.* TO " + account);
    }
}
