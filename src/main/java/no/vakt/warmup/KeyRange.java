package no.vakt.warmup;

/**
 * A range of one index's keys to read on the standby, {@code from..to} inclusive: {@code hotPages} is how many
 * pages the primary holds of it (its weight), {@code cost} the pages a read of the whole range is estimated
 * to touch (its share of the index's leaf span).
 */
public record KeyRange(String schema, String table, String index, String column, long from, long to, int hotPages,
        long cost) {
    public KeyRange {
        if (from > to) throw new IllegalArgumentException("empty range " + from + ".." + to);
        cost = Math.max(1, cost);
    }

    /** The first part of this range that costs about {@code pages}: what a budget that ends inside it still reads. */
    KeyRange cut(long pages) {
        if (pages >= cost) return this;
        long span = to - from + 1;
        long keep = Math.max(1, (long) ((double) span * pages / cost));
        return new KeyRange(schema, table, index, column, from, from + keep - 1, hotPages, pages);
    }
}
