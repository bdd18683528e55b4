package no.vakt.failover.plan;

/**
 * The named steps of a promotion, in execution order (the declaration order is the order). The journal
 * stores a step by {@link #name()}.
 */
public enum StepName implements StepId {
    /** Stop the old primary taking writes: lock the accounts that bypass read_only, read_only=ON (MariaDB has no super_read_only), kill client connections, fencing command. */
    FENCE_OLD_PRIMARY,
    /** Let the standby apply everything it already received, bounded by {@code max-apply-wait}. */
    APPLY_RELAY_LOG,
    /** Recompute the expected data loss after applying, and stop when it exceeds the RPO (unless forced). */
    CHECK_DATA_LOSS,
    /** STOP SLAVE; RESET SLAVE ALL; read_only=OFF on the standby. The point of no return. */
    PROMOTE_STANDBY,
    /** Prove the new primary takes a real write. */
    VERIFY_WRITE,
    /** Traffic switch, file sync direction and alerts. */
    HANDOVER,
    /** Raise the cluster epoch (fencing token) in the journal and in the new primary's {@code vakt.cluster}. */
    BUMP_EPOCH;

    /** True for the steps from which the standby may already be writable. */
    public boolean promotesOrLater() {
        return compareTo(PROMOTE_STANDBY) >= 0;
    }
}
