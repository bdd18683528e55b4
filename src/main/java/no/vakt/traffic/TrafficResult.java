package no.vakt.traffic;

import java.time.Duration;

/**
 * How one configured entry fared when it was pointed at a node.
 *
 * @param index the entry's position in {@code traffic:} (0-based)
 * @param entry the provider's description, or the entry type when it could not even be opened
 * @param outcome CHANGED, UNCHANGED, or null when it failed
 * @param attempts how many apply attempts were made (0 when opening failed)
 * @param timeToVisible how long verification waited until the authority showed the change; null when not verified
 * @param error why it failed (secret-free), null when it did not
 * @param note what verification could not check although it passed (for example a name server of the zone
 *     whose name did not resolve), null when nothing
 */
public record TrafficResult(int index, String entry, TrafficProvider.ApplyOutcome outcome, int attempts,
        Duration timeToVisible, String error, String note) {

    public TrafficResult(int index, String entry, TrafficProvider.ApplyOutcome outcome, int attempts,
            Duration timeToVisible, String error) {
        this(index, entry, outcome, attempts, timeToVisible, error, null);
    }

    public boolean ok() {
        return error == null;
    }

    /** "changed", "unchanged" or "FAILED". */
    public String label() {
        return error != null ? "FAILED" : outcome == TrafficProvider.ApplyOutcome.CHANGED ? "changed" : "unchanged";
    }
}
