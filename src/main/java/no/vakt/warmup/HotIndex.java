package no.vakt.warmup;

import java.util.List;

/**
 * What the primary's buffer pool holds of one index: its resident page numbers (sorted), and the shape that
 * lets them be read as key positions. Page numbers mean nothing on the standby (another tablespace, another
 * layout after mariadb-dump); the key range of the index between its first and last leaf does.
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
 */
public record HotIndex(
        String schema, String table, String index, String column, List<Long> pages,
        long firstPage, long lastPage, long minKey, long maxKey) {
    public HotIndex {
        pages = List.copyOf(pages);
    }

    /** How many of this index's pages are resident on the primary. */
    public int hotPages() {
        return pages.size();
    }
}
