package no.vakt.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import no.vakt.config.MysqlEndpoint;

/**
 * One fresh connection to one node, with the few queries Vakt needs. Never pooled: a pool would hide
 * a dead primary behind a still-open socket, so every probe opens its own with short timeouts.
 */
public final class DbSession implements AutoCloseable {
    private final Connection connection;
    private final String address;

    private DbSession(Connection connection, String address) {
        this.connection = connection;
        this.address = address;
    }

    /** Opens a session; connect and socket timeouts both bound every call. */
    public static DbSession open(MysqlEndpoint endpoint, String password, Duration timeout) throws SQLException {
        long ms = Math.max(1, timeout.toMillis());
        String url = "jdbc:mariadb://" + endpoint.host() + ":" + endpoint.port() + "/"
                + "?connectTimeout=" + ms + "&socketTimeout=" + ms
                + "&allowPublicKeyRetrieval=false&useServerPrepStmts=false";
        Connection c = DriverManager.getConnection(url, endpoint.user(), password);
        return new DbSession(c, endpoint.address());
    }

    public String address() {
        return address;
    }

    public Connection connection() {
        return connection;
    }

    /** Runs a statement that returns no rows. */
    public void execute(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            ps.execute();
        }
    }

    /** All rows as column-name to text maps (column names as the server reports them). */
    public List<Map<String, String>> rows(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, String>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getString(i));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    /** The first column of the first row, if any. */
    public Optional<String> scalar(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Global variables by lower-case name. */
    public Map<String, String> globalVariables() throws SQLException {
        return nameValue("SHOW GLOBAL VARIABLES");
    }

    /** Global status counters by lower-case name. */
    public Map<String, String> globalStatus(String likePattern) throws SQLException {
        return nameValue("SHOW GLOBAL STATUS LIKE '" + likePattern.replace("'", "") + "'");
    }

    /** SHOW SLAVE STATUS of the default channel, empty when this node replicates from nobody. */
    public Optional<Map<String, String>> replicaStatus() throws SQLException {
        List<Map<String, String>> rows = rows("SHOW SLAVE STATUS");
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private Map<String, String> nameValue(String sql) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2));
        }
        return out;
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing a connection to a dead server fails; there is nothing left to release.
        }
    }
}
