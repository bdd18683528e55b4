package no.vakt.backup;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.vakt.cluster.GtidPosition;

/**
 * Where a new primary's stretch of the archive begins (pure). After a clean switchover it is what is archived:
 * the new primary holds all of it. After a failover that lost transactions, the new primary lacks some of what
 * was archived from the old one; its history goes on from what it had applied ({@code gtid_slave_pos}, which
 * promotion keeps), so the seam moves back there in those domains. A restore then replays the old node up to
 * there and the new one after it, as the live database went; the lost transactions stay in the old node's
 * archive past the seam.
 *
 * @param lost per domain, the newest archived GTID the new primary lacks; empty when it lacks nothing
 */
record Seam(String after, List<GtidPosition.Gtid> lost) {
    /**
     * @param archived what the archive holds (the old primary's covered position)
     * @param applied the new primary's {@code gtid_slave_pos}; empty when it never replicated
     * @param position the new primary's {@code gtid_binlog_pos}, used when it never replicated
     */
    static Seam choose(String archived, String applied, String position) {
        GtidPosition had = GtidPosition.parse(applied.isEmpty() ? position : applied);
        List<GtidPosition.Gtid> lost = GtidPosition.parse(archived).beyond(had);
        if (lost.isEmpty()) return new Seam(archived, List.of());
        Map<Long, GtidPosition.Gtid> seam = new TreeMap<>(GtidPosition.parse(archived).byDomain());
        for (GtidPosition.Gtid g : lost) {
            GtidPosition.Gtid h = had.byDomain().get(g.domain());
            if (h == null) {
                seam.remove(g.domain());
            } else {
                seam.put(g.domain(), h);
            }
        }
        return new Seam(String.join(",", seam.values().stream().map(GtidPosition.Gtid::toString).toList()), lost);
    }
}
