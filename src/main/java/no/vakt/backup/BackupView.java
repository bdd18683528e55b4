package no.vakt.backup;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.config.Durations;

/**
 * The backups as {@code vakt status}, {@code /api/status}, {@code /metrics} and the dashboard show them: the
 * newest base backup and the archive's lag, from the repository (any process can read it) or, inside
 * {@code vakt run}, from the archive's keeper. JSON (snake_case): state, node, lag_ms, covered_gtid,
 * covered_at, problem, newest_backup, newest_backup_at.
 *
 * @param state the keeper's state (streaming, restarting, gap, diverged) when it runs here; else "broken" when
 *     the repository records a gap no newer backup heals, "recorded" when it has an archive, "none"
 * @param lagMs how long since the archive last held everything the primary had committed; null when never
 */
public record BackupView(String state, String node, Long lagMs, String coveredGtid, Instant coveredAt, String problem,
        String newestBackup, Instant newestBackupAt) {

    public static BackupView of(Repository repo, Optional<ArchiveStatus> live, Instant now) throws IOException {
        List<Manifest> all = Manifest.all(repo);
        Manifest newest = all.isEmpty() ? null : all.get(all.size() - 1);
        Instant newestAt = newest == null ? null : newest.finishedAt();
        ArchiveTimeline t = ArchiveTimeline.read(repo).orElse(ArchiveTimeline.EMPTY);
        ArchiveStatus s = live.filter(a -> a.state() != ArchiveStatus.State.IDLE).orElse(null);
        Instant coveredAt = s != null && s.coveredAt() != null ? s.coveredAt() : t.coveredAt();
        String state = s != null ? s.state().name().toLowerCase()
                : t.brokenSince(newestAt) ? "broken" : t.segments().isEmpty() ? "none" : "recorded";
        String problem = s != null && s.state().broken() ? s.detail() : t.brokenSince(newestAt) ? t.problem() : "";
        Long lag = coveredAt == null ? null : Math.max(0, Duration.between(coveredAt, now).toMillis());
        return new BackupView(state, s != null ? s.node() : t.currentNode().orElse(null), lag,
                s != null ? s.coveredGtid() : t.coveredGtid(), coveredAt, problem, newest == null ? null : newest.id(), newestAt);
    }

    /** The JSON object (snake_case keys) for the API, whatever mapper writes it. */
    public java.util.Map<String, Object> json() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("state", state);
        m.put("node", node);
        m.put("lag_ms", lagMs);
        m.put("covered_gtid", coveredGtid);
        m.put("covered_at", coveredAt == null ? null : coveredAt.toString());
        m.put("problem", problem);
        m.put("newest_backup", newestBackup);
        m.put("newest_backup_at", newestBackupAt == null ? null : newestBackupAt.toString());
        return m;
    }

    public boolean broken() {
        return !problem.isEmpty();
    }

    /** The lines {@code vakt status} prints. */
    public List<String> lines(Instant now) {
        List<String> out = new ArrayList<>();
        out.add("Backups: " + (newestBackup == null ? "no base backup yet"
                : "newest base backup " + newestBackup + " (" + Durations.format(Duration.between(newestBackupAt, now)) + " ago)"));
        out.add("Binlog archive: " + (lagMs == null ? "nothing archived yet" : state + (node == null ? "" : " from " + node)
                + ", lag " + Durations.format(Duration.ofMillis(lagMs)) + " (GTID " + coveredGtid + ")"));
        if (broken()) out.add("WARNING: binlog archive broken: " + problem);
        return out;
    }
}
