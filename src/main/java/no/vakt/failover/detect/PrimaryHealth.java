package no.vakt.failover.detect;

/**
 * The monitor's verdict on the primary, combining its own probes with the standby's view. Only
 * {@link #DOWN} may lead to an automatic failover; every other state rules it out.
 */
public enum PrimaryHealth {
    /**
     * Vakt cannot tell: no observation yet, or the monitor lost the primary and the standby cannot
     * witness either way (unreachable itself, or its replication was stopped without an error). No
     * failover: one witness is not enough.
     */
    UNKNOWN,
    /** The last probe of the primary succeeded. */
    HEALTHY,
    /** The monitor missed fewer than {@code checks.failures} consecutive probes: watch, do nothing yet. */
    SUSPECT,
    /**
     * The monitor missed {@code checks.failures} consecutive probes but the standby still receives from
     * the primary: the fault is between the monitor and the primary. Alert, never fail over.
     */
    UNREACHABLE_FROM_MONITOR,
    /**
     * Both witnesses agree: the monitor missed {@code checks.failures} consecutive probes and the standby
     * lost the primary too (its IO thread is reconnecting or stopped with an error, or nothing arrived
     * for longer than the standby bound). The only state that allows a failover.
     */
    DOWN;

    /** True when the state calls for an alert (the primary is not known to be serving). */
    public boolean alerting() {
        return this == UNREACHABLE_FROM_MONITOR || this == DOWN;
    }
}
