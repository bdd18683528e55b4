package no.vakt.failover.planned;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.lab.MariaDbServer;

/** Root queries for the tests of this package. */
final class PairSql {
    private PairSql() {}

    static Optional<String> scalar(MariaDbServer server, String sql) {
        try (Connection c = server.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    static List<String> column(MariaDbServer server, String sql) throws SQLException {
        try (Connection c = server.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }

    static boolean readOnly(MariaDbServer server) {
        return "1".equals(scalar(server, "SELECT @@GLOBAL.read_only").orElse(""));
    }
}
