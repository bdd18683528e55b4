package no.vakt.replication;

import static no.vakt.replication.ReplicateCommandTest.column;
import static no.vakt.replication.ReplicateCommandTest.replicate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.config.AdminTls;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.TlsMode;
import no.vakt.config.VaktConfig;
import no.vakt.lab.TlsCerts;
import no.vakt.testing.Cli;
import no.vakt.testing.RequiredTls;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * Seeding ({@code mariadb-dump} into {@code mariadb}) against real servers whose vakt account REQUIRES
 * SSL: it works with the TLS that replication.tls configures, and the CA is really checked (a wrong CA
 * fails, for verify-ca and verify-full), instead of the client's default of unverified TLS.
 */
class ClientToolsTlsTest {
    @Test
    void seedingRunsOverVerifiedTlsAndAWrongCaIsRefused() throws Exception {
        try (TestPair pair = TestPair.start()) {
            RequiredTls.apply(pair);
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                    "INSERT INTO shop.orders VALUES (1, 'kayak'), (2, 'paddle')");

            Cli r = replicate(pair);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("seed: copied shop, vakt from oslo-db to bergen-db");
            assertThat(column(pair.standby, "SELECT item FROM shop.orders ORDER BY id")).containsExactly("kayak", "paddle");

            // The same copy with a CA that did not sign the servers' certificate: both verifying modes refuse it.
            VaktConfig config = pair.config();
            assertThat(config.primary().mysql().tls().mode()).isEqualTo(TlsMode.VERIFY_FULL);
            Path otherCa = TlsCerts.create(pair.dir.resolve("other-ca"), List.of(pair.primary.host())).ca();
            DumpSeeder seeder = new DumpSeeder(Clock.systemUTC());
            for (TlsMode mode : List.of(TlsMode.VERIFY_CA, TlsMode.VERIFY_FULL)) {
                AdminTls wrong = new AdminTls(mode, otherCa, AdminTls.Source.NODE, "test");
                assertThatThrownBy(() -> seeder.copy(source(config.primary(), wrong), source(config.standby(), null),
                        List.of("shop"), Duration.ofMinutes(1)))
                        .as(mode.label())
                        .isInstanceOf(StepFailedException.class)
                        .hasMessageContaining("mariadb-dump exited")
                        .hasMessageContaining("SSL");
            }
        }
    }

    private static DumpSeeder.Source source(Node node, AdminTls tls) throws Exception {
        MysqlEndpoint e = tls == null ? node.mysql() : node.mysql().withTls(tls);
        return new DumpSeeder.Source(e, node.mysql().secret().resolve());
    }
}
