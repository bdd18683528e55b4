package no.vakt.status;

import java.time.Duration;

/**
 * How Vakt reads replication lag from its heartbeat rows, in one place for {@code vakt status} and
 * {@code vakt check}.
 *
 * <p>Every probe reads the age of the newest {@code vakt.heartbeat} row on a node (its own clock
 * minus the row's timestamp). On a replica that age is the lag only while a writer is writing: once
 * the writer stops, the age grows on the primary and the replica alike. So the lag of a replica is
 * its age minus its source's age (the source's newest row minus the newest one the replica applied),
 * measured in the same probe round. When the source does not answer, the replica's own age is the
 * honest figure: an upper bound that also counts the time since the writer last wrote.
 */
public final class HeartbeatLag {
    /** At least this old is a stopped writer whatever the interval: a loaded server can pause a beat or two. */
    static final Duration MIN_STALE = Duration.ofSeconds(2);
    /** Missed beats before the writer counts as stopped: one late beat is jitter, four are not. */
    static final int MISSED_BEATS = 4;

    /** How the lag figure was obtained. */
    public enum Basis {
        /** The source answered: its newest heartbeat minus the replica's newest applied one. */
        SOURCE,
        /** The source did not answer or has no heartbeat: the raw age of the replica's newest row. */
        AGE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A lag figure and how it was obtained. */
    public record Measured(long ms, Basis basis) {}

    private HeartbeatLag() {}

    /** A primary whose newest heartbeat row is older than this has no writer running. */
    public static Duration staleAfter(Duration heartbeatInterval) {
        Duration beats = heartbeatInterval.multipliedBy(MISSED_BEATS);
        return beats.compareTo(MIN_STALE) >= 0 ? beats : MIN_STALE;
    }

    /**
     * The replica's lag from the ages of the newest heartbeat rows on it and on its source, both in
     * milliseconds and read in the same probe round.
     *
     * @param replicaAgeMs null when no heartbeat has reached the replica: the lag is unknown (null)
     * @param sourceAgeMs null when the source did not answer or has no heartbeat rows
     */
    public static Measured of(Long replicaAgeMs, Long sourceAgeMs) {
        if (replicaAgeMs == null) return null;
        if (sourceAgeMs == null) return new Measured(replicaAgeMs, Basis.AGE);
        return new Measured(Math.max(0, replicaAgeMs - sourceAgeMs), Basis.SOURCE);
    }
}
