package no.vakt.filesync;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Durations;

/**
 * File sync at one moment, for {@code vakt status} (read from the status file the running sync writes)
 * and for metrics and the dashboard (from {@link FileSyncService#snapshot()} in the same process).
 *
 * @param state disabled (no files: section), running, paused (no target until {@code vakt rejoin}), stopped
 * @param source the node whose directories are the source
 * @param target the node they are pushed to; null while paused
 * @param note why paused or stopped, else null
 * @param condition the worst thing about it, one word: {@code refused} (a directory the config maps to the
 *     other node), {@code deletes-held}, {@code failing} (pushes fail again and again), {@code behind}
 *     (older than files.max-behind), {@code starting}, {@code syncing} (changes on their way),
 *     {@code in-sync}; or the state when not running ({@code paused}, {@code stopped}, ...)
 * @param problems one sentence per problem, worst first; empty when there is none
 * @param pendingChanges changed paths waiting, all directories
 * @param oldestUnsyncedMs the oldest unsynced change of any directory (0 when none)
 * @param lastSuccess the oldest of the directories' last successes: everything changed before it is on the
 *     target; null until every directory has had one
 * @param filesSent files written on the target since this process started (as are the other totals)
 * @param maxBehindMs files.max-behind
 */
public record FileSyncSnapshot(
        Instant generatedAt,
        String state,
        String source,
        String target,
        long epoch,
        String note,
        String condition,
        List<String> problems,
        long pendingChanges,
        long oldestUnsyncedMs,
        Instant lastSuccess,
        long filesSent,
        long bytesSent,
        long deletes,
        long rsyncFailures,
        long pushFailures,
        long maxBehindMs,
        List<DirectoryStatus> directories) {

    public FileSyncSnapshot {
        directories = directories == null ? List.of() : List.copyOf(directories);
        problems = problems == null ? List.of() : List.copyOf(problems);
        condition = condition != null ? condition : state;
    }

    /** Counts of directories no longer running (before a direction change), so totals never go down. */
    record Totals(long files, long bytes, long deletes, long rsyncFailures, long pushFailures) {
        static final Totals ZERO = new Totals(0, 0, 0, 0, 0);

        Totals plus(DirectoryStatus s) {
            return new Totals(files + s.filesSent(), bytes + s.bytesSent(), deletes + s.deletes(),
                    rsyncFailures + s.rsyncFailures(), pushFailures + s.pushFailures());
        }
    }

    /** A copy as it should read when nothing has written it for a while. */
    FileSyncSnapshot notRunning(String why) {
        return new FileSyncSnapshot(generatedAt, "not running", source, target, epoch, why, "not running", problems,
                pendingChanges, oldestUnsyncedMs, lastSuccess, filesSent, bytesSent, deletes, rsyncFailures, pushFailures,
                maxBehindMs, directories);
    }

    static FileSyncSnapshot of(Instant now, String state, SyncDirection d, String note, List<DirectoryStatus> dirs,
            Totals retired, long maxBehindMs) {
        Instant last = null;
        boolean allSucceeded = dirs.stream().anyMatch(s -> !REFUSED.equals(s.state()));
        Totals t = retired;
        for (DirectoryStatus s : dirs) {
            t = t.plus(s);
            if (REFUSED.equals(s.state())) continue;
            if (s.lastSuccess() == null) allSucceeded = false;
            else if (last == null || s.lastSuccess().isBefore(last)) last = s.lastSuccess();
        }
        long pending = dirs.stream().mapToLong(DirectoryStatus::pendingChanges).sum();
        long oldest = dirs.stream().mapToLong(DirectoryStatus::oldestUnsyncedMs).max().orElse(0);
        return new FileSyncSnapshot(now, state, d == null ? null : d.source(), d == null ? null : d.target(),
                d == null ? 0 : d.epoch(), note, conditionOf(state, dirs, maxBehindMs), problemsOf(state, dirs, maxBehindMs),
                pending, oldest, allSucceeded ? last : null, t.files(), t.bytes(), t.deletes(), t.rsyncFailures(),
                t.pushFailures(), maxBehindMs, dirs);
    }

    private static final String REFUSED = "refused";

    /** The worst of the directories' problems as one word; the state itself when not running. */
    static String conditionOf(String state, List<DirectoryStatus> dirs, long maxBehindMs) {
        if (!"running".equals(state)) return state;
        List<DirectoryStatus> all = dirs == null ? List.of() : dirs;
        if (all.stream().anyMatch(s -> REFUSED.equals(s.state()))) return "refused";
        if (all.stream().anyMatch(s -> s.deleteGuard() != null)) return "deletes-held";
        if (all.stream().anyMatch(DirectoryStatus::failing)) return "failing";
        if (all.stream().anyMatch(DirectoryStatus::behind)) return "behind";
        if (all.stream().anyMatch(s -> s.lastReconcile() == null)) return "starting";
        return all.stream().anyMatch(s -> s.pendingChanges() > 0 || s.oldestUnsyncedMs() > 0) ? "syncing" : "in-sync";
    }

    /** One sentence per problem, worst first: what {@code vakt status} warns about and the dashboard says. */
    static List<String> problemsOf(String state, List<DirectoryStatus> dirs, long maxBehindMs) {
        List<String> out = new ArrayList<>();
        if (!"running".equals(state) || dirs == null) return out;
        for (DirectoryStatus s : dirs) {
            if (REFUSED.equals(s.state())) out.add("REFUSED " + s.directory() + ": " + s.lastError());
        }
        for (DirectoryStatus s : dirs) {
            if (s.deleteGuard() == null) continue;
            out.add("deletions on " + s.targetNode() + " held back for " + s.source()
                    + (s.deleteGuardSince() == null ? "" : " since " + s.deleteGuardSince().truncatedTo(ChronoUnit.SECONDS))
                    + ": " + s.deleteGuard());
        }
        for (DirectoryStatus s : dirs) {
            if (!s.failing()) continue;
            out.add("sync of " + s.source() + " to " + s.targetNode() + " failing: " + s.lastError() + " (" + s.pushFailures()
                    + " failed pushes, " + s.rsyncFailures() + " failed rsync runs so far)");
        }
        for (DirectoryStatus s : dirs) {
            if (!s.behind()) continue;
            out.add(s.source() + " is behind: its oldest unsynced change is "
                    + Durations.format(Duration.ofSeconds(s.oldestUnsyncedMs() / 1000)) + " old (files.max-behind "
                    + Durations.format(Duration.ofMillis(maxBehindMs)) + ")");
        }
        return out;
    }
}
