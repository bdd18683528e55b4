package no.vakt.failover.planned;

import java.time.Clock;
import java.time.Duration;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepResult;

/**
 * A switchover's own step, after VERIFY_WRITE: the old primary (alive, fenced) becomes the new primary's
 * replica from its own binlog position; read_only stays ON. A failover leaves that to a rejoin.
 */
final class RepointOldPrimaryStep extends SwitchoverStep {
    private final String replPassword;
    private final Duration replicaStart;
    private final Clock clock;

    RepointOldPrimaryStep(SwitchoverState run, String replPassword, Duration replicaStart, Clock clock) {
        super(SwitchoverStepName.REPOINT_OLD_PRIMARY, run);
        this.replPassword = replPassword;
        this.replicaStart = replicaStart;
        this.clock = clock;
    }

    @Override
    public StepResult execute(StepContext ctx) throws Exception {
        ReplicaSetup.pointAt(run.oldDb, run.to, run.config.replication(), replPassword, null);
        String problem = ReplicaSetup.awaitThreads(run.oldDb, replicaStart, clock).orElse(null);
        if (problem != null) return StepResult.failed(run.from.name() + "'s replica threads did not start: " + problem);
        run.repointed = true;
        return StepResult.ok(run.from.name() + " replicates from " + run.to.name() + " (read_only stays ON)");
    }
}
