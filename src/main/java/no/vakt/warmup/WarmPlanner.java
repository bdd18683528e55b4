package no.vakt.warmup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates the primary's hot pages into key ranges that mean the same on the standby. Pure.
 *
 * <p>A page's key is found by its position between the nearest pages whose keys are known (the index's first
 * and last leaf, and the anchors {@link KeyCalibrator} observed): rows inserted in key order (auto-increment
 * keys, a mariadb-dump load) fill the index's pages in page-number order, so a page at 40 % of the way between
 * two anchors holds keys near 40 % of the way between their keys. Other indexes' extents interleave in the
 * file and shift that estimate: by up to 2 % of the key span between the first and last leaf alone, at most
 * 0.4 % between anchors (measured, docs/warm.md); each range is widened by {@link #MARGIN} (anchored) or
 * {@link #MARGIN_UNANCHORED} of the span to cover it. Only dense extents count ({@link #DENSE}), and
 * neighbouring dense extents become one range, so a hot region is read as one scan.
 */
public final class WarmPlanner {
    /** Share of the key span added on each side of a range: the measured placement error between anchors, rounded up. */
    static final double MARGIN = 0.005;
    /** The same for an index the calibration found no anchors in: the first and last leaf alone place a page worse. */
    static final double MARGIN_UNANCHORED = 0.01;
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
        long keySpan = h.maxKey() - h.minKey();
        if (keySpan < 0) return out;
        long margin = (long) Math.ceil(keySpan * (h.anchors().isEmpty() ? MARGIN_UNANCHORED : MARGIN));
        for (Run r : runs(h)) out.add(range(h, r.first(), r.last(), r.pages(), margin));
        return merged(h, out);
    }

    /** Hot pages from {@code first} to {@code last}: one or more neighbouring dense extents. */
    record Run(long first, long last, int pages) {}

    /** The index's dense extents, neighbours joined, in page order. */
    static List<Run> runs(HotIndex h) {
        List<Run> out = new ArrayList<>();
        if (h.lastPage() - h.firstPage() <= 0 || h.pages().isEmpty()) return out;
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
                if (start >= 0) out.add(new Run(start, end, count));
                start = ps.get(0);
                end = ps.get(ps.size() - 1);
                count = ps.size();
            }
            lastExtent = e.getKey();
        }
        if (start >= 0) out.add(new Run(start, end, count));
        return out;
    }

    private static KeyRange range(HotIndex h, long startPage, long endPage, int pages, long margin) {
        long from = Math.max(h.minKey(), h.keyAt(startPage) - margin);
        long to = Math.min(h.maxKey(), h.keyAt(endPage) + margin);
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

    /** The index's pages that hold {@code from..to}, by the same interpolation. */
    static long cost(HotIndex h, long from, long to) {
        return h.pageAt(to) - h.pageAt(from) + 1;
    }

    /** Primary pages per page read: a range the primary holds densely is read first. */
    private static double density(KeyRange r) {
        return (double) r.hotPages() / r.cost();
    }
}
