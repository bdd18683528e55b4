package no.vakt.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.cluster.GtidPosition;

/**
 * A GTID history as {@code gtid_binlog_state} gives it: the last sequence number seen from each
 * (domain, server) pair. Unlike {@link GtidPosition}, which keeps one GTID per domain, this catches a
 * standby transaction whose sequence number is below the primary's but which the primary never saw
 * (written on the standby by its own server id).
 */
public final class GtidHistory {
    private record Origin(long domain, long server) implements Comparable<Origin> {
        @Override
        public int compareTo(Origin o) {
            int c = Long.compare(domain, o.domain);
            return c != 0 ? c : Long.compare(server, o.server);
        }
    }

    public static final GtidHistory EMPTY = new GtidHistory(Map.of());

    private final Map<Origin, Long> lastSequence;

    private GtidHistory(Map<Origin, Long> lastSequence) {
        this.lastSequence = Collections.unmodifiableMap(new TreeMap<>(lastSequence));
    }

    /** Parses and merges lists like {@code "0-1-100,0-2-5"}; null and blank parts are skipped. */
    public static GtidHistory parse(String... texts) {
        Map<Origin, Long> map = new TreeMap<>();
        for (String text : texts) {
            for (Gtid g : GtidPosition.list(text)) map.merge(new Origin(g.domain(), g.server()), g.sequence(), Math::max);
        }
        return new GtidHistory(map);
    }

    public boolean isEmpty() {
        return lastSequence.isEmpty();
    }

    /**
     * The GTIDs of this history that {@code reference} has not seen: origins it lacks, or sequence
     * numbers past the last one it has from that origin.
     */
    public List<Gtid> unknownTo(GtidHistory reference) {
        List<Gtid> out = new ArrayList<>();
        lastSequence.forEach((origin, seq) -> {
            Long known = reference.lastSequence.get(origin);
            if (known == null || seq > known) out.add(new Gtid(origin.domain(), origin.server(), seq));
        });
        return out;
    }

    /** True when this history holds {@code g}: a transaction from its origin up to the last one seen from it. */
    public boolean knows(Gtid g) {
        Long known = lastSequence.get(new Origin(g.domain(), g.server()));
        return known != null && g.sequence() <= known;
    }

    /**
     * Per domain, the newest transaction of this history that {@code reference} also has: the position this
     * node is at once the transactions unknown to {@code reference} are set aside. Empty when an origin is
     * partly known (the same server id wrote on both sides), since no position then separates the two.
     */
    public java.util.Optional<GtidPosition> positionKnownTo(GtidHistory reference) {
        Map<Long, Gtid> byDomain = new TreeMap<>();
        for (var e : lastSequence.entrySet()) {
            Long known = reference.lastSequence.get(e.getKey());
            if (known == null) continue;
            if (e.getValue() > known) return java.util.Optional.empty();
            Gtid g = new Gtid(e.getKey().domain(), e.getKey().server(), e.getValue());
            byDomain.merge(g.domain(), g, (a, b) -> a.sequence() >= b.sequence() ? a : b);
        }
        return java.util.Optional.of(GtidPosition.parse(byDomain.values().stream().map(Gtid::toString)
                .collect(java.util.stream.Collectors.joining(","))));
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        lastSequence.forEach((o, s) -> parts.add(o.domain() + "-" + o.server() + "-" + s));
        return String.join(",", parts);
    }
}
