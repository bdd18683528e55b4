package no.vakt.warmup;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.db.DbSession;

/**
 * Finds true (page, key) pairs on the primary, so that a hot page's key is placed between anchors a few per
 * cent apart instead of between the index's first and last leaf (off by up to 2 % of the key span there:
 * other indexes' extents interleave in the file; docs/warm.md).
 *
 * <p>SQL never says which page holds a key, but the buffer pool does when a page arrives: one point lookup per
 * probe key ({@code ANALYZE} reports whether it read a page from disk), then one more scan of
 * INNODB_BUFFER_PAGE; the index's pages that were not resident before are the probes' pages. Keys and pages
 * rise together, so the probes that read are aligned in order with the new pages, each near where the
 * uncalibrated map expects it; a page the primary read for its own reasons in between is skipped. Probes go
 * where a page is likely not resident: spread over the span, and just outside each hot run, where the
 * placement matters. A probe that finds its page resident costs nothing and teaches nothing.
 *
 * <p>Cost on the primary: at most {@link #MAX_PROBES} point lookups (one page read each, into the old sublist)
 * and one more buffer pool scan per refresh.
 */
final class KeyCalibrator {
    /** Probes spread evenly over an index's span. */
    static final int EVEN = 16;
    /** Probes beyond each edge of a hot run, as shares of the key span (each jittered 0.5-1.5x): the uncalibrated error is up to 2 %. */
    static final double[] EDGE = {0.0025, 0.0075, 0.015, 0.025};
    /** Probes per refresh, at most. */
    static final int MAX_PROBES = 400;
    /** A new page further than this share of the page span from where a probe was expected is not its page. */
    static final double TOLERANCE = 0.04;
    private static final Pattern READ = Pattern.compile("\"pages_read_count\"\\s*:\\s*(\\d+)");

    private KeyCalibrator() {}

    /** A point lookup of {@code key} in one index, and whether it read its leaf from disk. */
    record Probe(HotIndex index, long key, boolean read) {}

    /** The hot indexes with anchors where the probes found them; unchanged if the server cannot say. */
    static List<HotIndex> calibrate(DbSession primary, List<HotIndex> hot, Map<String, TreeSet<Long>> before)
            throws SQLException {
        List<Probe> probes;
        try {
            probes = probe(primary, hot);
        } catch (SQLException e) {
            // No ANALYZE FORMAT=JSON (MySQL, MariaDB before 10.9): the first and last leaf alone, a wider margin.
            return hot;
        }
        if (probes.stream().noneMatch(Probe::read)) return hot;
        return anchored(primary, hot, before, probes);
    }

    /** One point lookup per probe key, within {@link #MAX_PROBES}. */
    private static List<Probe> probe(DbSession primary, List<HotIndex> hot) throws SQLException {
        Random random = new Random();
        List<Probe> probes = new ArrayList<>();
        int budget = MAX_PROBES;
        for (HotIndex h : hot) {
            List<Long> keys = probeKeys(h, random);
            if (keys.size() > budget) break;
            budget -= keys.size();
            for (long k : keys) {
                String json = primary.scalar("ANALYZE FORMAT=JSON SELECT " + HotSetReader.q(h.column()) + " FROM "
                        + HotSetReader.q(h.schema()) + "." + HotSetReader.q(h.table()) + " FORCE INDEX ("
                        + HotSetReader.q(h.index()) + ") WHERE " + HotSetReader.q(h.column()) + " = ?", k).orElse("");
                Matcher m = READ.matcher(json);
                probes.add(new Probe(h, k, m.find() && Long.parseLong(m.group(1)) > 0));
            }
        }
        return probes;
    }

    /** The new pages since {@code before}, paired with the probes that read. */
    private static List<HotIndex> anchored(DbSession primary, List<HotIndex> hot, Map<String, TreeSet<Long>> before,
            List<Probe> probes) throws SQLException {
        Map<String, TreeSet<Long>> after = HotSetReader.scan(primary).pages();
        List<HotIndex> out = new ArrayList<>();
        for (HotIndex h : hot) {
            String id = HotSetReader.id(h);
            TreeSet<Long> fresh = new TreeSet<>(after.getOrDefault(id, new TreeSet<>()));
            fresh.removeAll(before.getOrDefault(id, new TreeSet<>()));
            fresh.removeIf(p -> p <= h.firstPage() || p >= h.lastPage());
            List<Long> keys = probes.stream().filter(p -> p.index() == h && p.read()).map(Probe::key).sorted().toList();
            out.add(keys.isEmpty() || fresh.isEmpty() ? h : h.withAnchors(align(h, keys, List.copyOf(fresh))));
        }
        return out;
    }

    /** Keys spread over the span and just outside each hot run (jittered), in the index's current map. */
    static List<Long> probeKeys(HotIndex h, Random random) {
        List<WarmPlanner.Run> runs = WarmPlanner.runs(h);
        TreeSet<Long> keys = new TreeSet<>();
        if (runs.isEmpty()) return List.of();
        long span = h.lastPage() - h.firstPage();
        long keySpan = h.maxKey() - h.minKey();
        // Jittered: the same keys again would find the pages the last refresh's probes left resident.
        for (int i = 0; i < EVEN; i++) keys.add(h.keyAt(h.firstPage() + Math.round(span * (i + random.nextDouble()) / EVEN)));
        for (WarmPlanner.Run r : runs) {
            long lo = h.keyAt(r.first());
            long hi = h.keyAt(r.last());
            for (double d : EDGE) {
                keys.add(lo - Math.round(keySpan * d * (0.5 + random.nextDouble())));
                keys.add(hi + Math.round(keySpan * d * (0.5 + random.nextDouble())));
            }
        }
        return List.copyOf(keys.subSet(h.minKey(), false, h.maxKey(), false));
    }

    /**
     * Pairs the probes that read (keys ascending) with the new pages (ascending) in order: the alignment that
     * keeps each pair within {@link #TOLERANCE} of where the key was expected, leaves as few probes unpaired as
     * it can, and among those strays the least. A page the primary read for its own reasons right next to a
     * probe's can still take the probe's place: the density check in {@link HotIndex} drops the worst of those. New pages left over are the primary's own reads.
     */
    static List<HotIndex.Anchor> align(HotIndex h, List<Long> keys, List<Long> pages) {
        int n = keys.size();
        int m = pages.size();
        double tolerance = Math.max(1, TOLERANCE * (h.lastPage() - h.firstPage()));
        // Leaving a probe unpaired costs more than any pairing within the tolerance: pair as many as can be.
        double unpaired = 2 * tolerance;
        double[][] cost = new double[n + 1][m + 1];
        for (int i = 1; i <= n; i++) cost[i][0] = i * unpaired;
        for (int i = 1; i <= n; i++) {
            long expected = h.pageAt(keys.get(i - 1));
            for (int j = 1; j <= m; j++) {
                double best = Math.min(cost[i][j - 1], cost[i - 1][j] + unpaired); // skip a page / a probe
                double d = Math.abs(pages.get(j - 1) - expected);
                if (d <= tolerance) best = Math.min(best, cost[i - 1][j - 1] + d);
                cost[i][j] = best;
            }
        }
        List<HotIndex.Anchor> out = new ArrayList<>();
        for (int i = n, j = m; i > 0 && j > 0; ) {
            double d = Math.abs(pages.get(j - 1) - h.pageAt(keys.get(i - 1)));
            if (cost[i][j] == cost[i][j - 1]) {
                j--;
            } else if (d <= tolerance && cost[i][j] == cost[i - 1][j - 1] + d) {
                out.add(0, new HotIndex.Anchor(pages.get(j - 1), keys.get(i - 1)));
                i--;
                j--;
            } else {
                i--;
            }
        }
        return out;
    }
}
