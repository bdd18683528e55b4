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
 */
public record ArchiveTimeline(List<Segment> segments, String coveredGtid, Instant coveredAt) {
    public static final String KEY = "binlog-timeline.json";
    public static final ArchiveTimeline EMPTY = new ArchiveTimeline(List.of(), "", null);

    /** @param after the GTID position this node's part begins after; empty for the first segment */
    public record Segment(String node, String after) {}

    public ArchiveTimeline {
        segments = List.copyOf(segments);
        coveredGtid = coveredGtid == null ? "" : coveredGtid;
    }

    public Optional<String> currentNode() {
        return segments.isEmpty() ? Optional.empty() : Optional.of(segments.get(segments.size() - 1).node());
    }

    /** The archive follows {@code node} from here: a new segment after what is covered, unless it already does. */
    public ArchiveTimeline following(String node) {
        if (currentNode().filter(node::equals).isPresent()) return this;
        List<Segment> s = new ArrayList<>(segments);
        s.add(new Segment(node, segments.isEmpty() ? "" : coveredGtid));
        return new ArchiveTimeline(s, coveredGtid, coveredAt);
    }

    public ArchiveTimeline covered(String gtid, Instant at) {
        return new ArchiveTimeline(segments, gtid, at);
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
