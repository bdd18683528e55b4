package no.vakt.failover.detect;

import no.vakt.roles.LiveRoles;

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

    /**
     * Whether the failover the last {@link #primaryDown} (or {@link #primaryStillDown}) started stopped
     * before the point of no return, nothing irreversible done, so that trying again may succeed (a step
     * that timed out, a standby that was busy). The monitor then calls {@link #primaryStillDown} on a
     * later tick while the primary stays DOWN, a bounded number of times per outage.
     */
    default boolean retryWanted() {
        return false;
    }

    /** The primary is still DOWN and {@link #retryWanted()}: start the failover again (no new "down" alert). */
    default void primaryStillDown(LiveRoles roles, Transition evidence) {
    }

    /** Any other change (SUSPECT, UNKNOWN, back to HEALTHY, a repeated DOWN): for the record and alerts. */
    void stateChanged(LiveRoles roles, Transition transition);
}
