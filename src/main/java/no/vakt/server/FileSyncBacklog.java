package no.vakt.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.vakt.filesync.DirectoryStatus;
import no.vakt.filesync.FileSyncSnapshot;

/**
 * File sync as the dashboard and {@code /metrics} show it: what is still to be copied to the standby site,
 * and whether something needs a person. The file sync supplies one of these on request; the server never
 * asks it for more.
 *
 * @param files files changed on the source and not yet on the standby
 * @param oldestAge how long the oldest of them has been waiting, null when none waits
 * @param state one word for the operator: {@code in-sync}, {@code syncing}, {@code starting}, {@code behind},
 *     {@code failing}, {@code deletes-held}, {@code refused}, {@code paused}, {@code stopped}; the dashboard's
 *     banner warns on {@link #needsAttention()}
 * @param detail one sentence, or null
 * @param totals what was sent, deleted and failed since the file sync started; null when not reported
 * @param directories per directory; empty when not reported
 */
public record FileSyncBacklog(long files, Duration oldestAge, String state, String detail, Totals totals,
        List<Directory> directories) {

    public FileSyncBacklog {
        directories = directories == null ? List.of() : List.copyOf(directories);
    }

    public FileSyncBacklog(long files, Duration oldestAge, String state, String detail) {
        this(files, oldestAge, state, detail, null, List.of());
    }

    /**
     * @param lastSuccess everything changed before it is on the target; null until then
     * @param filesSent files written on the target (a counter)
     * @param bytesSent their bytes (a counter)
     * @param deletes files removed on the target (a counter)
     * @param rsyncFailures failed rsync runs (a counter)
     * @param pushFailures failed pushes through the receiver (a counter)
     */
    public record Totals(Instant lastSuccess, long filesSent, long bytesSent, long deletes, long rsyncFailures,
            long pushFailures) {}

    /**
     * @param name the configured directory (stable across direction changes)
     * @param deleteGuardTripped deletions are held back for it
     * @param behind its oldest unsynced change is older than files.max-behind
     * @param failing its pushes fail again and again
     */
    public record Directory(String name, boolean deleteGuardTripped, boolean behind, boolean failing) {}

    /** States that must not read as "all good". */
    public boolean needsAttention() {
        return switch (state == null ? "" : state) {
            case "behind", "failing", "deletes-held", "refused", "stopped", "not running" -> true;
            default -> false;
        };
    }

    /** What the running file sync reports, as the dashboard and metrics show it. */
    public static FileSyncBacklog of(FileSyncSnapshot s) {
        String detail;
        if (s.source() == null) {
            detail = s.note();
        } else if (s.target() == null) {
            // After a failover: the new primary is the source and nothing is pushed until a rejoin.
            detail = s.source() + " -> paused" + (s.note() == null ? "" : ": " + s.note());
        } else {
            detail = s.source() + " -> " + s.target() + ", " + s.filesSent() + " files sent"
                    + (s.problems().isEmpty() ? "" : "; " + String.join("; ", s.problems()));
        }
        List<Directory> dirs = s.directories().stream().map(FileSyncBacklog::directory).toList();
        return new FileSyncBacklog(s.pendingChanges(), s.oldestUnsyncedMs() == 0 ? null : Duration.ofMillis(s.oldestUnsyncedMs()),
                s.condition(), detail, new Totals(s.lastSuccess(), s.filesSent(), s.bytesSent(), s.deletes(), s.rsyncFailures(),
                        s.pushFailures()), dirs);
    }

    private static Directory directory(DirectoryStatus d) {
        return new Directory(d.directory(), d.deleteGuard() != null, d.behind(), d.failing());
    }
}
