package no.vakt.failover.plan;

import no.vakt.journal.FailoverRecord;

/**
 * What a step needs to know about the failover it belongs to. Built from a plan when a failover starts,
 * or from the journal when crash recovery resumes one, so a step never depends on in-memory state that
 * a crash would lose.
 *
 * @param enforceRpo whether CHECK_DATA_LOSS must stop a promotion that exceeds the RPO
 */
public record StepContext(long failoverId, String cluster, String fromNode, String toNode, long newEpoch, boolean enforceRpo) {

    public static StepContext of(long failoverId, FailoverPlan plan) {
        return new StepContext(failoverId, plan.cluster(), plan.fromNode(), plan.toNode(), plan.newEpoch(), plan.enforceRpo());
    }

    public static StepContext of(FailoverRecord record) {
        boolean forced = Trigger.fromLabel(record.trigger()).force();
        return new StepContext(record.id(), record.cluster(), record.fromNode(), record.toNode(), record.epoch(), !forced);
    }
}
