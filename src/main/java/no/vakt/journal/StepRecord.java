package no.vakt.journal;

import java.time.Instant;

/**
 * One executed (or interrupted) failover step. {@code endedAt} and {@code outcome} are null while the
 * step runs, and stay null when the process died during it.
 *
 * @param seq execution order within the failover, from 1; a step retried after a crash gets a new seq
 */
public record StepRecord(
        long failoverId,
        int seq,
        String name,
        Instant startedAt,
        Instant endedAt,
        StepOutcome outcome,
        String detail) {

    public boolean finished() {
        return outcome != null;
    }
}
