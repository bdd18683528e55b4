package no.vakt.replication;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.db.DbSession;

/**
 * Makes MariaDB's built-in semi-sync match replication.semi-sync: on the primary master_enabled,
 * the timeout and AFTER_SYNC; on the standby slave_enabled and an IO thread restart so it
 * reconnects as a semi-sync client. Reports a fallback to asynchronous replication as a warning.
 */
public final class SemiSyncStep extends Step {
    public SemiSyncStep() {
        super("semi-sync");
    }

    @Override
    public String preview(BootstrapContext ctx) {
        String p = ctx.primaryNode().name();
        String s = ctx.standbyNode().name();
        if (!ctx.config.replication().semiSync()) {
            return "leave semi-sync off on " + p + " and " + s + " (replication.semi-sync: false; turned off if on)";
        }
        return "SET GLOBAL rpl_semi_sync_master_enabled=ON, rpl_semi_sync_master_timeout=" + timeoutMs(ctx)
                + ", rpl_semi_sync_master_wait_point=AFTER_SYNC on " + p + "; rpl_semi_sync_slave_enabled=ON and"
                + " restart the IO thread on " + s;
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        return ctx.config.replication().semiSync() ? enable(ctx) : disable(ctx);
    }

    private String enable(BootstrapContext ctx) throws Exception {
        String p = ctx.primaryNode().name();
        String s = ctx.standbyNode().name();
        long timeout = timeoutMs(ctx);
        SemiSyncState primary = SemiSyncState.read(ctx.primary);
        SemiSyncState standby = SemiSyncState.read(ctx.standby);
        List<String> changed = new ArrayList<>();
        if (!primary.masterEnabled()) set(ctx.primary, p, "rpl_semi_sync_master_enabled", "ON", changed);
        if (primary.timeoutMs() != timeout) set(ctx.primary, p, "rpl_semi_sync_master_timeout", Long.toString(timeout), changed);
        if (!"AFTER_SYNC".equalsIgnoreCase(primary.waitPoint())) {
            set(ctx.primary, p, "rpl_semi_sync_master_wait_point", "AFTER_SYNC", changed);
        }
        boolean restartIo = primary.masterClients() == 0 || !standby.slaveEnabled();
        if (!standby.slaveEnabled()) set(ctx.standby, s, "rpl_semi_sync_slave_enabled", "ON", changed);
        if (restartIo && ctx.standby.replicaStatus().isPresent()) {
            // The IO thread negotiates semi-sync when it connects.
            ctx.standby.execute("STOP SLAVE IO_THREAD");
            ctx.standby.execute("START SLAVE IO_THREAD");
            changed.add("restarted the IO thread on " + s);
        }
        SemiSyncState now = awaitClient(ctx);
        ctx.note("note: SET GLOBAL does not survive a restart; put in my.cnf [mysqld]: on " + p
                + ": rpl_semi_sync_master_enabled=ON, rpl_semi_sync_master_timeout=" + timeout
                + ", rpl_semi_sync_master_wait_point=AFTER_SYNC; on " + s
                + ": rpl_semi_sync_slave_enabled=ON (swap them after a failover)");
        String did = changed.isEmpty() ? "already configured" : "set " + String.join(", ", changed);
        if (now.fellBackToAsync()) {
            ctx.note("WARNING: " + p + " is not waiting for acks: no standby acknowledged within " + timeout
                    + " ms, so commits are asynchronous until " + s + " catches up");
            return "WARNING " + p + " " + now.describeMaster() + "; " + did;
        }
        if (now.masterClients() == 0) {
            ctx.note("WARNING: no semi-sync standby is connected to " + p + ": the next commit waits " + timeout
                    + " ms, then falls back to asynchronous replication");
            return "WARNING " + p + " has no semi-sync client yet; " + did;
        }
        return p + " " + now.describeMaster() + "; " + did;
    }

    private String disable(BootstrapContext ctx) throws Exception {
        String p = ctx.primaryNode().name();
        String s = ctx.standbyNode().name();
        List<String> changed = new ArrayList<>();
        if (SemiSyncState.read(ctx.primary).masterEnabled()) {
            set(ctx.primary, p, "rpl_semi_sync_master_enabled", "OFF", changed);
        }
        if (SemiSyncState.read(ctx.standby).slaveEnabled()) {
            set(ctx.standby, s, "rpl_semi_sync_slave_enabled", "OFF", changed);
            if (ctx.standby.replicaStatus().isPresent()) {
                ctx.standby.execute("STOP SLAVE IO_THREAD");
                ctx.standby.execute("START SLAVE IO_THREAD");
            }
        }
        return changed.isEmpty() ? "off (replication.semi-sync: false)"
                : "turned off (replication.semi-sync: false): " + String.join(", ", changed);
    }

    /** Waits, bounded, for the standby to connect as a semi-sync client; returns the primary's state then. */
    private static SemiSyncState awaitClient(BootstrapContext ctx) throws Exception {
        Instant deadline = ctx.clock.instant().plus(ctx.limits.semiSyncClient());
        long maxPolls = ctx.limits.semiSyncClient().toMillis() / Math.max(1, ctx.limits.poll().toMillis()) + 1;
        SemiSyncState state = SemiSyncState.read(ctx.primary);
        for (long i = 0; i < maxPolls && state.masterClients() == 0 && ctx.clock.instant().isBefore(deadline); i++) {
            Thread.sleep(ctx.limits.poll().toMillis());
            state = SemiSyncState.read(ctx.primary);
        }
        return state;
    }

    private static void set(DbSession db, String node, String variable, String value, List<String> changed) throws Exception {
        // Names and values come from this class, never from input; SET GLOBAL takes no bind parameters.
        db.execute("SET GLOBAL " + variable + " = " + value);
        changed.add(variable + "=" + value + " on " + node);
    }

    private static long timeoutMs(BootstrapContext ctx) {
        return ctx.config.replication().semiSyncTimeout().toMillis();
    }
}
