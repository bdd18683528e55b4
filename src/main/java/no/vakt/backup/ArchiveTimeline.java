package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stitched archive across failovers and switchovers ({@code binlog-timeline.json} in the repository): which
 * node's archive holds which stretch of the GTID history, and how far it is archived. Each segment begins
 * after the GTID position {@code after} (the seam: the last GTIDs archived from the node before); restore
 * replays each node's archive between its seams ({@link ArchiveReplay}).
 *
 * @param coveredGtid every transaction up to this position is archived (a lower bound: the seam for the next node)
 * @param coveredAt the primary had committed no more than {@code coveredGtid} at this instant: the lag's base
 * @param problem the last gap or divergence found, one sentence; empty when none was
 * @param problemAt when it was found: a base backup finished after it makes restores whole again
 * @param streamedAt when the stream last wrote it (null: never, or only one-shot rounds): a current one means a
 *     stream keeps the archive, and a drill waits for it rather than write into the same files
 */
public record ArchiveTimeline(List<Segment> segments, String coveredGtid, Instant coveredAt, String problem, Instant problemAt,
        Instant streamedAt) {
    public static final String KEY = "binlog-timeline.json";
    public static final ArchiveTimeline EMPTY = new ArchiveTimeline(List.of(), "", null, "", null);

    /** @param after the GTID position this node's part begins after; empty for the first segment */
    public record Segment(String node, String after) {}

    public ArchiveTimeline(List<Segment> segments, String coveredGtid, Instant coveredAt, String problem, Instant problemAt) {
        this(segments, coveredGtid, coveredAt, problem, problemAt, null);
    }

    public ArchiveTimeline {
        segments = List.copyOf(segments);
        coveredGtid = coveredGtid == null ? "" : coveredGtid;
        problem = problem == null ? "" : problem;
    }

    /** A gap or divergence no base backup has healed yet: a restore from an older backup cannot replay across it. */
    public boolean brokenSince(Instant newestBackup) {
        return !problem.isEmpty() && (newestBackup == null || newestBackup.isBefore(problemAt));
    }

    public ArchiveTimeline broken(String why, Instant at) {
        return new ArchiveTimeline(segments, coveredGtid, coveredAt, why, at, streamedAt);
    }

    public Optional<String> currentNode() {
        return segments.isEmpty() ? Optional.empty() : Optional.of(segments.get(segments.size() - 1).node());
    }

    /**
     * The archive follows {@code node} from here: a new segment after {@code seam} ({@link Seam}: what is covered, or
     * less when the node lacks some of it), which is then what is covered; nothing changes when it already does.
     */
    public ArchiveTimeline following(String node, String seam) {
        if (currentNode().filter(node::equals).isPresent()) return this;
        List<Segment> s = new ArrayList<>(segments);
        s.add(new Segment(node, segments.isEmpty() ? "" : seam));
        return new ArchiveTimeline(s, segments.isEmpty() ? coveredGtid : seam, coveredAt, problem, problemAt, streamedAt);
    }

    /**
     * After one archive round of {@code node} (a one-shot, not the stream) that copied everything it had written up to
     * {@code gtid} at {@code at}: it follows {@code node} from {@code seam}, covered up to {@code gtid} unless it
     * already was further.
     */
    ArchiveTimeline afterRound(String node, String seam, String gtid, Instant at) {
        ArchiveTimeline t = following(node, seam);
        return no.vakt.cluster.GtidPosition.parse(t.coveredGtid).contains(no.vakt.cluster.GtidPosition.parse(gtid)) ? t : t.covered(gtid, at);
    }

    public ArchiveTimeline covered(String gtid, Instant at) {
        return new ArchiveTimeline(segments, gtid, at, problem, problemAt, streamedAt);
    }

    /** Written by the stream at {@code at}. */
    ArchiveTimeline streamed(Instant at) {
        return new ArchiveTimeline(segments, coveredGtid, coveredAt, problem, problemAt, at);
    }

    public static Optional<ArchiveTimeline> read(Repository repo) throws IOException {
        if (!repo.exists(KEY)) return Optional.empty();
        try (InputStream in = repo.open(KEY)) {
            return Optional.of(Manifest.JSON.readValue(in, ArchiveTimeline.class));
        }
    }

    public void write(Repository repo) throws IOException {
        try (OutputStream out = repo.create(KEY)) {
            Manifest.JSON.writeValue(out, this);
        }
    }
}
