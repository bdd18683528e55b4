package no.vakt.replication;

import java.util.ArrayList;
import java.util.List;
import no.vakt.db.Sql;

/**
 * Only with --overwrite (whether or not anything conflicts): forgets the standby's replica settings and
 * GTID history and drops its copies of the databases to be seeded, so the seed step copies them again.
 * Destructive by request; nothing is binlogged.
 */
public final class ResetStep extends Step {
    public ResetStep() {
        super("reset");
    }

    private static List<String> dropped(BootstrapContext ctx) {
        List<String> dbs = new ArrayList<>(ctx.config.replication().databases());
        dbs.add(no.vakt.db.VaktSchema.NAME);
        return dbs;
    }

    @Override
    public String preview(BootstrapContext ctx) {
        return "STOP SLAVE, RESET SLAVE ALL, RESET MASTER, clear gtid_slave_pos and drop " + String.join(", ", dropped(ctx))
                + " on " + ctx.standbyNode().name() + " (--overwrite)";
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        var db = ctx.standby;
        if (Statements.stopReplica(db)) db.execute("RESET SLAVE ALL");
        if (Statements.isOn(db.scalar("SELECT @@GLOBAL.log_bin").orElse("0"))) db.execute("RESET MASTER");
        db.execute("SET GLOBAL gtid_slave_pos = ''");
        List<String> dbs = dropped(ctx);
        Statements.withoutBinlog(db, () -> {
            for (String name : dbs) db.execute("DROP DATABASE IF EXISTS " + Sql.identifier(name));
        });
        return "wiped " + ctx.standbyNode().name() + ": replica settings, binary log, GTID history, "
                + String.join(", ", dbs) + " (--overwrite)";
    }
}
