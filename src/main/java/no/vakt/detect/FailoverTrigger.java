package no.vakt.detect;

/**
 * What the monitor tells the failover side. Every {@link Transition} of the detector goes to exactly one
 * method. Called on the monitor's thread, one call at a time: while a call runs the monitor does not
 * probe, and afterwards it re-reads the live roles (a failover changes them). Implementations must not
 * throw (the monitor logs and carries on if they do).
 */
public interface FailoverTrigger {
    /**
     * Both witnesses agree the primary is down ({@link PrimaryHealth#DOWN}): the only call that may start
     * a failover. Called once per outage: a later DOWN is reported again only after the primary was
     * seen healthy (or the live primary changed) in between; a repeated DOWN within the same outage goes
     * to {@link #stateChanged}.
     */
    void primaryDown(LiveRoles roles, Transition evidence);

    /** The monitor alone lost the primary while the standby still receives from it: alert, never fail over. */
    void unreachableFromMonitor(LiveRoles roles, Transition evidence);

    /** Any other change (SUSPECT, UNKNOWN, back to HEALTHY, a repeated DOWN): for the record and alerts. */
    void stateChanged(LiveRoles roles, Transition transition);
}
