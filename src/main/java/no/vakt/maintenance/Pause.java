package no.vakt.maintenance;

import java.time.Duration;
import java.time.Instant;

/**
 * A maintenance pause in force: no automatic failover until {@code until}; detection and alerts go on.
 *
 * @param by who paused: the OS user ({@code vakt pause} writing the journal) or the API caller's name and address
 * @param tokenRole the API token that acted ({@code admin}), null when the journal was written directly
 */
public record Pause(Instant since, Instant until, String reason, String by, String tokenRole) {
    public Duration remaining(Instant now) {
        Duration d = Duration.between(now, until);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** "until 2026-12-07T03:00:00Z, reason 'db upgrade', by alice": for alerts and status lines. */
    public String describe() {
        return "until " + until + ", " + (reason == null || reason.isBlank() ? "no reason given" : "reason '" + reason + "'")
                + ", by " + by;
    }
}
