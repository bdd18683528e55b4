package no.vakt.backup;

import java.time.Duration;
import java.time.Instant;

/**
 * How far the binlog archive is behind the primary: everything committed before {@code coveredAt} is
 * archived, so the lag is at most the time since. {@link #NEVER} when nothing was archived yet.
 */
public record ArchiveLag(Instant coveredAt, Duration lag) {
    public static final ArchiveLag NEVER = new ArchiveLag(null, null);

    public static ArchiveLag of(BinlogArchive.Synced last, Instant now) {
        if (last == null) return NEVER;
        Duration d = Duration.between(last.coveredAt(), now);
        return new ArchiveLag(last.coveredAt(), d.isNegative() ? Duration.ZERO : d);
    }

    public boolean archivedAnything() {
        return coveredAt != null;
    }
}
