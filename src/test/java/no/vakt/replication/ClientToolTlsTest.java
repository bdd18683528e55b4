package no.vakt.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import no.vakt.config.AdminTls;
import no.vakt.config.Tls;
import no.vakt.config.TlsMode;
import org.junit.jupiter.api.Test;

/** Each TLS setting as client-tool options; {@link ClientToolsTlsTest} proves them against real servers. */
class ClientToolTlsTest {
    private static final Path CA = Path.of("/etc/vakt/ca.pem");

    private static AdminTls node(TlsMode mode, Path ca) {
        return new AdminTls(mode, ca, AdminTls.Source.NODE, "mysql.tls");
    }

    @Test
    void everyModeIsSpelledOutWithoutRelyingOnTheClientsDefaults() {
        assertThat(ClientToolTls.arguments(AdminTls.NONE)).containsExactly("--skip-ssl");
        assertThat(ClientToolTls.arguments(node(TlsMode.TRUST, null))).containsExactly("--ssl", "--skip-ssl-verify-server-cert");
        assertThat(ClientToolTls.arguments(node(TlsMode.VERIFY_CA, CA)))
                .containsExactly("--ssl", "--ssl-ca=/etc/vakt/ca.pem", "--skip-ssl-verify-server-cert");
        assertThat(ClientToolTls.arguments(node(TlsMode.VERIFY_CA, null)))
                .containsExactly("--ssl", "--ssl-capath=/etc/ssl/certs", "--skip-ssl-verify-server-cert");
        assertThat(ClientToolTls.arguments(node(TlsMode.VERIFY_FULL, CA)))
                .containsExactly("--ssl", "--ssl-ca=/etc/vakt/ca.pem", "--ssl-verify-server-cert");
        assertThat(ClientToolTls.arguments(node(TlsMode.VERIFY_FULL, null))).containsExactly("--ssl", "--ssl-verify-server-cert");
    }

    @Test
    void aNodeWithoutMysqlTlsVerifiesLikeTheReplicationChannel() {
        // replication.tls with a CA verifies the server certificate by default: chain and host name, as the replica does.
        assertThat(ClientToolTls.arguments(AdminTls.following(new Tls(true, CA, null, null, null), "replication.tls")))
                .containsExactly("--ssl", "--ssl-ca=/etc/vakt/ca.pem", "--ssl-verify-server-cert");
        assertThat(ClientToolTls.arguments(AdminTls.following(new Tls(true, CA, null, null, false), "replication.tls")))
                .containsExactly("--ssl", "--ssl-ca=/etc/vakt/ca.pem", "--skip-ssl-verify-server-cert");
        assertThat(ClientToolTls.arguments(AdminTls.following(Tls.OFF, "replication.tls"))).containsExactly("--skip-ssl");
    }
}
