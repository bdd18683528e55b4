package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.replication.SemiSyncState;
import org.junit.jupiter.api.Test;

class ReplicationWatchTest {
    private static final Node STANDBY = new Node("bergen-db", Role.STANDBY, null, null,
            new MysqlEndpoint("127.0.0.9", 3306, "vakt", null, "PW", null), null, null, null);

    private final ReplicationWatch watch = new ReplicationWatch("shop", Duration.ofSeconds(1), 3);

    private static NodeState standby(String io, String sql, Long lagMs, String sqlError) {
        ReplicaStatus r = new ReplicaStatus("127.0.0.8", 3306, io, sql, 0L, 0, "", sqlError.isEmpty() ? 0 : 1062, sqlError,
                false, "Slave_Pos", Map.of());
        return new NodeState(STANDBY, true, null, Map.of(), Optional.of(r), lagMs, Map.of(), Map.of());
    }

    private Optional<Alert> seen(NodeState s, int times) {
        Optional<Alert> last = Optional.empty();
        for (int i = 0; i < times; i++) {
            Optional<Alert> a = watch.observe(s, PrimaryHealth.HEALTHY, "oslo-db");
            if (a.isPresent()) last = a;
        }
        return last;
    }

    @Test
    void aStoppedSqlThreadIsBrokenAfterTheConfirmationsAndItsRecoveryIsReported() {
        NodeState broken = standby("Yes", "No", 40L, "Duplicate entry '7' for key 'PRIMARY'");
        assertThat(seen(broken, 2)).as("two looks are not yet a condition").isEmpty();
        Alert a = seen(broken, 1).orElseThrow();
        assertThat(a.kind()).isEqualTo(AlertKind.REPLICATION_BROKEN);
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(a.node()).isEqualTo("bergen-db");
        assertThat(a.evidence()).contains("SQL thread No").contains("SQL 1062: Duplicate entry");
        assertThat(seen(broken, 5)).as("said once").isEmpty();

        Alert ok = seen(standby("Yes", "Yes", 40L, ""), 3).orElseThrow();
        assertThat(ok.kind()).isEqualTo(AlertKind.REPLICATION_HEALTHY);
        assertThat(ok.evidence()).contains("was broken");
    }

    @Test
    void lagAboveTheRpoIsAWarningAndAnUnhealthyPrimaryIsNotJudged() {
        NodeState lagging = standby("Yes", "Yes", 4000L, "");
        seen(lagging, 2);
        watch.observe(lagging, PrimaryHealth.SUSPECT, "oslo-db");
        assertThat(seen(lagging, 2)).as("a look while the primary is suspect breaks the run").isEmpty();
        Alert a = seen(lagging, 1).orElseThrow();
        assertThat(a.kind()).isEqualTo(AlertKind.REPLICATION_LAG);
        assertThat(a.severity()).isEqualTo(Severity.WARNING);
        assertThat(a.evidence()).contains("heartbeat lag 4000 ms > RPO 1000 ms");
    }

    private static final OperatorCommands COMMANDS = OperatorCommands.of(java.nio.file.Path.of("/etc/vakt/shop.yml"), null);

    private static SemiSyncState fellBack() {
        return SemiSyncState.of(Map.of("rpl_semi_sync_master_enabled", "ON"),
                Map.of("rpl_semi_sync_master_status", "OFF", "rpl_semi_sync_master_no_tx", "4", "rpl_semi_sync_master_clients", "0"));
    }

    private static Optional<Alert> seen(ReplicationWatch w, NodeState s, SemiSyncState semi, int times) {
        Optional<Alert> last = Optional.empty();
        for (int i = 0; i < times; i++) {
            Optional<Alert> a = w.observe(s, PrimaryHealth.HEALTHY, "oslo-db", semi);
            if (a.isPresent()) last = a;
        }
        return last;
    }

    @Test
    void theFormerPrimaryGoneAfterAFailoverIsRebuiltWithRejoinForThisConfig() {
        ReplicationWatch w = new ReplicationWatch("shop", Duration.ofSeconds(1), 3, COMMANDS, true);
        Alert a = seen(w, NodeState.unreachable(STANDBY, "Connection refused"), null, 3).orElseThrow();
        assertThat(a.kind()).isEqualTo(AlertKind.REPLICATION_BROKEN);
        assertThat(a.action()).contains("bergen-db is the former primary")
                .endsWith("make it the standby of oslo-db with: vakt rejoin bergen-db --config /etc/vakt/shop.yml")
                .doesNotContain("vakt replicate");

        ReplicationWatch none = new ReplicationWatch("shop", Duration.ofSeconds(1), 3, COMMANDS, true);
        Alert noChannel = seen(none, new NodeState(STANDBY, true, null, Map.of(), Optional.empty(), null, Map.of(), Map.of()),
                null, 3).orElseThrow();
        assertThat(noChannel.action()).endsWith("vakt rejoin bergen-db --config /etc/vakt/shop.yml").doesNotContain("if ");
    }

    @Test
    void anUnreachableStandbyThatNeverWasPrimaryIsFixedWithReplicateForThisConfig() {
        ReplicationWatch w = new ReplicationWatch("shop", Duration.ofSeconds(1), 3, COMMANDS, false);
        Alert a = seen(w, NodeState.unreachable(STANDBY, "Connection refused"), null, 3).orElseThrow();
        assertThat(a.action()).contains("a failover now would lose data")
                .endsWith("then vakt replicate --config /etc/vakt/shop.yml").doesNotContain("rejoin");
    }

    @Test
    void aSemiSyncFallbackIsAWarningUntilAcknowledgementsResume() {
        ReplicationWatch w = new ReplicationWatch("shop", Duration.ofSeconds(1), 3, COMMANDS, false);
        NodeState ok = standby("Yes", "Yes", 40L, "");
        assertThat(seen(w, ok, fellBack(), 2)).isEmpty();
        Alert a = seen(w, ok, fellBack(), 1).orElseThrow();
        assertThat(a.kind()).isEqualTo(AlertKind.SEMI_SYNC_FALLBACK);
        assertThat(a.severity()).isEqualTo(Severity.WARNING);
        assertThat(a.node()).isEqualTo("bergen-db");
        assertThat(a.evidence()).startsWith("oslo-db semi-sync FELL BACK to asynchronous (Rpl_semi_sync_master_status OFF, 4"
                + " commits without ack, 0 semi-sync clients)");
        assertThat(seen(w, ok, null, 5)).as("semi-sync not read this tick: no change").isEmpty();
        SemiSyncState on = SemiSyncState.of(Map.of("rpl_semi_sync_master_enabled", "ON"),
                Map.of("rpl_semi_sync_master_status", "ON", "rpl_semi_sync_master_clients", "1"));
        Alert back = seen(w, ok, on, 3).orElseThrow();
        assertThat(back.kind()).isEqualTo(AlertKind.REPLICATION_HEALTHY);
        assertThat(back.evidence()).endsWith(", semi-sync on (was semi-sync fallback)");
        // Semi-sync switched off on purpose is no fallback.
        SemiSyncState off = SemiSyncState.of(Map.of("rpl_semi_sync_master_enabled", "OFF"), Map.of());
        assertThat(seen(w, ok, off, 5)).isEmpty();
    }

    @Test
    void brokenReplicationIsTheAlertWhenItAlsoCausedTheFallback() {
        ReplicationWatch w = new ReplicationWatch("shop", Duration.ofSeconds(1), 3, COMMANDS, false);
        Alert a = seen(w, standby("No", "Yes", 40L, ""), fellBack(), 3).orElseThrow();
        assertThat(a.kind()).isEqualTo(AlertKind.REPLICATION_BROKEN);
        assertThat(a.action()).endsWith("then vakt replicate --config /etc/vakt/shop.yml");
    }

    @Test
    void aStandbyWithoutAChannelPointsAtRejoin() {
        NodeState none = new NodeState(STANDBY, true, null, Map.of(), Optional.empty(), null, Map.of(), Map.of());
        Alert a = seen(none, 3).orElseThrow();
        assertThat(a.evidence()).isEqualTo("bergen-db has no replication channel");
        assertThat(a.action()).contains("vakt rejoin bergen-db");
        assertThat(seen(NodeState.unreachable(STANDBY, "Connection refused"), 3)).as("still broken").isEmpty();
    }
}
