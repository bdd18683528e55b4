package no.vakt.backup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.GtidPosition;

/**
 * The archived binlogs no kept backup needs: a file whose successor begins at or before the oldest kept
 * backup's position holds only transactions inside that backup. A node's newest file is always kept (it may
 * be the one streaming), and so is everything when there is no backup.
 */
public final class ArchivePrune {
    private ArchivePrune() {}

    /** Pure. @param startsAfter for each archived file of one node, in order, the position it begins after */
    static List<Integer> removable(List<String> startsAfter, String oldestKeptBackup) {
        List<Integer> out = new ArrayList<>();
        GtidPosition kept = GtidPosition.parse(oldestKeptBackup);
        if (kept.isEmpty()) return out;
        for (int i = 0; i + 1 < startsAfter.size(); i++) {
            // An unreadable successor (a file just begun) proves nothing: the rest is kept.
            if (startsAfter.get(i + 1).isEmpty() || !kept.contains(GtidPosition.parse(startsAfter.get(i + 1)))) break;
            out.add(i);
        }
        return out;
    }

    /**
     * What retention lets go: the expired base backups ({@link Retention}), then the archived binlogs older than
     * the oldest backup kept, across every node. Removes them unless {@code dryRun}; one line each.
     */
    public static List<String> run(Repository repo, no.vakt.config.BackupConfig.Retention rule, java.time.Instant now, boolean dryRun)
            throws IOException {
        List<String> out = new ArrayList<>();
        List<Manifest> all = Manifest.all(repo);
        List<Manifest> expired = Retention.expired(all, rule, now);
        for (Manifest m : expired) {
            if (!dryRun) m.delete(repo);
            out.add(m.id() + " (" + m.finishedAt() + ")");
        }
        List<Manifest> kept = all.stream().filter(m -> !expired.contains(m)).toList();
        if (kept.isEmpty()) return out;
        for (String key : expired(repo, kept.get(0).gtidEnd())) {
            if (!dryRun) repo.delete(key);
            out.add(key);
        }
        return out;
    }

    /** The keys of archived binlogs older than {@code oldestKeptBackup}'s position (chunks included), across every node. */
    public static List<String> expired(Repository repo, String oldestKeptBackup) throws IOException {
        List<String> out = new ArrayList<>();
        ArchivedBinlogs archive = new ArchivedBinlogs(repo);
        for (String node : archive.nodes()) {
            List<ArchivedBinlogs.Stored> files = archive.files(node);
            List<String> starts = new ArrayList<>();
            for (ArchivedBinlogs.Stored f : files) starts.add(archive.startsAfter(f));
            for (int i : removable(starts, oldestKeptBackup)) out.addAll(files.get(i).keys());
        }
        return out;
    }
}
