package no.vakt.db;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import no.vakt.config.AdminTls;
import no.vakt.config.MysqlEndpoint;

/**
 * Why an admin connection's TLS failed, in words an operator can act on. Each kind has a phrase that
 * appears in the error text (and so in {@code vakt status} and {@code vakt check}), by which
 * {@link #in(String)} recognises it again. Never retried into plaintext: a TLS failure is final.
 */
public enum TlsFailure {
    /** The CA file named in the config cannot be read on this host. */
    CA_UNREADABLE("the CA file cannot be used"),
    /** The CA file holds no certificate the driver can load. */
    CA_INVALID("the CA file holds no usable certificate"),
    /** The server has no certificate/key configured (have_ssl is not YES). */
    SERVER_WITHOUT_TLS("the server does not offer TLS"),
    /** The server's certificate does not chain to the configured CA (or, without a CA, to the JVM's CAs). */
    UNTRUSTED("the server's certificate is not signed by the trusted CA"),
    /** The certificate chains to the CA but does not name the host Vakt connects to. */
    HOST_MISMATCH("the server's certificate does not name this host"),
    /** The certificate is outside its validity period. */
    EXPIRED("the server's certificate is expired or not yet valid"),
    /**
     * Plaintext was configured, but the server requires TLS (require_secure_transport=ON). MariaDB 10.11
     * says "Access denied" (1045), as for a wrong password; {@link DbSession} tells the two apart.
     */
    SERVER_REQUIRES_TLS("the server requires TLS but this connection is configured without it"),
    /** Any other failure during the TLS handshake. */
    HANDSHAKE("the TLS handshake failed");

    private final String phrase;

    TlsFailure(String phrase) {
        this.phrase = phrase;
    }

    public String phrase() {
        return phrase;
    }

    /** The kind whose phrase appears in an error text (as {@link Errors#describe} keeps it), if any. */
    public static Optional<TlsFailure> in(String error) {
        if (error == null) return Optional.empty();
        for (TlsFailure f : values()) {
            if (error.contains(f.phrase)) return Optional.of(f);
        }
        return Optional.empty();
    }

    /** The driver's failure classified, or empty when it has nothing to do with TLS (refused, timeout, password). */
    static Optional<TlsFailure> classify(AdminTls tls, SQLException e) {
        String all = messages(e).toLowerCase(Locale.ROOT);
        if (!tls.encrypted()) {
            // MariaDB: ER_SECURE_TRANSPORT_REQUIRED (4031); the text also covers servers that say it differently.
            boolean requires = e.getErrorCode() == 4031 || e.getErrorCode() == 3159
                    || all.contains("insecure transport") || all.contains("require_secure_transport");
            return requires ? Optional.of(SERVER_REQUIRES_TLS) : Optional.empty();
        }
        // A server that stops answering mid-handshake is slow or gone, not misconfigured: that is reachability.
        if (has(e, java.net.SocketTimeoutException.class) || has(e, java.net.ConnectException.class)) return Optional.empty();
        if (all.contains("ssl not enabled in the server")) return Optional.of(SERVER_WITHOUT_TLS);
        if (all.contains("serversslcert") || all.contains("failed load keystore")) return Optional.of(CA_INVALID);
        // Connector/J checks the host name itself, after the handshake, and says so in its own words.
        if (all.contains("ssl hostname verification failed")) return Optional.of(HOST_MISMATCH);
        // The rest happen inside the handshake, which the JDK reports as an SSLException (so a host name
        // that merely contains "tls" in a refused connection is not taken for one).
        if (!has(e, SSLException.class)) return Optional.empty();
        if (has(e, CertificateExpiredException.class) || has(e, CertificateNotYetValidException.class)
                || all.contains("validity check failed")) {
            return Optional.of(EXPIRED);
        }
        if (all.contains("pkix path") || all.contains("certification path") || has(e, CertPathValidatorException.class)
                || all.contains("signature check failed") || all.contains("trust anchor")) {
            return Optional.of(UNTRUSTED);
        }
        if (all.contains("no subject alternative") || all.contains("alternative name")) {
            return Optional.of(HOST_MISMATCH);
        }
        return Optional.of(HANDSHAKE);
    }

    /** The exception DbSession throws: what failed, the setting in force and where it is set, the cause kept. */
    SQLException exception(MysqlEndpoint endpoint, AdminTls tls, String detail, Throwable cause) {
        String msg = "TLS with " + endpoint.address() + " failed: " + phrase + (detail == null ? "" : " (" + detail + ")")
                + "; " + hint(tls) + "; the connection uses " + tls.describe() + ", set by " + tls.origin();
        return new SQLNonTransientConnectionException(msg, "08000", cause);
    }

    /** The one thing to change, as an operator would phrase it. */
    private String hint(AdminTls tls) {
        return switch (this) {
            case CA_UNREADABLE -> "copy the CA certificate to this host and point mysql.tls.ca (or replication.tls.ca) at it";
            case CA_INVALID -> "mysql.tls.ca must be the PEM file of the CA that signed the server's certificate";
            case SERVER_WITHOUT_TLS -> "give the server ssl_cert, ssl_key and ssl_ca in its my.cnf and restart it,"
                    + " or set mysql.tls.mode: disable to connect in plaintext";
            case UNTRUSTED -> "point mysql.tls.ca at the CA that signed the server's certificate (ssl_cert in its my.cnf)";
            case HOST_MISMATCH -> "connect by a name or address listed in the certificate's subjectAltName,"
                    + " reissue the certificate with this one, or use mysql.tls.mode: verify-ca";
            case EXPIRED -> "renew the server's certificate (and check this host's clock)";
            case SERVER_REQUIRES_TLS -> tls.source() == AdminTls.Source.NODE
                    ? "set mysql.tls to {mode: verify-full, ca: FILE} (the CA that signed the server's certificate)"
                    : "add to the node's mysql section: tls: {mode: verify-full, ca: FILE}, or enable replication.tls with its ca";
            case HANDSHAKE -> "see the cause; check the server's error log and its ssl_* settings";
        };
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 4000; t = t.getCause()) {
            sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
            if (t.getCause() == t) break;
        }
        return sb.toString();
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** The deepest cause's message, which names what the JDK or the driver actually saw. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return (nl > 0 ? m.substring(0, nl) : m).replaceFirst("^\\(conn=\\d+\\) ", "");
    }
}
