package no.vakt.failover.detect;

import java.time.Instant;

/**
 * A change of {@link PrimaryHealth}, with the evidence that caused it (what the monitor and the
 * standby each saw), ready to be logged and journaled.
 */
public record Transition(Instant at, PrimaryHealth from, PrimaryHealth to, int consecutiveFailures, String evidence) {
    @Override
    public String toString() {
        return from + " -> " + to + ": " + evidence;
    }
}
