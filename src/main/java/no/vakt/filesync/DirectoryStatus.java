package no.vakt.filesync;

import java.time.Instant;

/**
 * One synced directory at one moment: what {@code vakt status} prints and metrics export.
 *
 * @param source the local source directory
 * @param target node:directory on the target
 * @param state starting, reconciling, watching, retrying, stopped
 * @param pendingChanges changed paths not yet pushed
 * @param oldestUnsyncedMs age of the oldest change not yet on the target (0 when in sync)
 * @param lastSuccess the end of the last push or reconcile that delivered everything it had
 * @param lastReconcile the end of the last full reconcile
 * @param filesSent files written on the target (receiver and rsync)
 * @param bytesSent file bytes written on the target
 * @param deletes files removed on the target
 * @param rsyncFailures failed rsync runs (reconcile or large files)
 * @param pushFailures failed pushes through the receiver (each followed by a reconnect)
 * @param deleteGuard why deletions are held back now; null when they are not
 * @param lastError the last failure, null after a success
 * @param watchedDirectories directories under inotify watch
 */
public record DirectoryStatus(
        String source,
        String target,
        String state,
        long pendingChanges,
        long oldestUnsyncedMs,
        Instant lastSuccess,
        Instant lastReconcile,
        long filesSent,
        long bytesSent,
        long deletes,
        long rsyncFailures,
        long pushFailures,
        String deleteGuard,
        String lastError,
        long watchedDirectories) {}
