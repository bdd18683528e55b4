package no.vakt.coordination;

/** The typed outcome of {@link Coordinator#advanceEpoch(long, long)}. */
public sealed interface EpochUpdate {
    /** The epoch is {@code epoch} now, set by this agent. */
    record Advanced(long epoch) implements EpochUpdate {}

    /** Someone else moved the epoch: it was {@code actual}, not the {@code expected} this agent based its change on. */
    record Refused(long expected, long actual) implements EpochUpdate {}

    /** The coordination service could not be asked within its deadline: nothing is known to have changed. */
    record Unavailable(String why) implements EpochUpdate {}
}
