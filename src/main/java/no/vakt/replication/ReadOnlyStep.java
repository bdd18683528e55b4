package no.vakt.replication;

/** Makes the standby read_only first, so nothing writes to it while it is seeded or replicates. */
public final class ReadOnlyStep extends Step {
    public ReadOnlyStep() {
        super("read-only");
    }

    @Override
    public String preview(BootstrapContext ctx) {
        String node = ctx.standbyNode().name();
        return ctx.observed.standby().readOnly() ? "keep " + node + " read_only=ON (already)" : "SET GLOBAL read_only=ON on " + node;
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        String node = ctx.standbyNode().name();
        boolean on = Statements.isOn(ctx.standby.scalar("SELECT @@GLOBAL.read_only").orElse("0"));
        if (on) return node + " already read_only=ON";
        ctx.standby.execute("SET GLOBAL read_only = ON");
        ctx.note("note: SET GLOBAL does not survive a restart: keep read-only = 1 in " + node + "'s my.cnf");
        return "set read_only=ON on " + node;
    }
}
