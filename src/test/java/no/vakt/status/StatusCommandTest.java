package no.vakt.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.db.Sql;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.SyncedUploads;
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
    void aStoppedHeartbeatWriterIsNotLagAndWithoutItsPrimaryTheStandbyShowsItsRawAge() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            String cfg = pair.configFile.toString();
            // The last beat of a writer that stopped 12 s ago (as `vakt heartbeat --duration 3s` leaves it),
            // replicated like any beat. The standby is fully caught up: its lag is nil.
            TestPair.sql(pair.primary, "REPLACE INTO vakt.heartbeat (server_id, ts, epoch)"
                    + " VALUES (@@server_id, UTC_TIMESTAMP(6) - INTERVAL 12 SECOND, 0)");
            ReplicationFixture.awaitCaughtUp(pair);

            JsonNode json = statusJson(cfg);
            JsonNode oslo = json.at("/nodes/0");
            JsonNode bergen = json.at("/nodes/1");
            assertThat(oslo.get("heartbeat_lag_ms").isNull()).as(json.toPrettyString()).isTrue();
            assertThat(oslo.get("heartbeat_lag_basis").isNull()).isTrue();
            assertThat(oslo.get("heartbeat_age_ms").asLong()).isBetween(12_000L, 60_000L);
            assertThat(bergen.get("heartbeat_age_ms").asLong()).isBetween(12_000L, 60_000L);
            assertThat(bergen.get("heartbeat_lag_basis").asText()).isEqualTo("source");
            assertThat(bergen.get("heartbeat_lag_ms").asLong()).isBetween(0L, 999L);
            assertThat(bergen.get("semi_sync").asText()).isEqualTo("off");
            List<String> warnings = texts(json.get("warnings"));
            assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("heartbeat writer stopped: newest row ")
                    .contains(" ms old on oslo-db"));
            assertThat(warnings).noneMatch(w -> w.contains("over the RPO"));

            Cli table = Cli.run("status", "--config", cfg);
            assertThat(line(table.out(), "oslo-db")).doesNotContain(" ms");
            assertThat(line(table.out(), "bergen-db")).doesNotContain("(age)").containsPattern("\\b\\d{1,3} ms");

            // The primary stops answering: the standby's own age is the only figure, and it says so.
            pair.primary.stop();
            JsonNode down = statusJson(cfg);
            assertThat(down.at("/nodes/1/heartbeat_lag_basis").asText()).isEqualTo("age");
            assertThat(down.at("/nodes/1/heartbeat_lag_ms").asLong()).isGreaterThanOrEqualTo(12_000L);
            assertThat(texts(down.get("warnings"))).anySatisfy(w -> assertThat(w).startsWith("bergen-db heartbeat lag ")
                    .contains("the age of its newest heartbeat row: oslo-db does not answer"));
            assertThat(line(Cli.run("status", "--config", cfg).out(), "bergen-db")).contains(" ms (age)");
        }
    }

    @Test
    void deletesTheGuardHoldsBackAreAProblemNotSilence() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            try (SyncedUploads files = SyncedUploads.start(pair, null)) {
                // The source is there but empty (an unmounted volume looks like this); the standby has files.
                Path source = files.oslo;
                Path target = files.bergen;
                for (int i = 0; i < 20; i++) Files.writeString(target.resolve("photo-" + i + ".jpg"), "jpeg " + i);
                String cfg = pair.configFile.toString();

                // The real live sync, bounded, writing the status file vakt status reads.
                AtomicReference<Cli> sync = new AtomicReference<>();
                Thread watcher = new Thread(() -> sync.set(Cli.run("sync", "--watch", "--duration", "15s",
                        "--config", cfg)), "status-test-sync");
                watcher.start();
                try {
                    Cli held = await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        Cli.run("heartbeat", "--config", cfg, "--once");
                        return Cli.run("status", "--config", cfg);
                    }, c -> c.out().contains("DELETES HELD BACK"));
                    assertThat(held.out()).doesNotContain("No problems seen.")
                            .containsPattern("(?m)^! file sync: .*held back.*empty");
                    // The exit code stays the documented one: every node answered.
                    assertThat(held.exitCode()).isZero();
                    JsonNode json = statusJson(cfg);
                    assertThat(texts(json.get("warnings"))).anyMatch(w -> w.startsWith("file sync: ") && w.contains("held back"));
                    assertThat(json.at("/file_sync/directories/0/delete_guard").asText()).contains("empty");
                    assertThat(target.resolve("photo-7.jpg")).exists();
                    assertThat(source).isEmptyDirectory();
                } finally {
                    watcher.interrupt(); // seen what it shows: stop it (it closes as on SIGTERM) rather than sit out --duration
                    watcher.join(Duration.ofSeconds(30).toMillis());
                }
                assertThat(watcher.isAlive()).isFalse();
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String line(String table, String node) {
        return table.lines().filter(l -> l.contains(" " + node + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + node + " in\n" + table));
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
