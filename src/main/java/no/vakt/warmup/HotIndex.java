package no.vakt.warmup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the primary's buffer pool holds of one index: its resident page numbers (sorted), and the shape that
 * lets them be read as key positions. Page numbers mean nothing on the standby (another tablespace, another
 * layout after mariadb-dump); the key range of the index between its first and last leaf does.
 *
 * <p>A page's key is interpolated between the nearest {@link Anchor}s: true (page, key) pairs the reader
 * observed on the primary ({@link KeyCalibrator}), and the first and last leaf with the index's lowest and
 * highest key. Without inner anchors that is the page's position in the whole span, off by up to 2 % of the
 * key span where other indexes' extents interleave (measured, docs/warm.md); with anchors every few per cent
 * the error is what one foreign extent between two anchors shifts, measured at most 0.4 %.
 *
 * @param schema the database
 * @param table the table
 * @param index the index name as InnoDB reports it ({@code PRIMARY} for the clustered index)
 * @param column the index's first column, an integer column (the only kind translated: docs/warm.md)
 * @param pages the young (read more than once) resident page numbers of this index on the primary, sorted, root excluded
 * @param firstPage the page of the index's first key (the lowest leaf), resident because the reader touched it
 * @param lastPage the page of the index's last key
 * @param minKey the index's lowest key
 * @param maxKey the index's highest key
 * @param anchors observed (page, key) pairs strictly inside the span, sorted by page with keys rising
 */
public record HotIndex(
        String schema, String table, String index, String column, List<Long> pages,
        long firstPage, long lastPage, long minKey, long maxKey, List<Anchor> anchors) {
    /** Keys per page between two anchors, as a multiple of the index's average, beyond which one of them is wrong. */
    static final double MAX_DENSITY = 3;
    /** Anchors kept per index: refreshes add some each time; beyond this many, more add nothing. */
    static final int MAX_ANCHORS = 256;

    /** A page of the index on the primary and a key it holds. */
    public record Anchor(long page, long key) {}

    public HotIndex {
        pages = List.copyOf(pages);
        anchors = monotone(anchors, firstPage, lastPage, minKey, maxKey);
    }

    public HotIndex(String schema, String table, String index, String column, List<Long> pages, long firstPage,
            long lastPage, long minKey, long maxKey) {
        this(schema, table, index, column, pages, firstPage, lastPage, minKey, maxKey, List.of());
    }

    /** These anchors and the newly observed ones, contradictions dropped, at most {@link #MAX_ANCHORS}. */
    HotIndex withAnchors(List<Anchor> observed) {
        List<Anchor> all = new ArrayList<>(observed);
        all.addAll(anchors);
        return new HotIndex(schema, table, index, column, pages, firstPage, lastPage, minKey, maxKey, all);
    }

    /** How many of this index's pages are resident on the primary. */
    public int hotPages() {
        return pages.size();
    }

    /** The key a page holds, interpolated between the anchors around it. */
    long keyAt(long page) {
        List<Anchor> a = all();
        int i = 1;
        while (i < a.size() - 1 && a.get(i).page() < page) i++;
        Anchor lo = a.get(i - 1);
        Anchor hi = a.get(i);
        if (hi.page() == lo.page()) return lo.key();
        double q = Math.max(0, Math.min(1, (double) (page - lo.page()) / (hi.page() - lo.page())));
        return lo.key() + Math.round(q * (hi.key() - lo.key()));
    }

    /** The page a key is expected on: the inverse of {@link #keyAt}. */
    long pageAt(long key) {
        List<Anchor> a = all();
        int i = 1;
        while (i < a.size() - 1 && a.get(i).key() < key) i++;
        Anchor lo = a.get(i - 1);
        Anchor hi = a.get(i);
        if (hi.key() == lo.key()) return lo.page();
        double q = Math.max(0, Math.min(1, (double) (key - lo.key()) / (hi.key() - lo.key())));
        return lo.page() + Math.round(q * (hi.page() - lo.page()));
    }

    private List<Anchor> all() {
        List<Anchor> a = new ArrayList<>(anchors.size() + 2);
        a.add(new Anchor(firstPage, minKey));
        a.addAll(anchors);
        a.add(new Anchor(lastPage, maxKey));
        return a;
    }

    /**
     * Anchors inside the span whose keys rise with their pages: the longest such chain. One that breaks the order
     * is a stray (a page the primary read for its own reasons, matched to the wrong probe) and is dropped.
     */
    private static List<Anchor> monotone(List<Anchor> in, long firstPage, long lastPage, long minKey, long maxKey) {
        List<Anchor> a = new ArrayList<>();
        for (Anchor x : in) if (x.page() > firstPage && x.page() < lastPage && x.key() > minKey && x.key() < maxKey) a.add(x);
        a.sort(Comparator.comparingLong(Anchor::page).thenComparingLong(Anchor::key));
        int n = a.size();
        int[] len = new int[n];
        int[] prev = new int[n];
        int best = -1;
        for (int i = 0; i < n; i++) {
            len[i] = 1;
            prev[i] = -1;
            for (int j = 0; j < i; j++) {
                boolean rises = a.get(j).page() < a.get(i).page() && a.get(j).key() < a.get(i).key();
                if (rises && len[j] + 1 > len[i]) {
                    len[i] = len[j] + 1;
                    prev[i] = j;
                }
            }
            if (best < 0 || len[i] > len[best]) best = i;
        }
        List<Anchor> out = new ArrayList<>();
        for (int i = best; i >= 0; i = prev[i]) out.add(0, a.get(i));
        return List.copyOf(thinned(dense(out, firstPage, lastPage, minKey, maxKey)));
    }

    /** At most {@link #MAX_ANCHORS}: the one closest to both its neighbours goes first (it adds the least). */
    private static List<Anchor> thinned(List<Anchor> in) {
        List<Anchor> a = new ArrayList<>(in);
        while (a.size() > MAX_ANCHORS) {
            int drop = 1;
            for (int i = 1; i < a.size() - 1; i++) {
                if (a.get(i + 1).page() - a.get(i - 1).page() < a.get(drop + 1).page() - a.get(drop - 1).page()) drop = i;
            }
            a.remove(drop);
        }
        return a;
    }

    /**
     * Drops anchors that would pack more keys into a page than pages hold: more than {@link #MAX_DENSITY} times
     * the index's average keys per page between two neighbours means one of them was paired with a page near,
     * not at, its own. Which one cannot be told, so both go: a missing anchor costs precision, a wrong one more.
     */
    private static List<Anchor> dense(List<Anchor> in, long firstPage, long lastPage, long minKey, long maxKey) {
        List<Anchor> a = new ArrayList<>();
        a.add(new Anchor(firstPage, minKey));
        a.addAll(in);
        a.add(new Anchor(lastPage, maxKey));
        double limit = MAX_DENSITY * (double) (maxKey - minKey) / Math.max(1, lastPage - firstPage);
        for (int i = 1; i < a.size(); i++) {
            double d = (double) (a.get(i).key() - a.get(i - 1).key()) / (a.get(i).page() - a.get(i - 1).page());
            if (d <= limit) continue;
            // Never the first and last leaf themselves: those pairs are read, not matched.
            if (i < a.size() - 1) a.remove(i);
            if (i - 1 > 0) a.remove(i - 1);
            i = 0;
        }
        return a.subList(1, a.size() - 1);
    }
}
