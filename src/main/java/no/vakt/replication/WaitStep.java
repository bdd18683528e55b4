package no.vakt.replication;

import java.time.Duration;
import java.time.Instant;
import no.vakt.db.ReplicaStatus;

/** Waits, bounded, until the standby's IO and SQL threads both run; fails fast on an error that will not clear. */
public final class WaitStep extends Step {
    /** The primary cannot send what the standby asks for, most often because those binlogs were purged. */
    private static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;

    public WaitStep() {
        super("wait");
    }

    @Override
    public String preview(BootstrapContext ctx) {
        return "wait up to " + ctx.limits.replicaStart().toSeconds() + " s for IO and SQL threads on "
                + ctx.standbyNode().name();
    }

    @Override
    public String run(BootstrapContext ctx) throws Exception {
        Instant start = ctx.clock.instant();
        Instant deadline = start.plus(ctx.limits.replicaStart());
        String node = ctx.standbyNode().name();
        ReplicaStatus last = null;
        // Bounded by the deadline and by a count, in case the clock stands still.
        long maxPolls = Math.max(1, ctx.limits.replicaStart().toMillis() / Math.max(1, ctx.limits.poll().toMillis())) + 1;
        for (long i = 0; i < maxPolls && !ctx.clock.instant().isAfter(deadline); i++) {
            last = ctx.inspector.inspect(ctx.standbyNode(), ctx.standby).replica().orElseThrow(() -> new StepFailedException(node + " has no replica configuration"));
            if (last.ioThreadRunning() && last.sqlThreadRunning()) {
                long ms = Duration.between(start, ctx.clock.instant()).toMillis();
                String pos = ctx.standby.scalar("SELECT @@GLOBAL.gtid_slave_pos").orElse("");
                return "IO and SQL threads running on " + node + " after "
                        + String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0) + " (gtid_slave_pos " + pos
                        + ", Seconds_Behind_Master " + (last.secondsBehindMaster() == null ? "NULL" : last.secondsBehindMaster()) + ")";
            }
            if (!last.sqlThreadRunning() && last.lastSqlErrno() != 0) {
                throw new StepFailedException("the SQL thread on " + node + " stopped: " + last.lastError());
            }
            if (last.lastIoErrno() == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
                // Usually found by the planner before CHANGE MASTER; this catches what it could not read
                // (and logs purged in between).
                throw new StepFailedException("the IO thread on " + node + " stopped: " + last.lastError()
                        + " (" + ctx.primaryNode().name() + " cannot send what " + node + " asks for: when its binary"
                        + " logs were purged, copy " + node + " again with " + ctx.rerun() + " --overwrite)");
            }
            Thread.sleep(ctx.limits.poll().toMillis());
        }
        String why = last == null ? "" : ": IO " + last.ioRunning() + ", SQL " + last.sqlRunning()
                + (last.lastError().isEmpty() ? "" : ", last error " + last.lastError());
        throw new StepFailedException("replication on " + node + " did not start within "
                + ctx.limits.replicaStart().toSeconds() + " s" + why);
    }
}
