package no.vakt.journal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One failover as journaled, with its steps in execution order.
 *
 * @param mode the failover mode label ({@code automatic}, {@code manual}, {@code notify-only})
 * @param trigger what started it (for example {@code automatic-detection} or {@code operator})
 * @param epoch the epoch the new primary gets when the failover completes
 * @param ending how it ended, the value code reads (null while running)
 * @param summary why it ended as it did, for people (null while running)
 */
public record FailoverRecord(
        long id,
        String cluster,
        Instant startedAt,
        Instant endedAt,
        String fromNode,
        String toNode,
        String mode,
        String trigger,
        FailoverOutcome outcome,
        FailoverEnding ending,
        long epoch,
        String summary,
        List<StepRecord> steps) {

    public FailoverRecord {
        if (ending != null && ending.outcome() != outcome) {
            throw new IllegalArgumentException("failover " + id + " is " + outcome.label() + ", not " + ending.label());
        }
        steps = List.copyOf(steps);
    }

    /** How it ended for people: {@code completed, traffic pending}, ...; {@code running} while it runs. */
    public String label() {
        return ending == null ? outcome.label() : ending.forPeople();
    }

    /**
     * Its standby was promoted, whatever failed after: completed, or aborted past the point of no return.
     * The old primary then lost its role, so it is fenced and kept fenced like after a completed failover.
     */
    public boolean promoted() {
        return ending != null && ending.promoted();
    }

    /** It completed, but its traffic switch failed. */
    public boolean trafficPending() {
        return ending != null && ending.trafficPending();
    }

    /** The last row for the named step (a step retried after a crash has several). */
    public Optional<StepRecord> lastRunOf(String stepName) {
        StepRecord last = null;
        for (StepRecord s : steps) {
            if (s.name().equals(stepName)) last = s;
        }
        return Optional.ofNullable(last);
    }
}
