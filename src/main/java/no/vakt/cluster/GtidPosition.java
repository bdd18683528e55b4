package no.vakt.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A MariaDB GTID position: for each replication domain, the last applied GTID
 * {@code domain-server-sequence}. Sequence numbers are monotonic per domain, so comparing per domain
 * tells whether one position contains another.
 */
public final class GtidPosition {
    public record Gtid(long domain, long server, long sequence) {
        @Override
        public String toString() {
            return domain + "-" + server + "-" + sequence;
        }
    }

    public static final GtidPosition EMPTY = new GtidPosition(Map.of());

    private final Map<Long, Gtid> byDomain;

    private GtidPosition(Map<Long, Gtid> byDomain) {
        this.byDomain = Collections.unmodifiableMap(new TreeMap<>(byDomain));
    }

    /** Parses {@code "0-1-100,1-2-5"}; blank or null is the empty position. */
    public static GtidPosition parse(String text) {
        List<Gtid> all = list(text);
        if (all.isEmpty()) return EMPTY;
        Map<Long, Gtid> map = new TreeMap<>();
        for (Gtid g : all) map.merge(g.domain(), g, (a, b) -> a.sequence() >= b.sequence() ? a : b);
        return new GtidPosition(map);
    }

    /**
     * Every GTID of a list like {@code "0-1-100,0-2-5"}, in order, none folded: the one GTID parser. A
     * {@code gtid_binlog_state} keeps one GTID per (domain, server), which a position folds to one per
     * domain. Blank or null is the empty list; anything but {@code domain-server-sequence} is refused.
     */
    public static List<Gtid> list(String text) {
        List<Gtid> out = new ArrayList<>();
        if (text == null || text.isBlank()) return out;
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            String[] f = p.split("-");
            if (f.length != 3) throw new IllegalArgumentException("not a GTID: '" + p + "'");
            out.add(new Gtid(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return out;
    }

    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    public Map<Long, Gtid> byDomain() {
        return byDomain;
    }

    /** True when every domain of {@code other} is at or behind this position. */
    public boolean contains(GtidPosition other) {
        return other.byDomain.values().stream().allMatch(g -> {
            Gtid mine = byDomain.get(g.domain());
            return mine != null && mine.sequence() >= g.sequence();
        });
    }

    /**
     * The GTIDs of this position that {@code reference} has not got: domains it lacks or sequences past
     * its own. Empty when this position is contained in the reference.
     */
    public List<Gtid> beyond(GtidPosition reference) {
        List<Gtid> out = new ArrayList<>();
        for (Gtid g : byDomain.values()) {
            Gtid ref = reference.byDomain.get(g.domain());
            if (ref == null || g.sequence() > ref.sequence()) out.add(g);
        }
        return out;
    }

    /** Transactions this position is behind {@code ahead}, summed over domains (0 when not behind). */
    public long transactionsBehind(GtidPosition ahead) {
        long n = 0;
        for (Gtid g : ahead.byDomain.values()) {
            Gtid mine = byDomain.get(g.domain());
            long have = mine == null ? 0 : mine.sequence();
            n += Math.max(0, g.sequence() - have);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GtidPosition p && p.byDomain.equals(byDomain);
    }

    @Override
    public int hashCode() {
        return byDomain.hashCode();
    }

    @Override
    public String toString() {
        return byDomain.values().stream().map(Gtid::toString).collect(Collectors.joining(","));
    }
}
