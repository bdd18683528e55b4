package no.vakt.backup;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code vakt check} knows about the backups: the newest base backup and the archive from the repository,
 * the last restore drill from the journal (the {@code restore-drill} event, {@code EventKind.RESTORE_DRILL}).
 *
 * @param timeline the archive's record; empty when nothing was ever archived continuously
 * @param lastRestoreDrill when the last restore drill ended; null when none is journaled
 */
public record BackupObservation(Instant at, Manifest newestBackup, Optional<ArchiveTimeline> timeline, Instant lastRestoreDrill) {
    public static BackupObservation read(Repository repo, Instant lastRestoreDrill, Instant now) throws IOException {
        List<Manifest> all = Manifest.all(repo);
        return new BackupObservation(now, all.isEmpty() ? null : all.get(all.size() - 1), ArchiveTimeline.read(repo), lastRestoreDrill);
    }
}
