package no.vakt.failover.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.Severity;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.roles.LiveRoles;
import org.junit.jupiter.api.Test;

class AlertingFailoverTriggerTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private static Node node(String name, Role role) {
        return new Node(name, role, null, null, new MysqlEndpoint("127.0.0.9", 3306, "vakt", null, "PW", null),
                null, null, null);
    }

    private final LiveRoles roles = new LiveRoles(node("oslo-db", Role.PRIMARY), node("bergen-db", Role.STANDBY));

    @Test
    void alertsEachAlertingTransitionWithItsEvidenceKindAndNode() {
        List<Alert> sent = new ArrayList<>();
        AlertingFailoverTrigger trigger = new AlertingFailoverTrigger("shop", sent::add);
        trigger.stateChanged(roles, new Transition(T0, PrimaryHealth.HEALTHY, PrimaryHealth.SUSPECT, 1, "1/3"));
        trigger.unreachableFromMonitor(roles, new Transition(T0, PrimaryHealth.SUSPECT,
                PrimaryHealth.UNREACHABLE_FROM_MONITOR, 3, "standby: IO thread Yes"));
        trigger.primaryDown(roles, new Transition(T0, PrimaryHealth.UNREACHABLE_FROM_MONITOR,
                PrimaryHealth.DOWN, 9, "standby: IO thread Connecting"));
        trigger.stateChanged(roles, new Transition(T0, PrimaryHealth.DOWN, PrimaryHealth.HEALTHY, 0, "probe ok"));

        assertThat(sent).extracting(Alert::severity)
                .containsExactly(Severity.WARNING, Severity.CRITICAL, Severity.INFO);
        assertThat(sent.get(0).action()).contains("no failover");
        assertThat(sent.get(1).event()).isEqualTo("primary oslo-db down");
        assertThat(sent.get(1).evidence()).isEqualTo("standby: IO thread Connecting");
        assertThat(sent).extracting(Alert::kind).containsExactly(AlertKind.PRIMARY_UNREACHABLE_FROM_MONITOR,
                AlertKind.PRIMARY_DOWN, AlertKind.PRIMARY_REACHABLE_AGAIN);
        assertThat(sent).extracting(Alert::node).containsOnly("oslo-db");
        assertThat(sent.get(2).kind().resolves(sent.get(1).kind())).isTrue();
    }

    @Test
    void theDownAlertNamesTheApproveCommandWithTheDaemonsConfig() {
        List<Alert> sent = new ArrayList<>();
        new AlertingFailoverTrigger("shop", sent::add, no.vakt.cluster.OperatorCommands.of(
                java.nio.file.Path.of("/srv/shop config/vakt.yml"), java.nio.file.Path.of("/var/lib/vakt/journal.db")))
                .primaryDown(roles, new Transition(T0, PrimaryHealth.SUSPECT, PrimaryHealth.DOWN, 3, "standby lost it"));
        assertThat(sent.get(0).action()).contains("manual waits for `vakt promote --confirm --config"
                + " '/srv/shop config/vakt.yml' --journal /var/lib/vakt/journal.db`");
    }
}
