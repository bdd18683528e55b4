package no.vakt.replication;

import static no.vakt.replication.ReplicateCommandTest.AWAIT;
import static no.vakt.replication.ReplicateCommandTest.column;
import static no.vakt.replication.ReplicateCommandTest.replicate;
import static no.vakt.replication.ReplicateCommandTest.scalar;
import static no.vakt.replication.ReplicateCommandTest.slaveStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.lab.TlsCerts;
import no.vakt.status.StatusJson;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** Semi-synchronous replication and TLS on the replication channel, against real servers. */
class SemiSyncAndTlsTest {
    static String status(TestPair pair, String name) {
        return column(pair.primary, "SHOW GLOBAL STATUS LIKE '" + name + "'").isEmpty() ? null
                : scalar(pair.primary, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '"
                        + name.toUpperCase() + "'").orElse(null);
    }

    static JsonNode status(TestPair pair) throws Exception {
        Cli r = Cli.run("status", "--config", pair.configFile.toString(), "--json");
        return StatusJson.mapper().readTree(r.out());
    }

    @Test
    void semiSyncIsOnAfterReplicateAndTheFallbackIsReported() throws Exception {
        try (TestPair pair = TestPair.builder().semiSync(true).start()) {
            Cli r = replicate(pair);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("semi-sync: oslo-db semi-sync ON (1 semi-sync client, wait point AFTER_SYNC, timeout 1000 ms)")
                    .contains("rpl_semi_sync_slave_enabled=ON (swap them after a failover)");
            assertThat(status(pair, "Rpl_semi_sync_master_status")).isEqualTo("ON");
            assertThat(scalar(pair.primary, "SELECT @@GLOBAL.rpl_semi_sync_master_wait_point")).contains("AFTER_SYNC");
            assertThat(scalar(pair.standby, "SELECT @@GLOBAL.rpl_semi_sync_slave_enabled")).contains("1");

            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(10));
            try (DbSession primary = inspector.open(pair.config().primary())) {
                assertThat(SemiSyncState.read(primary).active()).isTrue();
                JsonNode on = status(pair);
                assertThat(on.at("/nodes/0/semi_sync").asText()).isEqualTo("on");
                assertThat(on.at("/nodes/1/semi_sync").asText()).isEqualTo("on");
                assertThat(on.get("warnings").toString()).doesNotContain("semi-sync");

                TestPair.sql(pair.standby, "STOP SLAVE IO_THREAD");
                // With no standby to ack, this commit waits the 1 s timeout, then the primary falls back.
                TestPair.sql(pair.primary, "CREATE DATABASE shop");
                await().atMost(AWAIT).until(() -> "OFF".equals(status(pair, "Rpl_semi_sync_master_status")));
                SemiSyncState fellBack = SemiSyncState.read(primary);
                assertThat(fellBack.fellBackToAsync()).isTrue();
                assertThat(fellBack.describeMaster()).contains("FELL BACK to asynchronous");
                // `vakt status` says so too: in the row, and as a warning.
                JsonNode off = status(pair);
                assertThat(off.at("/nodes/0/semi_sync").asText()).isEqualTo("fallback");
                assertThat(off.get("warnings").toString()).contains("oslo-db semi-sync FELL BACK to asynchronous")
                        .contains("RPO not zero");
                Cli table = Cli.run("status", "--config", pair.configFile.toString());
                assertThat(table.out()).containsPattern("(?m)^oslo .*fallback !")
                        .contains("! oslo-db semi-sync FELL BACK to asynchronous");

                // A re-run reconnects the standby as a semi-sync client; once it has caught up, acks resume.
                Cli rerun = replicate(pair);
                assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
                TestPair.sql(pair.primary, "CREATE TABLE shop.t (id INT PRIMARY KEY)");
                await().atMost(AWAIT).until(() -> SemiSyncState.read(primary).active());
            }
        }
    }

    @Test
    void replicationRunsOverVerifiedTls() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TlsCerts certs = TlsCerts.create(pair.dir.resolve("tls"), List.of(pair.primary.host(), pair.standby.host()));
            Map<String, String> ssl = Map.of("ssl-ca", certs.ca().toString(), "ssl-cert", certs.cert().toString(),
                    "ssl-key", certs.key().toString());
            pair.restartWith(pair.primary, ssl);
            pair.restartWith(pair.standby, ssl);
            Path ca = certs.ca();
            pair.rewriteConfig(t -> t.replace("  tls:\n    enabled: false\n", "  tls:\n    enabled: true\n    ca: " + ca + "\n"));
            assertThat(pair.config().replication().tls().enabled()).isTrue();

            Cli r = replicate(pair);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("TLS on, certificate verified");
            assertThat(slaveStatus(pair.standby, "Master_SSL_Allowed")).isEqualTo("Yes");
            assertThat(slaveStatus(pair.standby, "Master_SSL_Verify_Server_Cert")).isEqualTo("Yes");
            assertThat(slaveStatus(pair.standby, "Master_SSL_CA_File")).isEqualTo(ca.toString());
            // The account refuses a connection without TLS, so a running IO thread proves the channel is encrypted.
            assertThat(column(pair.primary, "SHOW GRANTS FOR 'repl'@'127.0.0.1'")).singleElement().asString()
                    .contains("REQUIRE SSL");

            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 1);
            assertThat(replicate(pair).out()).contains("nothing to do");
        }
    }

    @Test
    void tlsAgainstAServerWithoutTlsFailsWithTheReplicasError() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TlsCerts certs = TlsCerts.create(pair.dir.resolve("tls"), List.of(pair.primary.host()));
            pair.rewriteConfig(t -> t.replace("  tls:\n    enabled: false\n",
                    "  tls:\n    enabled: true\n    ca: " + certs.ca() + "\n"));
            Cli r = replicate(pair, "--wait", "3s");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("wait: FAILED: replication on bergen-db did not start within 3 s: IO Connecting")
                    .contains("last error IO").contains("replicate: FAILED");
        }
    }
}
