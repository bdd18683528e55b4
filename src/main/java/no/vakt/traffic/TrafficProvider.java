package no.vakt.traffic;

import java.time.Duration;

/**
 * One configured way of sending users to a node: a DNS record, a load-balancer backend, a command.
 * A {@link TrafficSwitch} applies every configured provider in order; each call here is one attempt
 * (the caller decides about retries from {@link TrafficException#retryable()}).
 */
public interface TrafficProvider {
    /** Short, secret-free name for logs, the journal and {@code vakt traffic show}: "rfc2136 app.lab.test. A". */
    String describe();

    /**
     * Points this entry at {@code node} (a node name from the config; the entry maps it to an address
     * or backend server). Idempotent: when it already points there, nothing is changed and
     * {@link ApplyOutcome#UNCHANGED} is returned.
     */
    ApplyOutcome apply(String node, long epoch) throws TrafficException;

    /** Where it points now, read from the authority (authoritative DNS server, the balancer's runtime state). */
    PointsAt show() throws TrafficException;

    /**
     * Waits until the change to {@code node} is visible where it counts (every authoritative server
     * answers the new address; the balancer reports the new backend ready), at most {@code bound}.
     * Returns how long that took; throws when it was not visible in time.
     */
    Duration verify(String node, Duration bound) throws TrafficException;

    /**
     * What the last {@link #verify} could not check although it passed (an authority it could not find, say),
     * one line each; empty when it checked everything it should. Journaled with the entry's outcome.
     */
    default java.util.List<String> verifyNotes() {
        return java.util.List.of();
    }

    /** A read-only call that proves the credentials and the zone/record/backend exist (for {@code vakt check}). */
    void checkAccess() throws TrafficException;

    enum ApplyOutcome { CHANGED, UNCHANGED }

    /**
     * @param values what the authority answers now (addresses, or "server=state" for a balancer)
     * @param node the configured node those values belong to, or null when they match none
     * @param ttlSeconds the record's live TTL, or null where there is none
     */
    record PointsAt(java.util.List<String> values, String node, Long ttlSeconds) {}
}
