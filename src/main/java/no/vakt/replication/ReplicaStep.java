package no.vakt.replication;

import no.vakt.db.Sql;

/** Points the standby at the primary (GTID slave_pos, TLS as configured) and starts replication. */
public final class ReplicaStep extends Step {
    public ReplicaStep() {
        super("replica");
    }

    @Override
    public String preview(BootstrapContext ctx) {
        String align = ctx.plan.alignSlavePosTo() == null ? ""
                : "SET GLOBAL gtid_slave_pos='" + ctx.plan.alignSlavePosTo() + "', ";
        return "on " + ctx.standbyNode().name() + ": STOP SLAVE, " + align
                + ChangeMaster.describe(ctx.primaryNode(), ctx.config.replication()) + ", START SLAVE";
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        var db = ctx.standby;
        Statements.stopReplica(db);
        if (ctx.plan.alignSlavePosTo() != null) {
            db.execute("SET GLOBAL gtid_slave_pos = " + Sql.literal(ctx.plan.alignSlavePosTo()));
        }
        db.execute(ChangeMaster.sql(ctx.primaryNode(), ctx.config.replication(), ctx.secrets.replication()));
        db.execute("START SLAVE");
        var tls = ctx.config.replication().tls();
        return ctx.standbyNode().name() + " replicates from " + ctx.primaryNode().name() + " ("
                + ctx.primaryNode().mysql().address() + ") as " + ctx.config.replication().user()
                + ", GTID slave_pos" + (ctx.plan.alignSlavePosTo() != null ? " " + ctx.plan.alignSlavePosTo() : "")
                + ", TLS " + (tls.enabled() ? (tls.verifyServerCert() ? "on, certificate verified" : "on, not verified") : "off");
    }
}
