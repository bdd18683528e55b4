package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.FailoverMode;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.config.SecretRef;
import no.vakt.db.NodeState;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.detect.PrimaryProbe;
import no.vakt.failover.planned.Switchover;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.roles.LiveRoles;
import no.vakt.traffic.TrafficState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's decisions without I/O: who may call, whether a failover awaits approval, the lag window. */
class ServerLogicTest {
    private static final Instant T0 = Instant.parse("2026-01-01T03:00:00Z");
    private static final Node OSLO = node("oslo-db", Role.PRIMARY);
    private static final Node BERGEN = node("bergen-db", Role.STANDBY);

    @TempDir
    Path dir;

    @Test
    void readsAreOpenToThisMachineAndWritesAlwaysNeedTheToken() throws Exception {
        Path token = Files.writeString(dir.resolve("t"), "s3cret\n");
        Access access = new Access(Optional.of(SecretRef.ofFile(token)), "127.0.0.1");
        InetAddress local = InetAddress.getByName("127.0.0.1");
        InetAddress remote = InetAddress.getByName("192.0.2.10"); // documentation address: never contacted

        assertThat(access.read(local, "127.0.0.1:8787", null)).isEmpty();
        assertThat(access.read(local, "localhost:8787", null)).isEmpty();
        assertThat(access.read(local, "[::1]:8787", null)).isEmpty();
        assertThat(access.read(local, "evil.example:8787", null)).map(Access.Denial::status).contains(403);
        assertThat(access.read(local, null, null)).map(Access.Denial::status).contains(403);
        assertThat(access.read(remote, "vakt.example:8787", null)).map(Access.Denial::status).contains(401);
        assertThat(access.read(remote, "vakt.example:8787", "Bearer s3cret")).isEmpty();
        assertThat(access.read(remote, "vakt.example:8787", "Bearer nope")).map(Access.Denial::status).contains(403);

        assertThat(access.write(null)).map(Access.Denial::status).contains(401);
        assertThat(access.write("Basic czNjcmV0")).map(Access.Denial::status).contains(401);
        assertThat(access.write("Bearer s3cre")).map(Access.Denial::status).contains(403);
        assertThat(access.write("bearer s3cret")).isEmpty();
        // Rotating the file applies at once.
        Files.writeString(token, "n3w\n");
        assertThat(access.write("Bearer s3cret")).map(Access.Denial::status).contains(403);
        assertThat(access.write("Bearer n3w")).isEmpty();
    }

    @Test
    void anUnreadableOrMissingTokenRefusesEveryWrite() throws Exception {
        Access missingFile = new Access(Optional.of(SecretRef.ofFile(dir.resolve("absent"))), "127.0.0.1");
        assertThat(missingFile.write("Bearer x")).map(Access.Denial::status).contains(503);
        Access none = new Access(Optional.empty(), "127.0.0.1");
        assertThat(none.write("Bearer x")).map(Access.Denial::error).contains("writes_disabled");
        assertThat(none.read(InetAddress.getLoopbackAddress(), "localhost", "Bearer stale")).isEmpty();
        assertThat(Access.constantTimeEquals("abc", "abc")).isTrue();
        assertThat(Access.constantTimeEquals("abc", "abcd")).isFalse();
    }

    static final OperatorCommands CMDS = OperatorCommands.of(Path.of("/etc/vakt/shop.yml"), null);

    @Test
    void aFailoverAwaitsApprovalOnlyInManualModeWhileTheConfiguredPrimaryIsFreshlyDown() {
        Duration maxAge = Duration.ofSeconds(5);
        MonitorTick down = tick(T0, PrimaryHealth.DOWN, OSLO, BERGEN);

        Approval yes = Approval.decide(FailoverMode.MANUAL, down, T0.plusSeconds(1), maxAge, null, CMDS);
        assertThat(yes.awaiting()).isTrue();
        assertThat(yes.to()).isEqualTo("bergen-db");
        assertThat(yes.command()).isEqualTo("vakt promote --confirm --config /etc/vakt/shop.yml");
        assertThat(yes.primaryLastHeartbeat()).isEqualTo(T0.minusMillis(300));

        assertThat(Approval.decide(FailoverMode.AUTOMATIC, down, T0, maxAge, null, CMDS).awaiting()).isFalse();
        assertThat(Approval.decide(FailoverMode.NOTIFY_ONLY, down, T0, maxAge, null, CMDS).reason())
                .contains("never promotes");
        assertThat(Approval.decide(FailoverMode.MANUAL, null, T0, maxAge, null, CMDS).reason())
                .contains("not observed");
        assertThat(Approval.decide(FailoverMode.MANUAL, down, T0.plusSeconds(6), maxAge, null, CMDS).reason())
                .contains("6000 ms old");
        assertThat(Approval.decide(FailoverMode.MANUAL, tick(T0, PrimaryHealth.SUSPECT, OSLO, BERGEN), T0, maxAge,
                null, CMDS).reason()).contains("SUSPECT, not DOWN");
        // After a failover the live roles count: bergen down, oslo (rejoined) awaits promotion.
        Approval back = Approval.decide(FailoverMode.MANUAL, tick(T0, PrimaryHealth.DOWN, BERGEN, OSLO), T0, maxAge, null, CMDS);
        assertThat(back.awaiting()).isTrue();
        assertThat(back.to()).isEqualTo("oslo-db");
        assertThat(Approval.decide(FailoverMode.MANUAL, down, T0, maxAge, 7L, CMDS).reason())
                .isEqualTo("failover 7 is running");
    }

    @Test
    void theApprovalCommandNamesTheDaemonsConfigAndItsJournalWhenNotTheDefault() {
        Duration maxAge = Duration.ofSeconds(5);
        MonitorTick down = tick(T0, PrimaryHealth.DOWN, OSLO, BERGEN);
        OperatorCommands withJournal = OperatorCommands.of(Path.of("/etc/vakt/shop.yml"), Path.of("/var/lib/vakt/j.db"));

        assertThat(Approval.decide(FailoverMode.MANUAL, down, T0, maxAge, null, withJournal).command())
                .isEqualTo("vakt promote --confirm --config /etc/vakt/shop.yml --journal /var/lib/vakt/j.db");
        // Nothing to approve: no command to copy, but the reason names the one to run by hand.
        Approval notify = Approval.decide(FailoverMode.NOTIFY_ONLY, down, T0, maxAge, null, CMDS);
        assertThat(notify.command()).isNull();
        assertThat(notify.reason()).contains("use vakt promote --confirm --config /etc/vakt/shop.yml by hand");
        assertThat(Approval.decide(FailoverMode.MANUAL, down, T0, maxAge, null, OperatorCommands.NONE).command())
                .isEqualTo("vakt promote --confirm");
    }

    @Test
    void historyJsonLabelsAFailoverThatEndedWithTrafficPendingRightAfterItsOutcome() {
        FailoverRecord pending = record(1, FailoverEnding.COMPLETED_TRAFFIC_PENDING,
                "traffic pending: oslo-db -> bergen-db, epoch 1; traffic switch failed");
        // The journaled ending decides, not the words of the summary.
        FailoverRecord clean = record(2, FailoverEnding.COMPLETED, "traffic pending: (worded alike) bergen-db is primary");
        FailoverRecord running = new FailoverRecord(3, "shop", T0, null, "oslo-db", "bergen-db", "manual", "operator",
                FailoverOutcome.RUNNING, null, 2, null, List.of());

        List<JsonNode> json = HistoryJson.failovers(List.of(pending, clean, running));
        assertThat(names(json.get(0))).containsSubsequence("outcome", "label", "trafficPending", "ending", "epoch")
                .contains("startedAt", "summary", "steps");
        assertThat(json.get(0).get("outcome").asText()).isEqualTo("completed");
        assertThat(json.get(0).get("ending").asText()).isEqualTo("completed_traffic_pending");
        assertThat(json.get(2).get("ending").isNull()).isTrue();
        assertThat(json.get(0).get("label").asText()).isEqualTo("completed, traffic pending");
        assertThat(json.get(0).get("trafficPending").asBoolean()).isTrue();
        assertThat(json.get(1).get("label").asText()).isEqualTo("completed");
        assertThat(json.get(1).get("trafficPending").asBoolean()).isFalse();
        assertThat(json.get(2).get("label").asText()).isEqualTo("running");
        assertThat(json.get(2).get("summary").isNull()).isTrue();
        // The API's own failover view says the same.
        assertThat(ApiViews.failover(pending)).containsEntry("outcome", "completed")
                .containsEntry("ending", "completed_traffic_pending")
                .containsEntry("label", "completed, traffic pending").containsEntry("traffic_pending", true);
        assertThat(ApiViews.failover(clean)).containsEntry("ending", "completed").containsEntry("traffic_pending", false);
    }

    @Test
    void aSwitchoverThatLeftTrafficPendingIsLabelledSo() {
        var pending = new Switchover.Result(Switchover.Outcome.COMPLETED, "oslo-db", "bergen-db", Duration.ofMillis(80),
                1, "traffic pending: oslo-db -> bergen-db", true);
        var clean = new Switchover.Result(Switchover.Outcome.COMPLETED, "oslo-db", "bergen-db", Duration.ofMillis(80),
                1, "oslo-db -> bergen-db");
        assertThat(OperatorActions.label(pending)).isEqualTo("completed, traffic pending");
        assertThat(OperatorActions.label(clean)).isEqualTo("completed");
        assertThat(OperatorActions.label(new Switchover.Result(Switchover.Outcome.DRY_RUN, "oslo-db", "bergen-db", null,
                0, "dry run"))).isEqualTo("dry run");
    }

    @Test
    void aPendingTrafficSwitchIsTheFirstWarningWithTheCommandForThisConfig() {
        var p = new TrafficState.Pending("shop", "bergen-db", 3, T0, T0.plusSeconds(40), 2, "[0] BADSIG");
        List<String> fromStatus = List.of("file sync: sync to bergen-db failing (/srv/uploads): timeout");

        List<String> warnings = ApiViews.warnings(fromStatus, p, CMDS);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("traffic switch to bergen-db PENDING since " + T0 + " (2 attempts): [0] BADSIG")
                .endsWith("by hand: vakt traffic apply --config /etc/vakt/shop.yml");
        assertThat(warnings.get(1)).isEqualTo(fromStatus.get(0));
        assertThat(ApiViews.warnings(fromStatus, null, CMDS)).isEqualTo(fromStatus);
    }

    private static FailoverRecord record(long id, FailoverEnding ending, String summary) {
        return new FailoverRecord(id, "shop", T0, T0.plusMillis(900), "oslo-db", "bergen-db", "manual", "operator",
                ending.outcome(), ending, id, summary, List.of());
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theLagHistoryKeepsItsWindowAndItsCap() {
        LagHistory h = new LagHistory(Duration.ofMinutes(15), 100);
        for (int i = 0; i < 20 * 60; i++) {
            h.add(new LagSample(T0.plusSeconds(i), (long) i, "HEALTHY", "oslo-db", "bergen-db", true, true, "Yes", "Yes"));
        }
        assertThat(h.size()).isEqualTo(100);
        assertThat(h.latest()).map(LagSample::lagMs).contains(1199L);
        LagHistory wide = new LagHistory();
        for (int i = 0; i < 20 * 60; i++) {
            wide.add(new LagSample(T0.plusSeconds(i), null, "HEALTHY", "oslo-db", "bergen-db", true, true, null, null));
        }
        assertThat(wide.size()).isEqualTo(15 * 60 + 1);
        assertThat(wide.last(Duration.ofMinutes(1))).hasSize(61);
        assertThat(wide.last(Duration.ofMinutes(1)).get(0).at()).isEqualTo(T0.plusSeconds(1199 - 60));
    }

    @Test
    void drillFiguresAreReadFromTheirDetails() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var e = new no.vakt.journal.JournalEvent(3, T0, "shop", no.vakt.journal.EventKind.DRILL, "bergen-db", "drill",
                null, json.valueToTree(Map.of("rto_ms", 4200, "rpo_ms", 0, "passed", true)));
        DrillResult d = DrillResult.from(e);
        assertThat(d.rtoMs()).isEqualTo(4200);
        assertThat(d.rpoMs()).isZero();
        assertThat(d.outcome()).isEqualTo("passed");
        var bare = new no.vakt.journal.JournalEvent(4, T0, "shop", no.vakt.journal.EventKind.DRILL, null, "drill",
                null, json.createObjectNode());
        assertThat(DrillResult.from(bare).rtoMs()).isNull();
    }

    private static MonitorTick tick(Instant at, PrimaryHealth health, Node primary, Node standby) {
        return new MonitorTick(at, new LiveRoles(primary, standby), health,
                health == PrimaryHealth.HEALTHY ? PrimaryProbe.succeeded() : PrimaryProbe.failed("refused"), null,
                NodeState.unreachable(standby, "n/a"), at.minusMillis(300));
    }

    private static Node node(String name, Role role) {
        return new Node(name, role, null, null, new MysqlEndpoint("127.0.45.1", 3306, "vakt", null, "PW", null),
                null, null, null);
    }
}
