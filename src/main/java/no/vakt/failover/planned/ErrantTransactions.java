package no.vakt.failover.planned;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.cluster.GtidPosition;

/**
 * The transactions a former primary has that the current primary lacks (errant GTIDs), and the point
 * where the two histories part. Pure: GTID variables of both nodes in, ranges out.
 *
 * <p>Comparing {@code gtid_binlog_pos} per domain alone misses the common case: the old primary wrote
 * 0-1-6 that never left it, the new primary has since written 0-2-7, and 6 &lt; 7 looks "behind". So the
 * check is per (domain, server id) over {@code gtid_binlog_state}: the new primary knows server S's
 * transactions in domain D up to its own state entry for (D, S), or its {@code gtid_slave_pos} entry
 * when that came from S. Anything of S beyond that on the old node is errant. The plain per-domain
 * {@code beyond} check is added on top.
 */
public final class ErrantTransactions {
    /** Transactions of {@code server} in {@code domain} with sequence in (afterSeq, lastSeq]. */
    public record Range(long domain, long server, long afterSeq, long lastSeq) {
        /** The last errant GTID, the one a dump must contain. */
        public Gtid last() {
            return new Gtid(domain, server, lastSeq);
        }

        @Override
        public String toString() {
            return domain + "-" + server + "-" + (afterSeq + 1) + (lastSeq > afterSeq + 1 ? ".." + lastSeq : "");
        }
    }

    private final List<Range> ranges;
    private final GtidPosition shared;
    private final boolean sharedIsComplete;

    private ErrantTransactions(List<Range> ranges, GtidPosition shared, boolean sharedIsComplete) {
        this.ranges = List.copyOf(ranges);
        this.shared = shared;
        this.sharedIsComplete = sharedIsComplete;
    }

    /**
     * @param oldBinlogPos the former primary's {@code gtid_binlog_pos}
     * @param oldBinlogState the former primary's {@code gtid_binlog_state} (one GTID per domain and server)
     * @param newBinlogPos the current primary's {@code gtid_binlog_pos}
     * @param newBinlogState the current primary's {@code gtid_binlog_state}
     * @param newSlavePos the current primary's {@code gtid_slave_pos} (what it applied as a replica)
     */
    public static ErrantTransactions find(String oldBinlogPos, String oldBinlogState, String newBinlogPos,
            String newBinlogState, String newSlavePos) {
        // gtid_binlog_state: several GTIDs per domain, one per server; kept as a list.
        List<Gtid> oldState = new ArrayList<>(GtidPosition.list(oldBinlogState));
        GtidPosition oldPos = GtidPosition.parse(oldBinlogPos);
        for (Gtid g : oldPos.byDomain().values()) {
            if (!oldState.contains(g)) oldState.add(g); // the state holds the pos; be lenient if it was not read
        }
        Map<String, Long> known = new TreeMap<>();
        for (Gtid g : GtidPosition.list(newBinlogState)) known.merge(key(g.domain(), g.server()), g.sequence(), Math::max);
        for (Gtid g : GtidPosition.parse(newSlavePos).byDomain().values()) {
            known.merge(key(g.domain(), g.server()), g.sequence(), Math::max);
        }
        GtidPosition newPos = GtidPosition.parse(newBinlogPos);

        Map<String, Range> ranges = new LinkedHashMap<>();
        Map<Long, Gtid> sharedByDomain = new TreeMap<>();
        boolean complete = true;
        for (Gtid g : oldState) {
            long have = known.getOrDefault(key(g.domain(), g.server()), 0L);
            if (g.sequence() > have) {
                ranges.put(key(g.domain(), g.server()), new Range(g.domain(), g.server(), have, g.sequence()));
            }
            // The newest GTID of this domain that both nodes hold: histories are linear per domain, so
            // the highest sequence both have is where they part.
            long bothHave = Math.min(have, g.sequence());
            if (bothHave > 0) {
                Gtid candidate = new Gtid(g.domain(), g.server(), bothHave);
                sharedByDomain.merge(g.domain(), candidate, (a, b) -> a.sequence() >= b.sequence() ? a : b);
            }
        }
        for (Gtid g : oldPos.beyond(newPos)) {
            String k = key(g.domain(), g.server());
            if (ranges.containsKey(k)) continue;
            Gtid ref = newPos.byDomain().get(g.domain());
            ranges.put(k, new Range(g.domain(), g.server(), ref == null ? 0 : Math.min(ref.sequence(), g.sequence() - 1),
                    g.sequence()));
        }
        for (Range r : ranges.values()) {
            if (!sharedByDomain.containsKey(r.domain())) complete = false; // the domain is errant from its start
        }
        String sharedText = sharedByDomain.values().stream().map(Gtid::toString).collect(Collectors.joining(","));
        List<Range> sorted = new ArrayList<>(ranges.values());
        sorted.sort(Comparator.comparingLong(Range::domain).thenComparingLong(Range::server));
        return new ErrantTransactions(sorted, GtidPosition.parse(sharedText), complete);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public List<Range> ranges() {
        return ranges;
    }

    /** Errant transactions, counted by sequence numbers (an upper bound when servers interleave). */
    public long count() {
        return ranges.stream().mapToLong(r -> r.lastSeq() - r.afterSeq()).sum();
    }

    /**
     * The last GTID per domain that both nodes hold: where the former primary continues from as a
     * replica, and where a dump of its errant transactions starts (GTID start positions are exclusive).
     */
    public GtidPosition sharedPosition() {
        return shared;
    }

    /** False when some domain has no shared GTID at all: a dump must then read the binary log from its start. */
    public boolean sharedPositionCoversEveryErrantDomain() {
        return sharedIsComplete;
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "none" : ranges.stream().map(Range::toString).collect(Collectors.joining(","));
    }

    private static String key(long domain, long server) {
        return domain + "-" + server;
    }
}
