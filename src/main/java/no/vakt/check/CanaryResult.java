package no.vakt.check;

import java.time.Duration;

/**
 * How the end-to-end proof went: a row written on the primary and looked for on the standby.
 *
 * @param arrivalMs milliseconds from the primary's commit to the row being seen on the standby; null unless arrived
 * @param bound how long the probe waited at most
 * @param detail why it was skipped or failed; null when arrived
 */
public record CanaryResult(Outcome outcome, Long arrivalMs, Duration bound, String detail) {
    public enum Outcome { ARRIVED, NOT_ARRIVED, WRITE_FAILED, SKIPPED }

    public static CanaryResult arrived(long ms, Duration bound) {
        return new CanaryResult(Outcome.ARRIVED, ms, bound, null);
    }

    public static CanaryResult notArrived(Duration bound, String detail) {
        return new CanaryResult(Outcome.NOT_ARRIVED, null, bound, detail);
    }

    public static CanaryResult writeFailed(String detail) {
        return new CanaryResult(Outcome.WRITE_FAILED, null, null, detail);
    }

    public static CanaryResult skipped(String reason) {
        return new CanaryResult(Outcome.SKIPPED, null, null, reason);
    }
}
