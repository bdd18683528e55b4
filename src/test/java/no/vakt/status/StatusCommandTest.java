package no.vakt.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import no.vakt.db.Sql;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** {@code vakt status} against a real pair replicating by plain SQL (not through {@code vakt replicate}). */
class StatusCommandTest {
    @Test
    void reportsALiveReplicatingPairAndAnUnreachableNode() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            Cli.run("heartbeat", "--config", pair.configFile.toString(), "--once");
            String cfg = pair.configFile.toString();

            JsonNode json = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> statusJson(cfg), j -> "Yes".equals(j.at("/nodes/1/sql_thread").asText())
                            && "Yes".equals(j.at("/nodes/1/io_thread").asText())
                            && !j.at("/nodes/1/heartbeat_lag_ms").isNull()
                            && j.at("/nodes/1/gtid_current_pos").equals(j.at("/nodes/0/gtid_current_pos")));

            assertThat(json.get("cluster").asText()).isEqualTo("test");
            assertThat(json.get("all_reachable").asBoolean()).isTrue();
            JsonNode oslo = json.at("/nodes/0");
            assertThat(oslo.get("node").asText()).isEqualTo("oslo-db");
            assertThat(oslo.get("site").asText()).isEqualTo("oslo");
            assertThat(oslo.get("address").asText()).isEqualTo(pair.primary.host() + ":" + pair.primary.port());
            assertThat(oslo.get("live_role").asText()).isEqualTo("primary");
            assertThat(oslo.get("role_mismatch").asBoolean()).isFalse();
            assertThat(oslo.get("server_id").asLong()).isEqualTo(1);
            assertThat(oslo.get("read_only").asBoolean()).isFalse();
            assertThat(oslo.get("replicating_from").isNull()).isTrue();
            assertThat(oslo.get("gtid_current_pos").asText()).matches("0-1-\\d+");
            JsonNode bergen = json.at("/nodes/1");
            assertThat(bergen.get("live_role").asText()).isEqualTo("standby");
            assertThat(bergen.get("configured_role").asText()).isEqualTo("standby");
            assertThat(bergen.get("server_id").asLong()).isEqualTo(2);
            assertThat(bergen.get("read_only").asBoolean()).isTrue();
            assertThat(bergen.get("replicating_from_node").asText()).isEqualTo("oslo-db");
            assertThat(bergen.get("seconds_behind_master").asLong()).isZero();
            assertThat(bergen.get("heartbeat_lag_ms").asLong()).isBetween(0L, 60_000L);
            assertThat(bergen.get("last_error").isNull()).isTrue();

            Cli table = Cli.run("status", "--config", cfg);
            assertThat(table.exitCode()).as(table.err()).isZero();
            assertThat(table.out()).contains("2/2 nodes reachable", "oslo-db", "bergen-db", "standby");

            Cli watch = Cli.run("status", "--config", cfg, "--json", "--watch", "--interval", "100ms", "--count", "2");
            assertThat(watch.exitCode()).isZero();
            assertThat(watch.out().lines().filter(l -> !l.isBlank())).hasSize(2)
                    .allSatisfy(l -> assertThat(l).startsWith("{\"cluster\":\"test\""));

            pair.standby.stop();
            Cli down = Cli.run("status", "--config", cfg, "--json");
            assertThat(down.exitCode()).isEqualTo(1);
            JsonNode after = StatusJson.mapper().readTree(down.out());
            assertThat(after.get("all_reachable").asBoolean()).isFalse();
            assertThat(after.at("/nodes/1/reachable").asBoolean()).isFalse();
            assertThat(after.at("/nodes/1/live_role").asText()).isEqualTo("unknown");
            assertThat(after.at("/nodes/1/error").asText()).isNotBlank();
            assertThat(after.at("/nodes/0/reachable").asBoolean()).isTrue();
        }
    }

    @Test
    void badIntervalIsAUsageError() throws Exception {
        Cli r = Cli.run("status", "--config", "/nonexistent/vakt.yml", "--watch", "--interval", "soon");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--interval");
    }

    private static JsonNode statusJson(String cfg) throws Exception {
        Cli r = Cli.run("status", "--config", cfg, "--json");
        return StatusJson.mapper().readTree(r.out());
    }
}
