package no.vakt.replication;

import no.vakt.db.NodeOperations;

/**
 * The bootstrap's last step: opens the primary (read_only=OFF). Every node's my.cnf says read_only=ON, so
 * a restarted old primary never starts writable; Vakt opens only the node it set up as the primary, and
 * only once the standby is read-only and the primary's epoch is not behind the standby's (a node that lost
 * the role in a failover has the lower epoch and stays read-only).
 */
public final class OpenPrimaryStep extends Step {
    public OpenPrimaryStep() {
        super("open-primary");
    }

    @Override
    public String preview(BootstrapContext ctx) {
        String node = ctx.primaryNode().name();
        return ctx.observed.primary().readOnly() ? "SET GLOBAL read_only=OFF on " + node + " (the standby stays read-only)"
                : "keep " + node + " writable (read_only=OFF already)";
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        String primary = ctx.primaryNode().name();
        String standby = ctx.standbyNode().name();
        if (!Statements.isOn(ctx.primary.scalar("SELECT @@GLOBAL.read_only").orElse("0"))) {
            return primary + " already writable (read_only=OFF)";
        }
        if (!Statements.isOn(ctx.standby.scalar("SELECT @@GLOBAL.read_only").orElse("0"))) {
            throw new IllegalStateException(standby + " is writable: " + primary + " stays read-only (two writable"
                    + " nodes would diverge); make " + standby + " read-only and re-run");
        }
        long ep = NodeOperations.epoch(ctx.primary);
        long es = NodeOperations.epoch(ctx.standby);
        if (ep < es) {
            throw new IllegalStateException(primary + "'s epoch " + ep + " is behind " + standby + "'s " + es + ": "
                    + primary + " lost the primary role in a failover and stays read-only; fix role: in the config"
                    + " (the live primary is " + standby + ") or rejoin " + primary);
        }
        ctx.primary.execute("SET GLOBAL read_only = OFF");
        ctx.note("note: keep read-only = 1 in every node's my.cnf: a restarted node starts read-only, and `vakt run`"
                + " opens the primary again when it is still the rightful one");
        return "set read_only=OFF on " + primary + " (" + standby + " stays read-only)";
    }
}
