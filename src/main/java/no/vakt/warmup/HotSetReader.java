package no.vakt.warmup;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import no.vakt.db.DbSession;
import no.vakt.db.VaktSchema;

/**
 * Reads what is hot on the primary: the resident pages of every InnoDB index whose first column is an
 * integer, with the first and last page of each. Needs the PROCESS privilege (INNODB_BUFFER_PAGE).
 *
 * <p>Cost: INNODB_BUFFER_PAGE copies one row per page of the whole pool whatever the WHERE clause says (the
 * server fills the table before filtering), under each pool chunk's mutex in turn; measured 8 ms for a
 * 64 MiB pool here, so roughly 1 s per 8 GiB: twice per refresh (minutes apart; the second finds the pages
 * {@link KeyCalibrator}'s probes brought in), never more.
 */
final class HotSetReader {
    /** Indexes read per refresh, at most: each costs two index dives on the primary. */
    static final int MAX_INDEXES = 200;
    /** An index with fewer resident pages is not worth a range (its root and a few inner pages). */
    static final int MIN_PAGES = 4;

    private static final String CANDIDATES = "SELECT s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.COLUMN_NAME"
            + " FROM information_schema.STATISTICS s"
            + " JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME"
            + "  AND c.COLUMN_NAME = s.COLUMN_NAME"
            + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME"
            + " WHERE s.SEQ_IN_INDEX = 1 AND t.ENGINE = 'InnoDB'"
            + " AND c.DATA_TYPE IN ('tinyint', 'smallint', 'mediumint', 'int', 'bigint')"
            + " AND s.TABLE_SCHEMA NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema', ?)"
            + " ORDER BY t.DATA_LENGTH + t.INDEX_LENGTH DESC LIMIT " + MAX_INDEXES;
    private static final String PAGES = "SELECT SPACE, TABLE_NAME, INDEX_NAME, PAGE_NUMBER, IS_OLD"
            + " FROM information_schema.INNODB_BUFFER_PAGE WHERE PAGE_TYPE = 'INDEX' AND TABLE_NAME IS NOT NULL";
    private static final String ROOTS = "SELECT t.NAME AS T, i.NAME AS I, i.PAGE_NO AS P"
            + " FROM information_schema.INNODB_SYS_INDEXES i JOIN information_schema.INNODB_SYS_TABLES t"
            + " ON t.TABLE_ID = i.TABLE_ID";

    private HotSetReader() {}

    /** The primary's hot indexes, with how long the buffer pool scan took. */
    record Sample(List<HotIndex> indexes, long scanMillis, int residentPages) {}

    /**
     * @param known anchors learned by earlier refreshes from this primary, by index and tablespace (a rebuilt
     *     table has a new one); read and updated: a probe whose page is still resident from last time teaches
     *     nothing new, so anchors accumulate over refreshes instead
     */
    static Sample read(DbSession primary, Map<String, List<HotIndex.Anchor>> known) throws SQLException {
        List<Map<String, String>> candidates = primary.rows(CANDIDATES, VaktSchema.NAME);
        Map<String, long[]> keys = new HashMap<>();
        for (Map<String, String> c : candidates) {
            // Touch the first and the last key: their leaf pages become resident and mark the index's span.
            Map<String, String> mm = primary.rows("SELECT MIN(" + q(c.get("COLUMN_NAME")) + ") AS lo, MAX("
                    + q(c.get("COLUMN_NAME")) + ") AS hi FROM " + q(c.get("TABLE_SCHEMA")) + "." + q(c.get("TABLE_NAME"))
                    + " FORCE INDEX (" + q(c.get("INDEX_NAME")) + ")").get(0);
            if (mm.get("lo") == null) continue;
            keys.put(id(c), new long[] {Long.parseLong(mm.get("lo")), Long.parseLong(mm.get("hi"))});
        }
        Map<String, Long> roots = new HashMap<>();
        for (Map<String, String> r : primary.rows(ROOTS)) {
            String[] t = r.get("T").split("/", 2);
            if (t.length == 2) roots.put(t[0] + "." + t[1] + "." + r.get("I"), Long.parseLong(r.get("P")));
        }
        Scan scan = scan(primary);
        Map<String, TreeSet<Long>> pages = scan.pages();
        Map<String, TreeSet<Long>> young = scan.young();
        List<HotIndex> out = new ArrayList<>();
        for (Map<String, String> c : candidates) {
            String key = id(c);
            TreeSet<Long> ps = pages.get(key);
            TreeSet<Long> hot = young.get(key);
            if (ps == null || hot == null || !keys.containsKey(key)) continue;
            Long root = roots.get(key);
            if (root != null) {
                ps.remove(root);
                hot.remove(root);
            }
            if (hot.size() < MIN_PAGES) continue;
            long[] k = keys.get(key);
            // The span from every resident page (the first and last leaf were just read, so they are old).
            out.add(new HotIndex(c.get("TABLE_SCHEMA"), c.get("TABLE_NAME"), c.get("INDEX_NAME"), c.get("COLUMN_NAME"),
                    List.copyOf(hot), ps.first(), ps.last(), k[0], k[1],
                    known.getOrDefault(key + "@" + scan.spaces().get(key), List.of())));
        }
        List<HotIndex> calibrated = KeyCalibrator.calibrate(primary, out, pages);
        for (HotIndex h : calibrated) known.put(id(h) + "@" + scan.spaces().get(id(h)), h.anchors());
        return new Sample(calibrated, scan.millis(), scan.resident());
    }

    /** The pool's index pages by index ({@code schema.table.index}), all and young, and the scan's cost. */
    record Scan(Map<String, TreeSet<Long>> pages, Map<String, TreeSet<Long>> young, Map<String, String> spaces,
            int resident, long millis) {}

    static Scan scan(DbSession primary) throws SQLException {
        long started = System.nanoTime();
        Map<String, TreeSet<Long>> pages = new HashMap<>();
        Map<String, TreeSet<Long>> young = new HashMap<>();
        Map<String, String> spaces = new HashMap<>();
        int resident = 0;
        for (Map<String, String> p : primary.rows(PAGES)) {
            resident++;
            String key = unquote(p.get("TABLE_NAME")) + "." + p.get("INDEX_NAME");
            spaces.putIfAbsent(key, p.get("SPACE"));
            long page = Long.parseLong(p.get("PAGE_NUMBER"));
            pages.computeIfAbsent(key, k -> new TreeSet<>()).add(page);
            // Hot means young: a page read once (a scan, a crawler, the MIN/MAX above) enters the old sublist
            // and is made young only when read again after innodb_old_blocks_time.
            // MariaDB 10.11 says 0/1, MySQL NO/YES.
            if ("0".equals(p.get("IS_OLD")) || "NO".equals(p.get("IS_OLD"))) young.computeIfAbsent(key, k -> new TreeSet<>()).add(page);
        }
        return new Scan(pages, young, spaces, resident, (System.nanoTime() - started) / 1_000_000);
    }

    static String id(HotIndex h) {
        return h.schema() + "." + h.table() + "." + h.index();
    }

    private static String id(Map<String, String> c) {
        return c.get("TABLE_SCHEMA") + "." + c.get("TABLE_NAME") + "." + c.get("INDEX_NAME");
    }

    /** {@code `shop`.`product`} as INNODB_BUFFER_PAGE names it, to {@code shop.product}. */
    static String unquote(String tableName) {
        return tableName.replace("`.`", ".").replace("``", "\u0000").replace("`", "").replace("\u0000", "`");
    }

    static String q(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
