package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import no.vakt.cluster.Sleeper;

/**
 * Polls a read until it shows the wanted state, bounded in time and in count. Clock and pause are
 * injected so tests do not wait for real time.
 */
final class VisibilityPoll {
    /** One read: true when the change is visible. Retryable failures count as "not yet". */
    @FunctionalInterface
    interface Probe {
        boolean visible() throws TrafficException;
    }

    // 10 000 reads cover a 10 minute bound at the 60 ms minimum interval: a hard stop if a clock never moves.
    private static final int MAX_READS = 10_000;

    private final Clock clock;
    private final Sleeper pause;
    private final Duration interval;

    VisibilityPoll(Clock clock, Sleeper pause, Duration interval) {
        this.clock = clock;
        this.pause = pause;
        this.interval = interval;
    }

    /**
     * Returns how long it took until {@code probe} saw the change; throws a retryable exception
     * (keeping the last failure as cause) when it did not within {@code bound}.
     */
    Duration await(String what, Duration bound, Probe probe) throws TrafficException {
        Instant start = clock.instant();
        Instant deadline = start.plus(bound);
        TrafficException last = null;
        for (int read = 0; read < MAX_READS; read++) {
            try {
                if (probe.visible()) return Duration.between(start, clock.instant());
                last = null;
            } catch (TrafficException e) {
                if (!e.retryable()) throw e;
                last = e;
            }
            if (!clock.instant().plus(interval).isBefore(deadline)) break;
            try {
                pause.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrafficException(what + ": interrupted while waiting for the change to show", true, e);
            }
        }
        String why = last != null ? " (last read failed: " + last.getMessage() + ")" : "";
        throw new TrafficException(what + ": the change was not visible within " + bound.toSeconds() + " s" + why, true, last);
    }
}
