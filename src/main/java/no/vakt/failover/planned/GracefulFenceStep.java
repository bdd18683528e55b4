package no.vakt.failover.planned;

import java.time.Clock;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeOperations;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;

/**
 * A switchover's FENCE_OLD_PRIMARY: the old primary is alive, so the fence must work over SQL (no fencing
 * command, no reachability guess): the accounts that bypass read_only locked first (they would write
 * through it, errant once repointed), read_only=ON, client sessions ended, and the position the standby
 * must reach read. Any failure fails the step; the switchover then lifts the fence.
 */
final class GracefulFenceStep extends SwitchoverStep {
    private final Clock clock;

    GracefulFenceStep(SwitchoverState run, Clock clock) {
        super(StepName.FENCE_OLD_PRIMARY, run);
        this.clock = clock;
    }

    @Override
    public StepResult execute(StepContext ctx) throws Exception {
        run.fencedAt = clock.instant();
        run.locked = FenceLocks.lock(run.oldDb, FenceLocks.exemptUsers(run.config));
        int killed = NodeOperations.fence(run.oldDb);
        run.position = run.oldDb.scalar("SELECT @@GLOBAL.gtid_binlog_pos").orElse("");
        return StepResult.ok("read_only=ON on " + run.from.name() + ", " + FenceLocks.describe(run.locked, "locked") + ", "
                + killed + " client session(s) ended, position " + (run.position.isEmpty() ? "(empty)" : run.position));
    }
}
