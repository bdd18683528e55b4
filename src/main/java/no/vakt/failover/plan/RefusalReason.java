package no.vakt.failover.plan;

/** Why a promotion must not run (now). */
public enum RefusalReason {
    /** Another failover is running (or a crashed one awaits recovery). Never overridable. */
    FAILOVER_IN_PROGRESS(false),
    /** The standby does not answer: nothing to promote. Never overridable. */
    STANDBY_UNREACHABLE(false),
    /** Automatic trigger, but the detector has not declared the primary DOWN. Never overridable. */
    PRIMARY_NOT_DOWN(false),
    /**
     * Operator trigger while the primary is not confirmed DOWN and does not answer, so it may still take
     * writes and cannot be fenced over SQL (unreachable from the monitor only, unknown, suspect). {@code --force} overrides: the operator vouches
     * the old primary is stopped.
     */
    PRIMARY_NOT_CONFIRMED_DOWN(true),
    /** A failover completed less than {@code policy.cooldown} ago. {@code --force} overrides. */
    COOLDOWN_ACTIVE(true),
    /** The expected data loss exceeds the RPO objective, or cannot be verified. {@code --force} overrides. */
    RPO_EXCEEDED(true);

    private final boolean overridable;

    RefusalReason(boolean overridable) {
        this.overridable = overridable;
    }

    /** Whether an operator's {@code --force} may override it. */
    public boolean overridable() {
        return overridable;
    }
}
