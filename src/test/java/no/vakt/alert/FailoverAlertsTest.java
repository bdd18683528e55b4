package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.plan.Decision;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.replication.HeartbeatWriter;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.junit.jupiter.api.Test;

/**
 * Manual mode end to end on a real pair, alerts to a real webhook on 127.0.44.5: the primary dies, the
 * runner asks for approval (the alert carries the exact command and the dashboard link), the operator
 * runs {@code vakt promote --confirm}, and the receiver hears the failover start and finish with its
 * measured step timings.
 */
class FailoverAlertsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aManualFailoverIsAnnouncedWithTheApproveCommandLinkAndTimings() throws Exception {
        try (HookServer hook = HookServer.start("127.0.44.5");
                TestPair pair = TestPair.builder().failoverMode("manual").start()) {
            Files.writeString(pair.dir.resolve("hook.key"), "failover-test-key");
            pair.rewriteConfig(y -> y.replace("rpo: 1s", "rpo: 5m").replaceAll("(?m)^alerts:.*\\n", "") + """
                    alerts:
                      approve-url: https://vakt.example.no/#approve
                      channels:
                        - type: webhook
                          name: pager
                          url: %s
                          secret-file: hook.key
                    """.formatted(hook.uri("/vakt")));
            TestPair.sql(pair.primary, "CREATE DATABASE shop");
            ReplicationFixture.start(pair);
            ReplicationFixture.awaitCaughtUp(pair);
            VaktConfig config = pair.config();
            // A heartbeat bounds the expected loss (within the RPO), as the daemon's writer would.
            try (HeartbeatWriter hb = HeartbeatWriter.forNode(config.primary(), Duration.ofMillis(250), Clock.systemUTC())
                    .start()) {
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
                await().atMost(Duration.ofSeconds(15)).until(() -> inspector.inspect(config.standby()).heartbeatLagMs() != null);
            }
            pair.primary.kill();
            await("the standby lost the primary").atMost(Duration.ofSeconds(15))
                    .until(() -> !"Yes".equals(slaveIo(pair)));

            // What vakt run does on a confirmed DOWN in manual mode.
            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC());
                    AlertDispatcher alerts = AlertSinks.fromConfig(config, journal, Clock.systemUTC())) {
                FailoverRunner runner = new FailoverRunner(config, journal, Clock.systemUTC(), alerts,
                        new NoOpTrafficSwitch(), new NoOpFileSyncDirector());
                FailoverRunner.Outcome waiting = runner.run(FailoverRunner.Request.automatic(PrimaryHealth.DOWN, null));
                assertThat(waiting.plan().decision()).as(waiting.plan().render()).isEqualTo(Decision.WAIT_FOR_OPERATOR);
            }
            JsonNode approval = body(hook, 0);
            assertThat(approval.get("kind").asText()).isEqualTo("approval-needed");
            assertThat(approval.get("severity").asText()).isEqualTo("CRITICAL");
            assertThat(approval.get("event").asText()).isEqualTo("primary " + config.primary().name() + " is down");
            assertThat(approval.get("action").asText()).startsWith("approve with: vakt promote --confirm");
            assertThat(approval.get("link").asText()).isEqualTo("https://vakt.example.no/#approve");

            Cli r = Cli.run("promote", "--config", pair.configFile.toString(), "--confirm");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

            await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() >= 3);
            List<JsonNode> all = List.of(body(hook, 0), body(hook, 1), body(hook, 2));
            assertThat(all).extracting(b -> b.get("kind").asText())
                    .containsExactly("approval-needed", "failover-started", "failover-finished");
            JsonNode finished = all.get(2);
            assertThat(finished.get("event").asText()).isEqualTo("failover finished: " + config.standby().name()
                    + " is the new primary");
            assertThat(finished.get("evidence").asText()).containsPattern("total \\d+ ms: FENCE_OLD_PRIMARY skipped( \\d+ ms)?, ")
                    .containsPattern("PROMOTE_STANDBY ok \\d+ ms").containsPattern("BUMP_EPOCH ok \\d+ ms");
            assertThat(finished.get("action").asText()).contains("vakt rejoin " + config.primary().name());
            assertThat(all.get(1).get("severity").asText()).as("an operator's failover").isEqualTo("WARNING");

            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                assertThat(journal.history(100)).filteredOn(e -> e.kind() == EventKind.ALERT_DELIVERY)
                        .hasSize(3).allSatisfy(e -> assertThat(e.details().get("outcome").asText()).isEqualTo("delivered"));
            }
        }
    }

    private static String slaveIo(TestPair pair) throws Exception {
        return new NodeInspector(Duration.ofSeconds(2)).inspect(pair.config().standby()).replica()
                .map(r -> r.ioRunning()).orElse(null);
    }

    private static JsonNode body(HookServer hook, int i) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() > i);
        return JSON.readTree(hook.requests().get(i).body());
    }
}
