package no.vakt.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.ConfigLoader;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.filesync.FileSyncSnapshot;
import no.vakt.lab.LabConfigTemplate;
import org.junit.jupiter.api.Test;

class StatusReportTest {
    static final Instant AT = Instant.parse("2026-01-02T03:04:05.678Z");
    static final VaktConfig CONFIG = ConfigLoader.parse(Path.of("/tmp/status-test/vakt.yml"),
            new LabConfigTemplate("lab", "127.0.10.1", 3306, "127.0.20.1", 3306, "vakt", Path.of("admin.pw"), "repl",
                    Path.of("repl.pw"), List.of("shop"), "automatic", null, false, "127.0.0.1").render());
    static final Node OSLO = CONFIG.primary();
    static final Node BERGEN = CONFIG.standby();

    static NodeState writable(Node node, int serverId, String gtid) {
        return state(node, serverId, false, gtid, Optional.empty(), 40L);
    }

    static NodeState replicaOf(Node node, int serverId, Node source, String io, String sql, Long sbm, Long hbLag,
            String ioError) {
        ReplicaStatus r = new ReplicaStatus(source.mysql().host(), source.mysql().port(), io, sql, sbm,
                ioError.isEmpty() ? 0 : 1045, ioError, 0, "", false, "Slave_Pos", Map.of());
        return state(node, serverId, true, "0-1-42", Optional.of(r), hbLag);
    }

    static NodeState state(Node node, int serverId, boolean readOnly, String gtid, Optional<ReplicaStatus> replica,
            Long hbLag) {
        Map<String, String> vars = new HashMap<>();
        vars.put("server_id", Integer.toString(serverId));
        vars.put("read_only", readOnly ? "ON" : "OFF");
        vars.put("gtid_current_pos", gtid);
        vars.put("gtid_binlog_pos", gtid);
        vars.put("gtid_slave_pos", replica.isPresent() ? gtid : "");
        vars.put("version", "10.11.19-MariaDB");
        return new NodeState(node, true, null, vars, replica, hbLag, Map.of(), Map.of());
    }

    static StatusReport report(NodeState... states) {
        return StatusReport.from(CONFIG, List.of(states), AT);
    }

    @Test
    void healthyPairHasLiveRolesMatchingTheConfigAndNoWarnings() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"),
                replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 180L, ""));

        assertThat(r.allReachable()).isTrue();
        assertThat(r.warnings()).isEmpty();
        NodeStatus oslo = r.nodes().get(0);
        NodeStatus bergen = r.nodes().get(1);
        assertThat(oslo.liveRole()).isEqualTo("primary");
        assertThat(oslo.roleMismatch()).isFalse();
        assertThat(oslo.replicatingFrom()).isNull();
        assertThat(bergen.liveRole()).isEqualTo("standby");
        assertThat(bergen.replicatingFrom()).isEqualTo("127.0.10.1:3306");
        assertThat(bergen.replicatingFromNode()).isEqualTo("oslo-db");
        // oslo's newest row is 40 ms old, bergen's 180 ms: bergen is 140 ms behind oslo.
        assertThat(bergen.heartbeatLagMs()).isEqualTo(140L);
        assertThat(bergen.heartbeatLagBasis()).isEqualTo("source");
        assertThat(bergen.heartbeatAgeMs()).isEqualTo(180L);
        assertThat(bergen.secondsBehindMaster()).isZero();
        assertThat(oslo.heartbeatLagMs()).isNull();
        assertThat(oslo.heartbeatLagBasis()).isNull();
        assertThat(oslo.heartbeatAgeMs()).isEqualTo(40L);
        assertThat(oslo.semiSync()).isEqualTo("off");
        assertThat(bergen.semiSync()).isEqualTo("off");

        String table = StatusTable.render(r);
        assertThat(table).contains("Cluster lab: 2/2 nodes reachable (2026-01-02T03:04:05.678Z)")
                .contains("No problems seen.");
        assertThat(line(table, "bergen-db")).contains("standby", "yes", "ON", "0-1-42", "Yes", "140 ms", "0 s")
                .doesNotContain("(age)");
        assertThat(line(table, "oslo-db")).contains("primary", "OFF").doesNotContain("!").doesNotContain(" ms");
    }

    @Test
    void unreachableNodeIsUnknownAndFailsTheReport() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"),
                NodeState.unreachable(BERGEN, "Socket fail to connect to 127.0.20.1:3306. Connection refused"));

        assertThat(r.allReachable()).isFalse();
        NodeStatus bergen = r.nodes().get(1);
        assertThat(bergen.reachable()).isFalse();
        assertThat(bergen.liveRole()).isEqualTo("unknown");
        assertThat(bergen.roleMismatch()).isFalse();
        assertThat(bergen.readOnly()).isNull();
        assertThat(bergen.error()).contains("Connection refused");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("bergen-db", "unreachable", "refused"));
        assertThat(line(StatusTable.render(r), "bergen-db")).contains("unknown", "NO", "Connection refused");
    }

    @Test
    void nodeWithoutAProbeResultCountsAsUnreachable() {
        StatusReport r = report(writable(OSLO, 1, "0-1-1"));
        assertThat(r.allReachable()).isFalse();
        assertThat(r.nodes().get(1).error()).isEqualTo("not probed");
    }

    @Test
    void replicaWithAnIoErrorShowsTheErrorAndAWarning() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"),
                replicaOf(BERGEN, 2, OSLO, "Connecting", "Yes", null, 5000L,
                        "error connecting to master 'repl@127.0.10.1:3306' - retry-time: 60"));

        NodeStatus bergen = r.nodes().get(1);
        assertThat(bergen.liveRole()).isEqualTo("standby");
        assertThat(bergen.ioThread()).isEqualTo("Connecting");
        assertThat(bergen.lastError()).startsWith("IO 1045: error connecting to master");
        assertThat(bergen.secondsBehindMaster()).isNull();
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w)
                .contains("bergen-db replication is not running (IO thread Connecting, SQL thread Yes)", "IO 1045"));
        assertThat(line(StatusTable.render(r), "bergen-db")).contains("Connecting", "NULL", "IO 1045");
    }

    @Test
    void heartbeatLagOverTheRpoIsFlaggedEvenWhenSecondsBehindMasterSaysZero() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"), replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 7340L, ""));

        assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("bergen-db heartbeat lag 7300 ms is over the RPO of 1s", "Seconds_Behind_Master says 0"));
        assertThat(line(StatusTable.render(r), "bergen-db")).contains("7300 ms", "0 s");
    }

    @Test
    void aStoppedHeartbeatWriterIsNotLag() {
        // `vakt heartbeat --duration 3s` ended 12 s ago: the newest row is 12 s old on both nodes.
        NodeState oslo = state(OSLO, 1, false, "0-1-42", Optional.empty(), 12_000L);
        StatusReport r = report(oslo, replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 12_039L, ""));

        NodeStatus bergen = r.nodes().get(1);
        assertThat(bergen.heartbeatLagMs()).isEqualTo(39L);
        assertThat(bergen.heartbeatLagBasis()).isEqualTo("source");
        assertThat(bergen.heartbeatAgeMs()).isEqualTo(12_039L);
        assertThat(r.nodes().get(0).heartbeatLagMs()).isNull();
        assertThat(r.warnings()).singleElement().isEqualTo("heartbeat writer stopped: newest row 12000 ms old on"
                + " oslo-db (expected every 250ms), so lag is measured only up to that row; is `vakt run` or"
                + " `vakt heartbeat` running?");
        String table = StatusTable.render(r);
        assertThat(line(table, "bergen-db")).contains("39 ms").doesNotContain("12039");
        assertThat(line(table, "oslo-db")).doesNotContain("12000").doesNotContain(" ms");
        assertThat(table).doesNotContain("No problems seen.");
    }

    @Test
    void aWriterWithinFourBeatsIsRunning() {
        // The lab writes every 250 ms: a row up to 2 s old is a late beat, not a stopped writer.
        StatusReport r = report(state(OSLO, 1, false, "0-1-42", Optional.empty(), 1_900L),
                replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 2_000L, ""));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void whenThePrimaryDoesNotAnswerTheLagIsTheRawAgeAndSaysSo() {
        StatusReport r = report(NodeState.unreachable(OSLO, "Connection refused"),
                replicaOf(BERGEN, 2, OSLO, "Connecting", "Yes", null, 4_200L, ""));

        NodeStatus bergen = r.nodes().get(1);
        assertThat(bergen.heartbeatLagMs()).isEqualTo(4_200L);
        assertThat(bergen.heartbeatLagBasis()).isEqualTo("age");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).isEqualTo("bergen-db heartbeat lag 4200 ms is over the"
                + " RPO of 1s (the age of its newest heartbeat row: oslo-db does not answer, so this also counts any"
                + " time no writer was running)"));
        assertThat(line(StatusTable.render(r), "bergen-db")).contains("4200 ms (age)");
    }

    @Test
    void aPrimaryWithHeartbeatRowsThatTheStandbyLacksPointsAtReplicationNotTheWriter() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"), replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, null, ""));
        assertThat(r.warnings()).singleElement().asString()
                .contains("bergen-db has no heartbeat row although oslo-db has").doesNotContain("start `vakt");
    }

    @Test
    void semiSyncFallbackOnThePrimaryIsShownAndWarned() {
        NodeState oslo = writable(OSLO, 1, "0-1-42");
        oslo.variables().put("rpl_semi_sync_master_enabled", "ON");
        NodeState fellBack = new NodeState(OSLO, true, null, oslo.variables(), Optional.empty(), 40L, Map.of(),
                Map.of("rpl_semi_sync_master_status", "OFF", "rpl_semi_sync_master_clients", "0",
                        "rpl_semi_sync_master_no_tx", "3"));
        NodeState bergen = replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 100L, "");
        bergen.variables().put("rpl_semi_sync_slave_enabled", "ON");
        bergen = new NodeState(BERGEN, true, null, bergen.variables(), bergen.replica(), 100L, Map.of(),
                Map.of("rpl_semi_sync_slave_status", "ON"));

        StatusReport r = report(fellBack, bergen);
        assertThat(r.nodes()).extracting(NodeStatus::semiSync).containsExactly("fallback", "on");
        assertThat(r.warnings()).singleElement().asString()
                .startsWith("oslo-db semi-sync FELL BACK to asynchronous (Rpl_semi_sync_master_status OFF, 3 commits"
                        + " without ack, 0 semi-sync clients)")
                .contains("RPO not zero");
        assertThat(line(StatusTable.render(r), "oslo-db")).contains("fallback !");

        NodeState active = new NodeState(OSLO, true, null, oslo.variables(), Optional.empty(), 40L, Map.of(),
                Map.of("rpl_semi_sync_master_status", "ON", "rpl_semi_sync_master_clients", "1"));
        StatusReport ok = report(active, bergen);
        assertThat(ok.nodes().get(0).semiSync()).isEqualTo("on");
        assertThat(ok.warnings()).isEmpty();
    }

    @Test
    void semiSyncConfiguredButOffIsWarnedOnBothSides() {
        VaktConfig semi = ConfigLoader.parse(Path.of("/tmp/status-test/vakt.yml"),
                new LabConfigTemplate("lab", "127.0.10.1", 3306, "127.0.20.1", 3306, "vakt", Path.of("admin.pw"), "repl",
                        Path.of("repl.pw"), List.of("shop"), "automatic", null, true, "127.0.0.1").render());
        StatusReport r = StatusReport.from(semi, List.of(writable(semi.primary(), 1, "0-1-42"),
                replicaOf(semi.standby(), 2, semi.primary(), "Yes", "Yes", 0L, 100L, "")), AT);
        assertThat(r.warnings()).containsExactly(
                "replication.semi-sync is true but oslo-db has rpl_semi_sync_master_enabled OFF: replication is"
                        + " asynchronous (run `vakt replicate`)",
                "replication.semi-sync is true but bergen-db has rpl_semi_sync_slave_enabled OFF: it never"
                        + " acknowledges, so its primary falls back to asynchronous (run `vakt replicate`)");
    }

    @Test
    void missingHeartbeatMeansUnknownLag() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"), replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, null, ""));
        assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w).contains("no heartbeat"));
        assertThat(line(StatusTable.render(r), "bergen-db")).contains(" - ");
    }

    @Test
    void afterAFailoverTheLiveRolesDifferFromTheConfig() {
        StatusReport r = report(replicaOf(OSLO, 1, BERGEN, "Yes", "Yes", 0L, 90L, ""),
                writable(BERGEN, 2, "0-2-7"));

        assertThat(r.nodes()).extracting(NodeStatus::liveRole).containsExactly("standby", "primary");
        assertThat(r.nodes()).allSatisfy(n -> assertThat(n.roleMismatch()).isTrue());
        assertThat(r.warnings()).contains(
                "oslo-db is configured as primary but is live standby (replicating from bergen-db)",
                "bergen-db is configured as standby but is live primary (writable, replicating from nobody)");
        String table = StatusTable.render(r);
        assertThat(line(table, "oslo-db")).contains("standby !", "primary");
        assertThat(line(table, "bergen-db")).contains("primary !", "standby");
    }

    @Test
    void aStandbyNotYetReplicatingIsIdle() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"),
                state(BERGEN, 2, true, "", Optional.empty(), null));

        NodeStatus bergen = r.nodes().get(1);
        assertThat(bergen.liveRole()).isEqualTo("idle");
        assertThat(bergen.roleMismatch()).isTrue();
        assertThat(r.warnings()).containsExactly(
                "bergen-db is configured as standby but is live idle (read-only, replicating from nobody):"
                        + " set it up with `vakt replicate`");
    }

    @Test
    void twoWritablePrimariesAreSplitBrain() {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"), writable(BERGEN, 2, "0-2-3"));
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("2 writable primaries", "split-brain"));
    }

    @Test
    void writableReplicaIsFlagged() {
        NodeState bergen = replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 100L, "");
        bergen.variables().put("read_only", "OFF");
        StatusReport r = report(writable(OSLO, 1, "0-1-42"), bergen);
        assertThat(r.nodes().get(1).liveRole()).isEqualTo("standby");
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("replicates but is writable"));
    }

    @Test
    void jsonHasEveryDocumentedFieldInSnakeCase() throws Exception {
        StatusReport r = report(writable(OSLO, 1, "0-1-42"),
                NodeState.unreachable(BERGEN, "Connection refused"));
        JsonNode json = StatusJson.mapper().readTree(StatusJson.pretty(r));

        assertThat(fieldNames(json)).containsExactly("cluster", "generated_at", "all_reachable", "nodes", "warnings");
        assertThat(json.get("all_reachable").asBoolean()).isFalse();
        assertThat(json.get("generated_at").asText()).isEqualTo("2026-01-02T03:04:05.678Z");
        for (JsonNode n : json.get("nodes")) {
            assertThat(fieldNames(n)).containsExactly("site", "node", "address", "configured_role", "live_role",
                    "role_mismatch", "reachable", "error", "server_id", "version", "read_only", "gtid_current_pos",
                    "gtid_binlog_pos", "gtid_slave_pos", "replicating_from", "replicating_from_node", "io_thread",
                    "sql_thread", "heartbeat_lag_ms", "heartbeat_lag_basis", "heartbeat_age_ms",
                    "seconds_behind_master", "semi_sync", "last_error");
        }
        JsonNode oslo = json.get("nodes").get(0);
        assertThat(oslo.get("server_id").asLong()).isEqualTo(1);
        assertThat(oslo.get("read_only").asBoolean()).isFalse();
        assertThat(oslo.get("live_role").asText()).isEqualTo("primary");
        assertThat(oslo.get("io_thread").isNull()).isTrue();
        JsonNode bergen = json.get("nodes").get(1);
        assertThat(bergen.get("reachable").asBoolean()).isFalse();
        assertThat(bergen.get("server_id").isNull()).isTrue();
        assertThat(bergen.get("error").asText()).isEqualTo("Connection refused");
        assertThat(StatusJson.compact(r)).doesNotContain("\n");
    }

    static final VaktConfig WITH_FILES = ConfigLoader.parse(Path.of("/tmp/status-test/vakt.yml"),
            new LabConfigTemplate("lab", "127.0.10.1", 3306, "127.0.20.1", 3306, "vakt", Path.of("admin.pw"), "repl",
                    Path.of("repl.pw"), List.of("shop"), "automatic", null, false, "127.0.0.1")
                    .render("files:\n  directories:\n    - path: /srv/uploads\n      target: /srv/uploads\n"
                            + "  ssh:\n    user: vakt\n    identity-file: ssh/id\n"));

    static final ObjectMapper SNAPSHOT_JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * A snapshot as the running sync writes it to .vakt/filesync-status.json (the fields that matter
     * here): file sync judges its own problems; status relays them.
     */
    static Optional<FileSyncSnapshot> snapshot(Instant at, String deleteGuard, String... problems) throws Exception {
        ObjectNode o = SNAPSHOT_JSON.createObjectNode();
        o.put("generated_at", at.toString());
        o.put("state", "running");
        o.put("source", "oslo-db");
        o.put("target", "bergen-db");
        ArrayNode p = o.putArray("problems");
        for (String problem : problems) p.add(problem);
        ObjectNode d = o.putArray("directories").addObject();
        d.put("source", "/srv/uploads");
        d.put("target", "bergen-db:/srv/uploads");
        d.put("state", "watching");
        d.put("delete_guard", deleteGuard);
        return Optional.of(SNAPSHOT_JSON.treeToValue(o, FileSyncSnapshot.class));
    }

    static StatusReport withFiles(Optional<FileSyncSnapshot> files) {
        return StatusReport.from(WITH_FILES, List.of(writable(WITH_FILES.primary(), 1, "0-1-42"),
                replicaOf(WITH_FILES.standby(), 2, WITH_FILES.primary(), "Yes", "Yes", 0L, 180L, "")), AT, files);
    }

    @Test
    void fileSyncProblemsAreProblemsOfTheStatus() throws Exception {
        assertThat(withFiles(snapshot(AT, null)).warnings()).isEmpty();
        assertThat(StatusTable.render(withFiles(snapshot(AT, null)))).contains("No problems seen.");

        StatusReport held = withFiles(snapshot(AT.minusSeconds(1), "the source directory is empty",
                "deletions on bergen-db held back (/srv/uploads): the source directory is empty",
                "sync to bergen-db failing (/srv/uploads): receiver: Connection reset by peer"));
        assertThat(held.warnings()).containsExactly(
                "file sync: deletions on bergen-db held back (/srv/uploads): the source directory is empty",
                "file sync: sync to bergen-db failing (/srv/uploads): receiver: Connection reset by peer");
        assertThat(StatusTable.render(held)).doesNotContain("No problems seen.")
                .contains("! file sync: deletions on bergen-db held back");
    }

    @Test
    void aFileSyncThatStoppedWritingItsStatusIsAProblemAndItsLastWordsAreOnlyWhatWas() throws Exception {
        // 60 s without a status: whatever wrote it is gone.
        StatusReport gone = withFiles(snapshot(AT.minusSeconds(60), "the source directory is empty",
                "deletions on bergen-db held back (/srv/uploads): the source directory is empty"));
        assertThat(gone.warnings()).singleElement().asString()
                .startsWith("file sync is not running (no status for 1m): nothing is copied to the standby")
                .endsWith("when it last wrote: deletions on bergen-db held back (/srv/uploads): the source directory"
                        + " is empty");
        // No status file at all: the sync may run on another host; the file sync line says "not running".
        assertThat(withFiles(Optional.empty()).warnings()).isEmpty();
        // Without files: in the config a stray status file means nothing.
        assertThat(StatusReport.from(CONFIG, List.of(writable(OSLO, 1, "0-1-42"),
                replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 180L, "")), AT,
                snapshot(AT, "the source directory is empty", "deletions held back")).warnings()).isEmpty();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String line(String table, String node) {
        return table.lines().filter(l -> l.contains(" " + node + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + node + " in\n" + table));
    }
}
