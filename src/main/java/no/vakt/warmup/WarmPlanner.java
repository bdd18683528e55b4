package no.vakt.warmup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates the primary's hot pages into key ranges that mean the same on the standby. Pure.
 *
 * <p>A page's key is found by its position between the index's first and last leaf page: rows inserted in
 * key order (auto-increment keys, a mariadb-dump load) fill the index's pages in page-number order, so a
 * page at 40 % of the page span holds keys near 40 % of the key span. Other indexes' extents interleave in
 * the file, which shifts a page's estimate by a few per cent of the key span (measured: 2-5 %, docs/warm.md);
 * each range is widened by {@link #MARGIN} of the span to cover that. Only dense extents count
 * ({@link #DENSE}), and neighbouring dense extents become one range, so a hot region is read as one scan.
 */
public final class WarmPlanner {
    /** Share of the key span added on each side of a range: the measured placement error, rounded up. */
    static final double MARGIN = 0.01;
    /** Pages are grouped by extent (64 pages of 16 KiB), the unit InnoDB allocates to an index. */
    static final long EXTENT = 64;
    /**
     * An extent is hot with at least this many of its pages resident (a quarter): below that its pages are
     * single rows read once; a quarter of the cold tail's random reads rarely land in one extent.
     */
    static final int DENSE = 16;

    private WarmPlanner() {}

    /**
     * The ranges to read, hottest first (most primary pages per key), cut so that their estimated pages stay
     * within {@code pageBudget}.
     */
    public static List<KeyRange> plan(List<HotIndex> hot, int pageBudget) {
        List<KeyRange> all = new ArrayList<>();
        for (HotIndex h : hot) all.addAll(ranges(h));
        all.sort(Comparator.comparingDouble(WarmPlanner::density).reversed());
        List<KeyRange> out = new ArrayList<>();
        long left = pageBudget;
        for (KeyRange r : all) {
            if (left <= 0) break;
            out.add(r.cost() <= left ? r : r.cut(left));
            left -= r.cost();
        }
        return out;
    }

    /** One index's hot pages as merged, widened key ranges: dense extents only. */
    static List<KeyRange> ranges(HotIndex h) {
        List<KeyRange> out = new ArrayList<>();
        long pageSpan = h.lastPage() - h.firstPage();
        long keySpan = h.maxKey() - h.minKey();
        if (pageSpan <= 0 || keySpan < 0 || h.pages().isEmpty()) return out;
        long margin = (long) Math.ceil(keySpan * MARGIN);
        TreeMap<Long, List<Long>> extents = new TreeMap<>();
        for (long p : h.pages()) {
            if (p < h.firstPage() || p > h.lastPage()) continue; // non-leaf pages outside the leaf span
            extents.computeIfAbsent(p / EXTENT, e -> new ArrayList<>()).add(p);
        }
        long start = -1;
        long end = -1;
        long lastExtent = Long.MIN_VALUE;
        int count = 0;
        for (Map.Entry<Long, List<Long>> e : extents.entrySet()) {
            List<Long> ps = e.getValue();
            // A page or two of an extent is a row read once (a search, a crawler), not a hot region.
            if (ps.size() < DENSE) continue;
            if (start >= 0 && e.getKey() == lastExtent + 1) {
                end = ps.get(ps.size() - 1);
                count += ps.size();
            } else {
                if (start >= 0) out.add(range(h, start, end, count, margin));
                start = ps.get(0);
                end = ps.get(ps.size() - 1);
                count = ps.size();
            }
            lastExtent = e.getKey();
        }
        if (start >= 0) out.add(range(h, start, end, count, margin));
        return merged(h, out);
    }

    static long keyAt(HotIndex h, long page) {
        double q = (double) (page - h.firstPage()) / (h.lastPage() - h.firstPage());
        return h.minKey() + Math.round(q * (h.maxKey() - h.minKey()));
    }

    private static KeyRange range(HotIndex h, long startPage, long endPage, int pages, long margin) {
        long from = Math.max(h.minKey(), keyAt(h, startPage) - margin);
        long to = Math.min(h.maxKey(), keyAt(h, endPage) + margin);
        return new KeyRange(h.schema(), h.table(), h.index(), h.column(), from, to, pages, cost(h, from, to));
    }

    /** Ranges that overlap after widening become one. Input sorted by {@code from}. */
    private static List<KeyRange> merged(HotIndex h, List<KeyRange> sorted) {
        List<KeyRange> out = new ArrayList<>();
        for (KeyRange r : sorted) {
            KeyRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && r.from() <= last.to() + 1) {
                long to = Math.max(last.to(), r.to());
                out.set(out.size() - 1, new KeyRange(r.schema(), r.table(), r.index(), r.column(), last.from(), to,
                        last.hotPages() + r.hotPages(), cost(h, last.from(), to)));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** The index's leaf pages that hold {@code from..to}, by the same proportion. */
    static long cost(HotIndex h, long from, long to) {
        double share = (double) (to - from + 1) / (h.maxKey() - h.minKey() + 1);
        return (long) Math.ceil(share * (h.lastPage() - h.firstPage() + 1));
    }

    /** Primary pages per page read: a range the primary holds densely is read first. */
    private static double density(KeyRange r) {
        return (double) r.hotPages() / r.cost();
    }
}
