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
}
