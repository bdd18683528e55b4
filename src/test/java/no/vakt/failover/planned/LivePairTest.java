package no.vakt.failover.planned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import org.junit.jupiter.api.Test;

class LivePairTest {
    static final Node OSLO = node("oslo-db", Role.PRIMARY, "127.0.0.2");
    static final Node BERGEN = node("bergen-db", Role.STANDBY, "127.0.0.3");

    static Node node(String name, Role role, String host) {
        return new Node(name, role, null, null, new MysqlEndpoint(host, 3306, "vakt", null, "X", null), null, null, null);
    }

    static NodeState state(Node node, boolean readOnly, ReplicaStatus replica) {
        return new NodeState(node, true, null, Map.of("read_only", readOnly ? "ON" : "OFF"), Optional.ofNullable(replica),
                null, Map.of(), Map.of());
    }

    static ReplicaStatus from(Node primary, String io, String sql) {
        return new ReplicaStatus(primary.mysql().host(), 3306, io, sql, 0L, 0, "", 0, "", false, "Slave_Pos", Map.of());
    }

    @Test
    void theLiveRolesDecideNotTheConfig() throws Exception {
        // After a switchover: the config's standby is writable and the config's primary follows it.
        LivePair p = LivePair.forSwitchover(state(OSLO, true, from(BERGEN, "Yes", "Yes")), state(BERGEN, false, null));
        assertThat(p.primaryNode()).isEqualTo(BERGEN);
        assertThat(p.standbyNode()).isEqualTo(OSLO);
    }

    @Test
    void refusesWithoutRunningReplicationFromThePrimary() {
        assertThatThrownBy(() -> LivePair.forSwitchover(state(OSLO, false, null), state(BERGEN, true, from(OSLO, "No", "Yes"))))
                .isInstanceOf(LivePair.Refused.class).hasMessageContaining("not running");
        assertThatThrownBy(() -> LivePair.forSwitchover(state(OSLO, false, null), state(BERGEN, true, null)))
                .isInstanceOf(LivePair.Refused.class).hasMessageContaining("bergen-db is idle");
        assertThatThrownBy(() -> LivePair.forSwitchover(state(OSLO, false, null), state(BERGEN, false, null)))
                .isInstanceOf(LivePair.Refused.class).hasMessageContaining("oslo-db is primary, bergen-db is primary");
        Node elsewhere = node("x", Role.PRIMARY, "127.0.0.9");
        assertThatThrownBy(() -> LivePair.forSwitchover(state(OSLO, false, null), state(BERGEN, true, from(elsewhere, "Yes", "Yes"))))
                .isInstanceOf(LivePair.Refused.class).hasMessageContaining("not from oslo-db");
    }

    @Test
    void refusesAnUnreachableNode() {
        assertThatThrownBy(() -> LivePair.forSwitchover(NodeState.unreachable(OSLO, "connection refused"), state(BERGEN, true, null)))
                .isInstanceOf(LivePair.Refused.class).hasMessageContaining("oslo-db does not answer: connection refused");
    }
}
