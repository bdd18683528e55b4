package no.vakt.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.sql.SQLException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import no.vakt.config.AdminTls;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Tls;
import org.junit.jupiter.api.Test;

/**
 * The classification of driver failures, for the ones a test cannot cause on a real server here (an
 * expired certificate) and the ones that must not be taken for TLS failures. The real-server cases are
 * in {@link AdminTlsTest}.
 */
class TlsFailureTest {
    private static final AdminTls VERIFIED = AdminTls.following(new Tls(true, Path.of("/etc/vakt/ca.pem"), null, null, true),
            "replication.tls at /etc/vakt/vakt.yml:40");

    private static SQLException driver(String message, Throwable cause) {
        return new SQLException(message, "08000", cause);
    }

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void expiredCertificatesAreNamed() {
        SQLException e = driver("Could not connect to address=(host=10.0.2.10)(port=3306)(type=primary) : PKIX path validation failed",
                handshake("PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed",
                        new CertificateExpiredException("NotAfter: Sat Jan 01 00:00:00 UTC 2022")));
        assertThat(TlsFailure.classify(VERIFIED, e)).contains(TlsFailure.EXPIRED);
    }

    @Test
    void connectionsThatNeverReachTheHandshakeAreNotTlsFailures() {
        SQLException refused = driver("Socket fail to connect to db-tls.example.no:3306. Connection refused",
                new ConnectException("Connection refused"));
        assertThat(TlsFailure.classify(VERIFIED, refused)).isEmpty();
        SQLException slow = driver("Socket error during SSL handshake", new SocketTimeoutException("Read timed out"));
        assertThat(TlsFailure.classify(VERIFIED, slow)).isEmpty();
        SQLException denied = new SQLException("(conn=7) Access denied for user 'vakt'@'10.0.0.1' (using password: YES)", "28000", 1045);
        assertThat(TlsFailure.classify(VERIFIED, denied)).isEmpty();
        assertThat(TlsFailure.classify(AdminTls.NONE, denied)).isEmpty(); // told apart by one TLS login in DbSession
    }

    @Test
    void aServerSayingItRequiresSecureTransportIsNamedInPlaintextMode() {
        SQLException e = new SQLException("Connections using insecure transport are prohibited while --require_secure_transport=ON.",
                "08004", 3159);
        assertThat(TlsFailure.classify(AdminTls.NONE, e)).contains(TlsFailure.SERVER_REQUIRES_TLS);
    }

    @Test
    void theMessageNamesWhatFailedWhatToDoAndWhereTheSettingIsAndKeepsTheCause() {
        // As Connector/J reports it: its own check after the handshake, no SSLException in the chain.
        SQLException cause = new SQLException("(conn=3) SSL hostname verification failed : IPv4 host \"10.0.2.10\""
                + " doesn't correspond to SAN[{IP:\"127.0.0.99\"}]", null, -1);
        assertThat(TlsFailure.classify(VERIFIED, cause)).contains(TlsFailure.HOST_MISMATCH);
        SQLException e = TlsFailure.HOST_MISMATCH.exception(new MysqlEndpoint("10.0.2.10", 3306, "vakt", null, "PW", null),
                VERIFIED, TlsFailure.rootMessage(cause), cause);
        assertThat(e.getMessage()).isEqualTo("TLS with 10.0.2.10:3306 failed: the server's certificate does not name this host"
                + " (SSL hostname verification failed : IPv4 host \"10.0.2.10\" doesn't correspond to SAN[{IP:\"127.0.0.99\"}]);"
                + " connect by a name or address listed in the certificate's subjectAltName, reissue the"
                + " certificate with this one, or use mysql.tls.mode: verify-ca; the connection uses verify-full against"
                + " CA /etc/vakt/ca.pem, set by replication.tls at /etc/vakt/vakt.yml:40");
        assertThat(e.getSQLState()).isEqualTo("08000");
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(TlsFailure.in(Errors.describe(e))).isEqualTo(Optional.of(TlsFailure.HOST_MISMATCH));
        assertThat(TlsFailure.in("Access denied for user 'vakt'")).isEmpty();
    }
}
