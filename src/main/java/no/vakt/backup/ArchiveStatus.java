package no.vakt.backup;

import java.time.Duration;
import java.time.Instant;

/**
 * The continuous archive as its keeper last saw it: for status, metrics, the dashboard and {@code vakt check}.
 *
 * @param node the primary it follows; null before the first
 * @param coveredGtid every transaction up to here is archived
 * @param coveredAt what the primary had committed at this instant is archived; null when nothing yet
 * @param detail why it is not streaming (the failure, the gap); empty when it is
 */
public record ArchiveStatus(State state, String node, String coveredGtid, Instant coveredAt, String detail) {
    public enum State {
        /** Not started yet, or this agent does not lead (another keeps the archive). */
        IDLE,
        /** The stream runs and keeps up. */
        STREAMING,
        /** The stream ended; restarted after the retry policy's backoff. */
        RESTARTING,
        /** Transactions were purged on the server before they were archived: restores across it lose them. */
        GAP,
        /**
         * The new primary lacks transactions the archive has from the old one (a failover lost them): the archive
         * follows it from what it had ({@link Seam}), so restores stay whole; said once, then streaming.
         */
        DIVERGED;

        /** A gap: the archive cannot replay across it. */
        public boolean broken() {
            return this == GAP;
        }
    }

    public static final ArchiveStatus IDLE = new ArchiveStatus(State.IDLE, null, "", null, "");

    public ArchiveLag lag(Instant now) {
        if (coveredAt == null) return ArchiveLag.NEVER;
        Duration d = Duration.between(coveredAt, now);
        return new ArchiveLag(coveredAt, d.isNegative() ? Duration.ZERO : d);
    }

    ArchiveStatus with(State s, String why) {
        return new ArchiveStatus(s, node, coveredGtid, coveredAt, why);
    }
}
