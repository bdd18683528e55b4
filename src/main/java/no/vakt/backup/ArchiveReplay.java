package no.vakt.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.vakt.cluster.GtidPosition;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;

/**
 * The archive's part of a restore: the archived binlogs after the base backup, up to the target, as SQL text,
 * stitched across failovers and switchovers. Each node's stretch ({@link ArchiveTimeline}) is decoded from its
 * own archive between the seams, so a transaction both nodes hold in their binlogs is replayed once.
 */
final class ArchiveReplay {
    private static final DateTimeFormatter UTC_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Repository repository;
    private final Duration timeout;

    ArchiveReplay(Repository repository, Duration timeout) {
        this.repository = repository;
        this.timeout = timeout;
    }

    /**
     * One node's stretch to decode.
     *
     * @param after the GTID position it starts after; empty: from the first event
     * @param stop the GTID it stops at, inclusive; empty: the end of the archive
     */
    record Piece(String node, String after, String stop) {}

    /** Pure: the stretches between the backup's position and the target, in order. */
    static List<Piece> plan(ArchiveTimeline timeline, String backupGtid, RestoreTarget target) {
        List<Piece> out = new ArrayList<>();
        GtidPosition base = GtidPosition.parse(backupGtid);
        List<ArchiveTimeline.Segment> s = timeline.segments();
        for (int i = 0; i < s.size(); i++) {
            String seam = i + 1 < s.size() ? s.get(i + 1).after() : "";
            if (!seam.isEmpty() && base.contains(GtidPosition.parse(seam))) continue; // wholly inside the backup
            String after = later(base, GtidPosition.parse(s.get(i).after()));
            if (target instanceof RestoreTarget.ToGtid g && (seam.isEmpty() || GtidPosition.parse(seam).contains(GtidPosition.parse(g.gtid())))) {
                out.add(new Piece(s.get(i).node(), after, g.gtid()));
                break;
            }
            out.add(new Piece(s.get(i).node(), after, seam));
        }
        return out;
    }

    /** Per domain the later of the two positions. */
    static String later(GtidPosition a, GtidPosition b) {
        Map<Long, GtidPosition.Gtid> m = new TreeMap<>(a.byDomain());
        b.byDomain().forEach((d, g) -> m.merge(d, g, (x, y) -> x.sequence() >= y.sequence() ? x : y));
        return String.join(",", m.values().stream().map(GtidPosition.Gtid::toString).toList());
    }

    /**
     * Decodes into {@code sql} what the restore replays after GTID position {@code from}: {@code onlyNode}'s archive
     * when named (an archive from before there was a timeline), else the stitched timeline. False when there is nothing.
     */
    boolean decode(String from, String onlyNode, RestoreTarget target, Path work, Path sql)
            throws IOException, InterruptedException, BackupFailedException {
        ArchiveTimeline timeline = onlyNode != null ? single(onlyNode) : ArchiveTimeline.read(repository).orElse(null);
        if (timeline == null) throw new BackupFailedException("no binlog-timeline.json in " + repository.describe() + ": name the node");
        Map<String, List<Path>> fetched = new HashMap<>();
        boolean any = false;
        try (OutputStream out = Files.newOutputStream(sql)) {
            int n = 0;
            for (Piece p : plan(timeline, from, target)) {
                List<Path> files = fetched.containsKey(p.node()) ? fetched.get(p.node()) : fetch(p.node(), p.after(), work);
                fetched.put(p.node(), files);
                if (files.isEmpty()) continue;
                Path part = work.resolve("piece-" + (n++) + ".sql");
                decodePiece(p, target, files, part);
                Files.copy(part, out);
                Files.delete(part);
                any = true;
            }
        }
        return any;
    }

    private static ArchiveTimeline single(String node) {
        return new ArchiveTimeline(List.of(new ArchiveTimeline.Segment(node, "")), "", null, "", null);
    }

    /**
     * {@code node}'s archived binlogs a replay after {@code after} needs: from the newest one that begins inside it
     * (read from its header, newest first, so a restore of a recent backup reads a few headers, not thousands).
     * The plan's first piece of a node has its earliest position, so it decides for the node's later pieces too.
     */
    List<Path> fetch(String node, String after, Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("binlog-" + node));
        ArchivedBinlogs archive = new ArchivedBinlogs(repository);
        List<ArchivedBinlogs.Stored> files = archive.files(node);
        GtidPosition base = GtidPosition.parse(after);
        int first = 0;
        for (int i = files.size() - 1; i > 0 && !base.isEmpty(); i--) {
            String starts;
            try {
                starts = archive.startsAfter(files.get(i));
            } catch (IOException e) {
                continue; // unreadable here: an older one decides, and the decode says what is wrong with this one
            }
            if (!starts.isEmpty() && base.contains(GtidPosition.parse(starts))) {
                first = i;
                break;
            }
        }
        List<Path> out = new ArrayList<>();
        for (ArchivedBinlogs.Stored f : files.subList(first, files.size())) {
            Path to = dir.resolve(f.name());
            archive.copy(f, to);
            out.add(to);
        }
        return out;
    }

    private void decodePiece(Piece p, RestoreTarget target, List<Path> binlogs, Path sql)
            throws IOException, InterruptedException, BackupFailedException {
        List<String> argv = new ArrayList<>(List.of(Programs.require("mariadb-binlog", "mariadb-client"), "--no-defaults", "--verbose"));
        if (!p.after().isEmpty()) argv.add("--start-position=" + p.after());
        if (!p.stop().isEmpty()) argv.add("--stop-position=" + p.stop());
        if (target instanceof RestoreTarget.ToTime t) argv.add("--stop-datetime=" + UTC_DATETIME.format(t.time()));
        for (Path f : binlogs) argv.add(f.toString());
        // --stop-datetime is read in the local time zone: UTC here, as the instant was formatted.
        Tools.run("mariadb-binlog (decoding the archive of " + p.node() + ")", BoundedProcess.Request.of(argv, timeout)
                .withEnv(Map.of("TZ", "UTC")).writingTo(sql));
    }
}
