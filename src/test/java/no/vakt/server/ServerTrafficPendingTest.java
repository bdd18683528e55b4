package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import no.vakt.alert.NoOpAlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.Monitor;
import no.vakt.failover.detect.AlertingFailoverTrigger;
import no.vakt.filesync.LoggingFileSyncDirector;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.TrafficSwitch;
import no.vakt.traffic.TrafficSwitches;
import org.junit.jupiter.api.Test;

/**
 * A traffic switch that fails past the promotion, through the API, on a real pair with the config's own
 * traffic switch (a command entry whose program always fails): the approval and the switchover answer 200
 * "completed, traffic pending" with the command for this config, and history, the summary, /api/status's
 * warnings and /metrics all say traffic is pending.
 */
class ServerTrafficPendingTest {
    private static final String TOKEN = "pending-" + Long.toHexString(System.nanoTime());
    private static final Clock CLOCK = Clock.systemUTC();

    @Test
    void anApprovedFailoverWhoseTrafficSwitchFailsIsCompletedWithTrafficPendingEverywhere() throws Exception {
        try (TestPair pair = TestPair.builder().failoverMode("manual").start()) {
            prepare(pair);
            VaktConfig cfg = pair.config();
            OperatorCommands commands = OperatorCommands.of(pair.configFile, pair.dir.resolve(".vakt/journal.db"));
            String config = " --config " + pair.configFile.toAbsolutePath().normalize();
            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), CLOCK)) {
                NoOpAlertSink alerts = new NoOpAlertSink();
                TrafficSwitch traffic = TrafficSwitches.fromConfig(cfg, journal, alerts, CLOCK, pair.configFile);
                FailoverRunner runner = new FailoverRunner(cfg, journal, CLOCK, alerts, traffic,
                        new LoggingFileSyncDirector(), commands);
                try (Monitor monitor = new Monitor(cfg, journal, new AlertingFailoverTrigger(cfg.cluster(), alerts), alerts,
                                CLOCK, line -> {});
                        VaktServer server = server(pair, cfg, journal, traffic).runner(runner).build()) {
                    monitor.onTick(server::observe);
                    monitor.start();
                    server.start();
                    ServerTestSupport.Client client = new ServerTestSupport.Client(server.url());
                    await("a healthy monitor").atMost(Duration.ofSeconds(15)).until(() ->
                            "HEALTHY".equals(client.get("/api/metrics-summary").json().at("/monitor/health").asText()));

                    pair.primary.kill();
                    await("the failover awaits approval").atMost(Duration.ofSeconds(30)).until(() ->
                            client.get("/api/metrics-summary").json().at("/approval/awaiting").asBoolean());
                    assertThat(client.get("/api/metrics-summary").json().at("/approval/command").asText())
                            .isEqualTo("vakt promote --confirm" + config);

                    ServerTestSupport.Response r = client.post("/api/approve-failover", "{}", TOKEN);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    JsonNode b = r.json();
                    assertThat(b.get("outcome").asText()).isEqualTo("completed");
                    assertThat(b.get("ending").asText()).isEqualTo("completed_traffic_pending");
                    assertThat(b.get("label").asText()).isEqualTo("completed, traffic pending");
                    assertThat(b.get("promoted").asBoolean()).isTrue();
                    assertThat(b.get("traffic_pending").asBoolean()).isTrue();
                    assertThat(b.get("traffic_command").asText()).isEqualTo("vakt traffic apply" + config);
                    assertThat(b.get("message").asText()).contains("promoted bergen-db (epoch 1), but traffic is PENDING")
                            .contains("users may still be sent to oslo-db").endsWith("by hand: vakt traffic apply" + config);
                    assertThat(r.body()).doesNotContain(TOKEN);
                    assertThat(journal.history(EventKind.OPERATOR_ACTION, 20)).extracting(e -> e.summary())
                            .contains("operator (API): approve-failover completed, traffic pending (failover 1)");

                    assertTrafficPendingEverywhere(client, "bergen-db", "vakt traffic apply" + config);
                }
            }
        }
    }

    @Test
    void aSwitchoverWhoseTrafficSwitchFailsIsCompletedWithTrafficPending() throws Exception {
        try (TestPair pair = TestPair.start()) {
            prepare(pair);
            VaktConfig cfg = pair.config();
            String config = " --config " + pair.configFile.toAbsolutePath().normalize();
            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), CLOCK);
                    VaktServer server = server(pair, cfg, journal,
                            TrafficSwitches.fromConfig(cfg, journal, new NoOpAlertSink(), CLOCK, pair.configFile))
                            .commands(OperatorCommands.of(pair.configFile, null)).build().start()) {
                ServerTestSupport.Client client = new ServerTestSupport.Client(server.url());

                ServerTestSupport.Response r = client.post("/api/switchover", "{\"timeout\": \"10s\"}", TOKEN);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                JsonNode b = r.json();
                assertThat(b.get("outcome").asText()).isEqualTo("COMPLETED");
                assertThat(b.get("ending").asText()).isEqualTo("completed_traffic_pending");
                assertThat(b.get("label").asText()).isEqualTo("completed, traffic pending");
                assertThat(b.get("promoted").asBoolean()).isTrue();
                assertThat(b.get("traffic_pending").asBoolean()).isTrue();
                assertThat(b.get("traffic_command").asText()).isEqualTo("vakt traffic apply" + config);
                assertThat(b.get("message").asText()).startsWith("switchover completed: bergen-db is the primary (epoch 1),"
                        + " but traffic is PENDING").endsWith("by hand: vakt traffic apply" + config);
                assertThat(journal.history(EventKind.OPERATOR_ACTION, 20)).extracting(e -> e.summary())
                        .anyMatch(s -> s.startsWith("operator (API): switchover completed, traffic pending: oslo-db -> bergen-db"));

                assertTrafficPendingEverywhere(client, "bergen-db", "vakt traffic apply" + config);
            }
        }
    }

    private static void assertTrafficPendingEverywhere(ServerTestSupport.Client client, String node, String apply)
            throws Exception {
        JsonNode history = client.get("/api/history?limit=5").json();
        assertThat(history.at("/failovers/0/outcome").asText()).isEqualTo("completed");
        assertThat(history.at("/failovers/0/label").asText()).isEqualTo("completed, traffic pending");
        assertThat(history.at("/failovers/0/trafficPending").asBoolean()).isTrue();
        assertThat(history.at("/failovers/0/ending").asText()).isEqualTo("completed_traffic_pending");

        JsonNode s = client.get("/api/metrics-summary").json();
        assertThat(s.at("/traffic/pending").asBoolean()).isTrue();
        assertThat(s.at("/traffic/node").asText()).isEqualTo(node);
        assertThat(s.at("/traffic/attempts").asInt()).isEqualTo(1);
        assertThat(s.at("/traffic/error").asText()).contains("/bin/false exited with 1");
        assertThat(s.at("/traffic/command").asText()).isEqualTo(apply);
        assertThat(s.at("/failovers/last/label").asText()).isEqualTo("completed, traffic pending");
        assertThat(s.at("/failovers/last/ending").asText()).isEqualTo("completed_traffic_pending");
        assertThat(s.at("/failovers/traffic_pending").asLong()).isEqualTo(1);
        assertThat(s.at("/warnings/0").asText()).startsWith("traffic switch to " + node + " PENDING").endsWith(apply);

        await("a status sample").atMost(Duration.ofSeconds(10)).until(() -> client.get("/api/status").status() == 200);
        assertThat(client.get("/api/status").json().at("/warnings/0").asText())
                .startsWith("traffic switch to " + node + " PENDING").endsWith(apply);

        assertThat(client.get("/metrics").body())
                .contains("vakt_traffic_pending{cluster=\"test\"} 1.0")
                .contains("vakt_failovers_traffic_pending_total{cluster=\"test\"} 1.0")
                .contains("vakt_failovers_total{cluster=\"test\",outcome=\"completed\"} 1.0");
    }

    /** Replication, a fast monitor, and a traffic entry whose program always fails (exit 1: not retryable). */
    private static void prepare(TestPair pair) throws Exception {
        ReplicationFixture.start(pair);
        pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                .replace("traffic: []\n", "traffic:\n  - type: command\n    command: [/bin/false]\n    timeout: 5s\n"));
        TestPair.sql(pair.primary, "DELETE FROM vakt.heartbeat"); // only the monitor's own beats count
        ReplicationFixture.awaitCaughtUp(pair);
    }

    private static VaktServer.Builder server(TestPair pair, VaktConfig cfg, Journal journal, TrafficSwitch traffic)
            throws Exception {
        Path token = ServerTestSupport.tokenFile(pair.dir, TOKEN);
        return VaktServer.builder(cfg, journal, CLOCK)
                .serverConfig(new ServerConfig(true, ServerTestSupport.nextAddress() + ":0", token, null, null, null))
                .traffic(traffic);
    }
}
