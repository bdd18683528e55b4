package no.vakt.cli;

import static no.vakt.failover.steps.PairSql.readOnly;
import static no.vakt.failover.steps.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.journal.JournalJson;
import no.vakt.lab.BindServer;
import no.vakt.testing.Cli;
import no.vakt.testing.Dig;
import no.vakt.testing.Loopback;
import no.vakt.testing.RunningDaemon;
import no.vakt.testing.TestPair;
import no.vakt.testing.TrafficYaml;
import org.junit.jupiter.api.Test;

/**
 * End to end with a real replicating pair, a real BIND and a TSIG key BIND rejects: the promotion is past
 * its point of no return when the traffic switch fails, so the failover still turns file sync around and
 * raises the epoch, and ends "completed, traffic pending" with one traffic-switch-failed alert naming the
 * exact command. Once the key is fixed, {@code vakt run} moves the record by itself.
 */
class TrafficPendingFailoverTest {
    static final String ZONE = "pending.vakt.test.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRejectedTsigKeyLeavesTrafficPendingButTheFailoverCompletesAndVaktRunSwitchesOnceTheKeyIsFixed() throws Exception {
        try (TestPair pair = PromoteCommandTest.replicatingPair(null)) {
            BindServer bind = new BindServer(pair.dir.resolve("bind"), "127.0.0.1", Dig.freePort("127.0.0.1"), ZONE, "vakt-e2e");
            try {
                bind.start(Map.of("app", pair.primary.host()), 5);
                Path key = pair.dir.resolve("tsig.key");
                BindServer.generateKey(key, "vakt-e2e"); // the right name, another secret: BADSIG
                Path alertLog = pair.dir.resolve("alerts.jsonl");
                pair.rewriteConfig(s -> TrafficYaml.rfc2136(s, ZONE, bind.port(), "tsig.key", "verify-timeout: 5s")
                        .replace("files: {}\n", "files:\n  directories:\n    - path: oslo/uploads\n      target: bergen/uploads\n")
                        .replace("alerts: []\n", "alerts:\n"
                                + "  channels:\n"
                                + "    - type: command\n"
                                + "      program: /bin/sh\n"
                                + "      args: ['-c', 'cat >> " + alertLog + " && echo >> " + alertLog + "']\n")
                        + "server:\n  listen: 127.0.0.1:" + Loopback.freePort("127.0.0.1") + "\n");
                String cfg = pair.configFile.toString();
                String applyCommand = "vakt traffic apply --config " + pair.configFile.toAbsolutePath().normalize();

                Cli promote = PromoteCommandTest.vakt("promote", "--config", cfg, "--confirm", "--force");
                assertThat(promote.exitCode()).as("promoted, but users are not moved: not a clean success").isEqualTo(1);
                assertThat(promote.out()).containsPattern("HANDOVER\\s+failed\\s+\\d+ ms\\s+file sync now from bergen-db;"
                                + " traffic switch to bergen-db failed: .*BADSIG")
                        .containsPattern("BUMP_EPOCH\\s+ok")
                        .contains("failover 1 completed, traffic pending: oslo-db -> bergen-db, epoch 1")
                        .contains("Promoted bergen-db (epoch 1), but traffic is PENDING")
                        .contains("by hand: " + applyCommand)
                        .doesNotContain("aborted");

                // The promotion stands, the fencing token moved, the old primary stays fenced.
                assertThat(readOnly(pair.standby)).isFalse();
                assertThat(readOnly(pair.primary)).isTrue();
                assertThat(scalar(pair.standby, "SELECT CONCAT(epoch, ' ', primary_node) FROM vakt.cluster")).contains("1 bergen-db");
                assertThat(Dig.query("127.0.0.1", bind.port(), "app." + ZONE, "A")).containsExactly(pair.primary.host());

                JsonNode history = JournalJson.mapper().readTree(
                        PromoteCommandTest.vakt("history", "--config", cfg, "--json", "--limit", "1000").out());
                assertThat(history.get("current_epoch").asLong()).isEqualTo(1);
                JsonNode failover = history.at("/failovers/0");
                assertThat(failover.get("outcome").asText()).isEqualTo("completed");
                assertThat(failover.get("ending").asText()).isEqualTo("completed_traffic_pending");
                assertThat(failover.get("summary").asText()).startsWith("traffic pending: oslo-db -> bergen-db, epoch 1; ");
                List<JsonNode> events = list(history.get("events"));
                assertThat(events).filteredOn(e -> "file-sync".equals(e.get("kind").asText()))
                        .as("file sync turned to the new primary, nothing pushed until a rejoin").last()
                        .satisfies(e -> {
                            assertThat(e.at("/details/source").asText()).isEqualTo("bergen-db");
                            assertThat(e.at("/details/target").isNull()).isTrue();
                        });
                assertThat(events).filteredOn(e -> "traffic".equals(e.get("kind").asText()) && e.at("/details/switch").isTextual())
                        .extracting(e -> e.at("/details/switch").asText()).containsExactly("pending");

                List<JsonNode> alerts = alerts(alertLog);
                assertThat(alerts).extracting(a -> a.get("kind").asText())
                        .containsExactly("failover-started", "traffic-switch-failed", "failover-finished");
                JsonNode trafficAlert = alerts.get(1);
                assertThat(trafficAlert.get("severity").asText()).isEqualTo("CRITICAL");
                assertThat(trafficAlert.get("node").asText()).isEqualTo("bergen-db");
                assertThat(trafficAlert.get("evidence").asText()).contains("BADSIG");
                assertThat(trafficAlert.get("action").asText()).contains("never undoes a promotion").endsWith(applyCommand);
                JsonNode finished = alerts.get(2);
                assertThat(finished.get("event").asText())
                        .isEqualTo("failover finished: bergen-db is the new primary, traffic switch pending");
                assertThat(finished.get("evidence").asText()).contains("BUMP_EPOCH ok").contains("HANDOVER failed");
                assertThat(finished.get("action").asText()).contains(applyCommand)
                        .contains("vakt rejoin oslo-db --config " + pair.configFile.toAbsolutePath().normalize());

                // vakt status says it too: the servers look fine, the journal knows users were not moved.
                Cli status = PromoteCommandTest.vakt("status", "--config", cfg);
                assertThat(status.out()).containsPattern("(?m)^! traffic switch to bergen-db PENDING since .*BADSIG")
                        .contains("by hand: " + applyCommand);

                // The operator fixes the key; the daemon retries the pending switch by itself.
                Files.copy(bind.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
                Cli run;
                try (RunningDaemon daemon = RunningDaemon.start(pair.configFile)) {
                    // Until the retry (after the backoff's first 10 s) and the alerts this run raises are in.
                    await("the retried switch and the run's alerts").atMost(Duration.ofSeconds(30)).until(() ->
                            daemon.output().contains("traffic switched to bergen-db on retry")
                                    && alerts(alertLog).stream().anyMatch(a -> "replication-broken".equals(a.get("kind").asText()))
                                    && alerts(alertLog).stream().anyMatch(a -> "traffic switched to bergen-db".equals(a.get("event").asText())));
                    run = daemon.stop();
                }
                System.out.println("$ vakt run --config " + cfg + "\n" + run.out() + run.err());
                assertThat(run.out()).containsPattern("traffic retry 1: switching to bergen-db again")
                        .contains("traffic switched to bergen-db on retry 1");
                assertThat(Dig.query("127.0.0.1", bind.port(), "app." + ZONE, "A")).containsExactly(pair.standby.host());

                history = JournalJson.mapper().readTree(
                        PromoteCommandTest.vakt("history", "--config", cfg, "--json", "--limit", "1000").out());
                List<JsonNode> traffic = list(history.get("events")).stream()
                        .filter(e -> "traffic".equals(e.get("kind").asText())).toList();
                assertThat(traffic).filteredOn(e -> e.at("/details/retry").isNumber()).hasSize(1);
                assertThat(traffic).filteredOn(e -> e.at("/details/switch").isTextual())
                        .extracting(e -> e.at("/details/switch").asText()).containsExactly("pending", "switched");

                List<JsonNode> later = alerts(alertLog).subList(3, alerts(alertLog).size());
                assertThat(later).anySatisfy(a -> assertThat(a.get("event").asText()).isEqualTo("traffic switched to bergen-db"));
                // The former primary, read-only without a channel, is rebuilt with rejoin (not replicate), for this config.
                assertThat(later).filteredOn(a -> "replication-broken".equals(a.get("kind").asText())).singleElement()
                        .satisfies(a -> assertThat(a.get("action").asText())
                                .contains("oslo-db is the former primary")
                                .contains("vakt rejoin oslo-db --config " + pair.configFile.toAbsolutePath().normalize())
                                .doesNotContain("vakt replicate"));

                assertThat(PromoteCommandTest.vakt("status", "--config", cfg).out()).doesNotContain("PENDING");

                Cli apply = PromoteCommandTest.vakt("traffic", "apply", "--config", cfg);
                assertThat(apply.exitCode()).isZero();
                assertThat(apply.out()).containsPattern("\\[0] unchanged");
            } finally {
                bind.destroy();
            }
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<JsonNode> alerts(Path log) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(log)) return out;
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) out.add(JSON.readTree(line));
        }
        return out;
    }
}
