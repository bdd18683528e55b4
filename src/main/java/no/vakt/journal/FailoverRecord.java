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
 * @param summary why it ended as it did (null while running)
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
        long epoch,
        String summary,
        List<StepRecord> steps) {

    public FailoverRecord {
        steps = List.copyOf(steps);
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
