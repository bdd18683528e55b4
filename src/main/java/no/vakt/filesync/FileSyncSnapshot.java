package no.vakt.filesync;

import java.time.Instant;
import java.util.List;

/**
 * File sync at one moment, for {@code vakt status} (read from the status file the running sync writes)
 * and for metrics (from {@link FileSyncService#snapshot()} in the same process). Totals add up the
 * directories.
 *
 * @param state disabled (no files: section), running, paused (no target until {@code vakt rejoin}), stopped
 * @param source the node whose directories are the source
 * @param target the node they are pushed to; null while paused
 * @param note why paused or stopped, else null
 */
public record FileSyncSnapshot(
        Instant generatedAt,
        String state,
        String source,
        String target,
        long epoch,
        String note,
        long pendingChanges,
        long oldestUnsyncedMs,
        Instant lastSuccess,
        long filesSent,
        long bytesSent,
        long deletes,
        long rsyncFailures,
        long pushFailures,
        List<DirectoryStatus> directories) {

    public FileSyncSnapshot {
        directories = directories == null ? List.of() : List.copyOf(directories);
    }

    static FileSyncSnapshot of(Instant now, String state, SyncDirection d, String note, List<DirectoryStatus> dirs) {
        Instant last = null;
        boolean allSucceeded = !dirs.isEmpty();
        for (DirectoryStatus s : dirs) {
            if (s.lastSuccess() == null) allSucceeded = false;
            else if (last == null || s.lastSuccess().isBefore(last)) last = s.lastSuccess();
        }
        return new FileSyncSnapshot(now, state, d == null ? null : d.source(), d == null ? null : d.target(),
                d == null ? 0 : d.epoch(), note,
                dirs.stream().mapToLong(DirectoryStatus::pendingChanges).sum(),
                dirs.stream().mapToLong(DirectoryStatus::oldestUnsyncedMs).max().orElse(0),
                allSucceeded ? last : null,
                dirs.stream().mapToLong(DirectoryStatus::filesSent).sum(),
                dirs.stream().mapToLong(DirectoryStatus::bytesSent).sum(),
                dirs.stream().mapToLong(DirectoryStatus::deletes).sum(),
                dirs.stream().mapToLong(DirectoryStatus::rsyncFailures).sum(),
                dirs.stream().mapToLong(DirectoryStatus::pushFailures).sum(),
                dirs);
    }
}
