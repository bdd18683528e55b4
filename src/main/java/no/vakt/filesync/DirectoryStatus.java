package no.vakt.filesync;

import java.time.Instant;
import no.vakt.config.SyncDirectory;

/**
 * One synced directory at one moment: what {@code vakt status} prints and metrics export.
 *
 * @param directory the configured directory, stable across direction changes ({@link SyncDirectory#label()}):
 *     the metrics' {@code directory} label
 * @param source the local source directory
 * @param target node:directory on the target, for people (a refused one: the node alone)
 * @param targetNode the target's node name: what code reads, never cut out of {@code target}
 * @param state starting, reconciling, watching, retrying, stopped; refused when the config maps a recorded
 *     directory to the other node ({@link DirectoryLayout}: nothing is synced, {@code lastError} says why)
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
 * @param deleteGuardSince since when they are held back; null when they are not
 * @param behind the oldest unsynced change is older than {@code files.max-behind}
 * @param failing the last {@value DirectorySync#FAILING_AFTER} or more pushes or reconciles failed in a row
 * @param lastError the last failure, null after a success
 * @param watchedDirectories directories under inotify watch
 */
public record DirectoryStatus(
        String directory,
        String source,
        String target,
        String targetNode,
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
        Instant deleteGuardSince,
        boolean behind,
        boolean failing,
        String lastError,
        long watchedDirectories) {

    /** A directory file sync refuses to touch, with the reason. */
    static DirectoryStatus refused(String directory, String source, String target, String why) {
        return new DirectoryStatus(directory, source, target, target, "refused", 0, 0, null, null, 0, 0, 0, 0, 0, null, null,
                false, false, why, 0);
    }
}
