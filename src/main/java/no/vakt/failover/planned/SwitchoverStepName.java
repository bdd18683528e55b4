package no.vakt.failover.planned;

import no.vakt.failover.plan.StepId;

/** The steps only a switchover runs; the rest carry the failover's {@link no.vakt.failover.plan.StepName}. */
enum SwitchoverStepName implements StepId {
    /** After VERIFY_WRITE: the old primary becomes the new one's replica. */
    REPOINT_OLD_PRIMARY
}
