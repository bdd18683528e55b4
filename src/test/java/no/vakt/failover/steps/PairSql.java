package no.vakt.failover.steps;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.lab.MariaDbServer;

/** Test-only root queries on one server of a pair. */
public final class PairSql {
    private PairSql() {}

    public static Optional<String> scalar(MariaDbServer server, String sql) {
        List<String> c = column(server, sql);
        return c.isEmpty() ? Optional.empty() : Optional.ofNullable(c.get(0));
    }

    public static List<String> column(MariaDbServer server, String sql) {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean readOnly(MariaDbServer server) {
        return "1".equals(scalar(server, "SELECT @@GLOBAL.read_only").orElseThrow());
    }

    /** A column of SHOW SLAVE STATUS, null when the server replicates from nobody. */
    public static String slaveStatus(MariaDbServer server, String column) {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString(column) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the connection was ended by the server (a query on it fails). */
    public static boolean killed(Connection c) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
            return false;
        } catch (SQLException e) {
            return true;
        }
    }
}
