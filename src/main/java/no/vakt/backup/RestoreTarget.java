package no.vakt.backup;

import java.time.Instant;

/** Where a restore stops: the end of the archive, a moment, a GTID (inclusive), or just before a matching event. */
public sealed interface RestoreTarget {
    record Latest() implements RestoreTarget {}

    /** Replays events until the first one at or after {@code time}. */
    record ToTime(Instant time) implements RestoreTarget {}

    /** Replays up to and including {@code gtid} (a GTID list, one per domain). */
    record ToGtid(String gtid) implements RestoreTarget {}

    /** Replays everything before the transaction of the first event matching {@code fragment} ({@link StopBefore}). */
    record Before(String fragment) implements RestoreTarget {}
}
