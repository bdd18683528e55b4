package no.vakt.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import no.vakt.db.Sql;

/**
 * Copies the configured databases (and vakt) from the primary into the standby at one consistent GTID
 * position and sets the standby's gtid_slave_pos to it; skipped when the standby already holds the
 * primary's history.
 */
public final class SeedStep extends Step {
    private final DumpSeeder seeder;

    public SeedStep(DumpSeeder seeder) {
        super("seed");
        this.seeder = seeder;
    }

    @Override
    public String preview(BootstrapContext ctx) {
        BootstrapPlan plan = ctx.plan;
        if (!plan.seed()) return "skip: " + plan.seedReason();
        return "copy " + String.join(", ", plan.seedDatabases()) + " from " + ctx.primaryNode().name() + " to "
                + ctx.standbyNode().name() + " (" + plan.seedReason() + ") and set its gtid_slave_pos to the dump's position";
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        BootstrapPlan plan = ctx.plan;
        String primary = ctx.primaryNode().name();
        String standby = ctx.standbyNode().name();
        if (!plan.seed()) return plan.seedReason();
        if (!plan.missingDatabases().isEmpty()) {
            ctx.note(String.join(", ", plan.missingDatabases()) + " not on " + primary
                    + " yet: created later, it reaches " + standby + " by replication");
        }
        Statements.stopReplica(ctx.standby);
        Instant start = ctx.clock.instant();
        String position;
        boolean trusted = trustFunctionCreators(ctx);
        try {
            position = seeder.copy(new DumpSeeder.Source(ctx.primaryNode().mysql(), ctx.secrets.primaryAdmin()),
                    new DumpSeeder.Source(ctx.standbyNode().mysql(), ctx.secrets.standbyAdmin()),
                    plan.seedDatabases(), ctx.limits.seed());
        } catch (Exception e) {
            ctx.note(standby + " may now hold a partial copy: re-run with --overwrite to start it again");
            throw e;
        } finally {
            if (trusted) ctx.standby.execute("SET GLOBAL log_bin_trust_function_creators = OFF");
        }
        ctx.standby.execute("SET GLOBAL gtid_slave_pos = " + Sql.literal(position));
        int events = disableEvents(ctx, plan.seedDatabases());
        if (events > 0) ctx.note(events + " event(s) set to DISABLE ON SLAVE on " + standby + " (they run on the primary)");
        long ms = Duration.between(start, ctx.clock.instant()).toMillis();
        return "copied " + String.join(", ", plan.seedDatabases()) + " from " + primary + " to " + standby + " at "
                + position + " in " + String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /**
     * With a binary log on, MariaDB lets only SUPER create triggers and stored functions, unless
     * log_bin_trust_function_creators is ON: a guard for statement-based logging, moot here (Vakt
     * replicates in ROW format and the load is not binlogged). Turned on for the load only (BINLOG ADMIN
     * may), so Vakt's account needs no SUPER; true when it was turned on and must be turned off again.
     */
    private static boolean trustFunctionCreators(BootstrapContext ctx) throws Exception {
        boolean binlog = Statements.isOn(ctx.standby.scalar("SELECT @@GLOBAL.log_bin").orElse("0"));
        if (!binlog || Statements.isOn(ctx.standby.scalar("SELECT @@GLOBAL.log_bin_trust_function_creators").orElse("0"))) {
            return false;
        }
        ctx.standby.execute("SET GLOBAL log_bin_trust_function_creators = ON");
        return true;
    }

    /**
     * A dump recreates events ENABLED, but on a standby they must not fire (replicated events arrive
     * as SLAVESIDE_DISABLED); mark them so, without binlogging.
     */
    private static int disableEvents(BootstrapContext ctx, List<String> databases) throws Exception {
        List<Map<String, String>> events = ctx.standby.rows(
                "SELECT event_schema AS db, event_name AS name FROM information_schema.events WHERE status = 'ENABLED'");
        List<Map<String, String>> ours = events.stream().filter(e -> databases.contains(e.get("db"))).toList();
        if (ours.isEmpty()) return 0;
        Statements.withoutBinlog(ctx.standby, () -> {
            for (Map<String, String> e : ours) {
                ctx.standby.execute("ALTER EVENT " + Sql.identifier(e.get("db")) + "." + Sql.identifier(e.get("name"))
                        + " DISABLE ON SLAVE");
            }
        });
        return ours.size();
    }
}
