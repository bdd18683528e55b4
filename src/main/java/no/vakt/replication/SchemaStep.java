package no.vakt.replication;

import no.vakt.db.VaktSchema;

/**
 * Creates Vakt's own schema on the primary before the seed, so it is part of the replicated history
 * and the standby gets its tables from the dump (or from the binlog when seeding is skipped).
 */
public final class SchemaStep extends Step {
    public SchemaStep() {
        super("schema");
    }

    @Override
    public String preview(BootstrapContext ctx) {
        return (ctx.observed.primaryHasVaktSchema() ? "check" : "create") + " the vakt schema on " + ctx.primaryNode().name();
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        VaktSchema.ensure(ctx.primary);
        return (ctx.observed.primaryHasVaktSchema() ? "vakt schema present on " : "created vakt schema on ")
                + ctx.primaryNode().name() + " (heartbeat, canary, cluster)";
    }
}
