package no.vakt.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.Severity;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
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

    @Test
    void aStandbyWithoutAChannelPointsAtRejoin() {
        NodeState none = new NodeState(STANDBY, true, null, Map.of(), Optional.empty(), null, Map.of(), Map.of());
        Alert a = seen(none, 3).orElseThrow();
        assertThat(a.evidence()).isEqualTo("bergen-db has no replication channel");
        assertThat(a.action()).contains("vakt rejoin bergen-db");
        assertThat(seen(NodeState.unreachable(STANDBY, "Connection refused"), 3)).as("still broken").isEmpty();
    }
}
