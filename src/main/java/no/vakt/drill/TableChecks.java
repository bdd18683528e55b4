package no.vakt.drill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the restore drill compares: each base table of the replicated databases, its row count and its
 * {@code CHECKSUM TABLE}, on the restored server and on the standby held at the same GTID.
 */
final class TableChecks {
    private TableChecks() {}

    /** @param checksum null when the engine gives none */
    record Table(long rows, Long checksum) {}

    /** One table compared, for the report. */
    record Compared(String table, Long standbyRows, Long restoredRows, boolean equal, String difference) {}

    /** The tables of {@code databases} on one server, by {@code db.table}. */
    static Map<String, Table> read(Connection c, List<String> databases) throws SQLException {
        Map<String, Table> out = new TreeMap<>();
        for (String db : databases) {
            List<String> names = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
                s.setString(1, db);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) names.add(r.getString(1));
                }
            }
            try (Statement s = c.createStatement()) {
                for (String t : names) {
                    String q = quote(db) + "." + quote(t);
                    long rows;
                    try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + q)) {
                        r.next();
                        rows = r.getLong(1);
                    }
                    Long sum;
                    try (ResultSet r = s.executeQuery("CHECKSUM TABLE " + q)) {
                        r.next();
                        long v = r.getLong(2);
                        sum = r.wasNull() ? null : v;
                    }
                    out.put(db + "." + t, new Table(rows, sum));
                }
            }
        }
        return out;
    }

    /** Pure: every table on either side, equal when both have it with the same rows and checksum. */
    static List<Compared> compare(Map<String, Table> standby, Map<String, Table> restored) {
        List<Compared> out = new ArrayList<>();
        TreeSet<String> all = new TreeSet<>(standby.keySet());
        all.addAll(restored.keySet());
        for (String t : all) {
            Table s = standby.get(t);
            Table r = restored.get(t);
            String why = s == null ? "only on the restored server" : r == null ? "missing on the restored server"
                    : s.rows() > r.rows() ? (s.rows() - r.rows()) + " rows missing"
                    : s.rows() < r.rows() ? (r.rows() - s.rows()) + " rows more" : !java.util.Objects.equals(s.checksum(), r.checksum())
                    ? "same row count, CHECKSUM TABLE differs" : "";
            out.add(new Compared(t, s == null ? null : s.rows(), r == null ? null : r.rows(), why.isEmpty(), why));
        }
        return out;
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
