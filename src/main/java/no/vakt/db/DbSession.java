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
import java.util.Properties;
import java.util.TreeMap;
import no.vakt.config.AdminTls;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.TlsMode;

/**
 * One connection to one node, with the few queries Vakt needs. Never pooled: a pool would hide a dead
 * primary behind a still-open socket, so the primary's liveness probe opens its own with short timeouts
 * every time; only reads that need no proof of a new login keep one between calls ({@link KeptSession}).
 * TLS is the endpoint's {@link AdminTls}, applied with Connector/J's own options ({@code sslMode},
 * {@code serverSslCert}); a connection that asked for TLS either gets it or fails, never plaintext.
 */
public final class DbSession implements AutoCloseable {
    private static final int ER_ACCESS_DENIED = 1045;
    private final Connection connection;
    private final String address;
    private final AdminTls tls;
    private SessionTls sessionTls;

    private DbSession(Connection connection, String address, AdminTls tls) {
        this.connection = connection;
        this.address = address;
        this.tls = tls;
    }

    /** Opens a session; connect and socket timeouts both bound every call (the TLS handshake included). */
    public static DbSession open(MysqlEndpoint endpoint, String password, Duration timeout) throws SQLException {
        return open(endpoint, password, timeout, "");
    }

    /**
     * As {@link #open}, but a refused connect is retried at TCP level until the server's port opens or the
     * timeout passes ({@link KnockingSocketFactory}): the session is on the first connection it accepts.
     */
    public static DbSession openKnocking(MysqlEndpoint endpoint, String password, Duration timeout) throws SQLException {
        return open(endpoint, password, timeout, "&socketFactory=" + KnockingSocketFactory.class.getName());
    }

    private static DbSession open(MysqlEndpoint endpoint, String password, Duration timeout, String extraOptions)
            throws SQLException {
        long ms = Math.max(1, timeout.toMillis());
        AdminTls tls = endpoint.tls();
        String url = "jdbc:mariadb://" + endpoint.host() + ":" + endpoint.port() + "/"
                + "?connectTimeout=" + ms + "&socketTimeout=" + ms
                + "&allowPublicKeyRetrieval=false&useServerPrepStmts=false" + extraOptions;
        Properties props = new Properties();
        if (endpoint.user() != null) props.setProperty("user", endpoint.user());
        if (password != null) props.setProperty("password", password);
        props.setProperty("sslMode", tls.mode().label());
        if (tls.mode().verifies() && tls.ca() != null) {
            // Checked here too (not only at config load) because an inherited replication.tls.ca is not.
            Optional<String> unreadable = AdminTls.unreadable(tls.ca());
            if (unreadable.isPresent()) throw TlsFailure.CA_UNREADABLE.exception(endpoint, tls, unreadable.get(), null);
            // A path, not the PEM text: the driver caches the trust manager per file and rebuilds it when the
            // file changes (its last-modified time and size are part of the cache key).
            props.setProperty("serverSslCert", tls.ca().toAbsolutePath().toString());
        }
        Connection c;
        try {
            c = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            Optional<TlsFailure> failure = TlsFailure.classify(tls, e);
            if (failure.isPresent()) throw failure.get().exception(endpoint, tls, TlsFailure.rootMessage(e), e);
            if (!tls.encrypted() && e.getErrorCode() == ER_ACCESS_DENIED && acceptsOverTls(url, props)) {
                throw TlsFailure.SERVER_REQUIRES_TLS.exception(endpoint, tls,
                        "denied in plaintext, accepted over TLS: require_secure_transport=ON", e);
            }
            throw e;
        }
        return new DbSession(c, endpoint.address(), tls);
    }

    /**
     * MariaDB (10.11) refuses a plaintext login to a server with require_secure_transport=ON with the same
     * Access denied (1045) as a wrong password. One login over TLS (certificate not checked, nothing sent
     * but the login that just went in plaintext anyway) tells the two apart; the session is closed unused.
     */
    private static boolean acceptsOverTls(String url, Properties plaintext) {
        Properties props = new Properties();
        props.putAll(plaintext);
        props.setProperty("sslMode", TlsMode.TRUST.label());
        try (Connection probe = DriverManager.getConnection(url, props)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The TLS setting this session was opened with. */
    public AdminTls tls() {
        return tls;
    }

    /**
     * How this session travels: plaintext (no query: the driver never negotiates TLS then), or the TLS
     * protocol and cipher the server reports for it (one query, asked once per session).
     */
    public SessionTls sessionTls() {
        if (sessionTls == null) {
            String protocol = null;
            String cipher = null;
            if (tls.encrypted()) {
                try {
                    Map<String, String> s = nameValue("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')");
                    protocol = s.get("ssl_version");
                    cipher = s.get("ssl_cipher");
                } catch (SQLException e) {
                    // Encrypted all the same (the driver refuses otherwise); only the names are unknown.
                }
            }
            sessionTls = new SessionTls(tls, protocol, cipher);
        }
        return sessionTls;
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

    /** The named global variables (lower-case names, letters, digits and _ only) by name. */
    public Map<String, String> globalVariables(List<String> names) throws SQLException {
        StringBuilder in = new StringBuilder();
        for (String name : names) {
            if (!name.matches("[a-z0-9_]+")) throw new IllegalArgumentException("not a variable name: " + name);
            in.append(in.length() == 0 ? "'" : ", '").append(name).append('\'');
        }
        return nameValue("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + in + ")");
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
