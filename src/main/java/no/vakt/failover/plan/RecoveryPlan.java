package no.vakt.failover.plan;

import java.util.List;

/**
 * Crash recovery's decision.
 *
 * @param fenceFirst nodes to make read-only before anything else, so there are never two writable primaries
 * @param resumeFrom the step to resume from (only with RESUME_FROM, null otherwise)
 * @param reason the evidence and reasoning, for the journal and the alert
 */
public record RecoveryPlan(long failoverId, List<String> fenceFirst, RecoveryAction action, StepName resumeFrom, String reason) {
    public RecoveryPlan {
        fenceFirst = List.copyOf(fenceFirst);
        if ((action == RecoveryAction.RESUME_FROM) != (resumeFrom != null)) {
            throw new IllegalArgumentException("resumeFrom goes with RESUME_FROM and only with it");
        }
    }
}
