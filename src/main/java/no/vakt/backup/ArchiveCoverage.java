package no.vakt.backup;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * How far the archive has caught up (pure): the primary's binlog position is sampled (file, byte offset,
 * GTID position, when); a sample is covered once the archived copy of its file is at least that long, and
 * then everything the primary had committed at that instant is archived. The newest covered sample is the
 * archive's position; the lag is the time since it was taken ({@link ArchiveLag}).
 */
final class ArchiveCoverage {
    /** Older uncovered samples are dropped beyond this: a long outage must not grow memory. */
    private static final int MAX_SAMPLES = 3600;

    record Sample(String file, long position, String gtid, Instant at) {}

    private final Deque<Sample> pending = new ArrayDeque<>();

    void add(Sample s) {
        pending.addLast(s);
        if (pending.size() > MAX_SAMPLES) pending.removeFirst();
    }

    /** Drops the samples the archive now holds; the newest of them, if any. */
    Optional<Sample> advance(ToLongFunction<String> archivedBytes) {
        Sample newest = null;
        while (!pending.isEmpty()) {
            Sample s = pending.peekFirst();
            if (archivedBytes.applyAsLong(s.file()) < s.position()) break;
            newest = pending.removeFirst();
        }
        return Optional.ofNullable(newest);
    }

    /** A new primary: its positions name other files. */
    void clear() {
        pending.clear();
    }
}
