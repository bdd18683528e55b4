package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.roles.LiveRoles;
import org.junit.jupiter.api.Test;

/** The live primary is read from the servers; the config's role: fields only break ties nobody else can. */
class LiveRolesTest {
    static final Node OSLO = node("oslo-db", Role.PRIMARY, "127.0.0.2");
    static final Node BERGEN = node("bergen-db", Role.STANDBY, "127.0.0.3");

    static Node node(String name, Role role, String host) {
        return new Node(name, role, null, null, new MysqlEndpoint(host, 3306, "vakt", null, "X", null), null, null, null);
    }

    static NodeState writable(Node n) {
        return new NodeState(n, true, null, Map.of("read_only", "OFF"), Optional.empty(), null, Map.of(), Map.of());
    }

    static NodeState replicatingFrom(Node n, Node from) {
        ReplicaStatus r = new ReplicaStatus(from.mysql().host(), 3306, "Yes", "Yes", 0L, 0, "", 0, "", false, "Slave_Pos", Map.of());
        return new NodeState(n, true, null, Map.of("read_only", "ON"), Optional.of(r), null, Map.of(), Map.of());
    }

    static NodeState dead(Node n) {
        return NodeState.unreachable(n, "Connection refused");
    }

    @Test
    void theOnlyWritableNodeIsThePrimaryWhateverTheConfigSays() {
        assertThat(LiveRoles.settle(replicatingFrom(OSLO, BERGEN), null, writable(BERGEN), 1L, null)).isEqualTo(BERGEN);
        assertThat(LiveRoles.settle(writable(OSLO), null, replicatingFrom(BERGEN, OSLO), null, null)).isEqualTo(OSLO);
    }

    @Test
    void aDeadPrimaryIsTheNodeItsStandbyStillFollows() {
        // After a failover to bergen and a rejoin of oslo, bergen dies: oslo replicates, so bergen was the primary.
        assertThat(LiveRoles.settle(replicatingFrom(OSLO, BERGEN), null, dead(BERGEN), null, null)).isEqualTo(BERGEN);
        assertThat(LiveRoles.settle(dead(OSLO), null, replicatingFrom(BERGEN, OSLO), null, null)).isEqualTo(OSLO);
    }

    @Test
    void twoWritableNodesAreSettledByTheHigherEpoch() {
        assertThat(LiveRoles.settle(writable(OSLO), 1L, writable(BERGEN), 2L, null)).isEqualTo(BERGEN);
        assertThat(LiveRoles.settle(writable(OSLO), 3L, writable(BERGEN), 2L, null)).isEqualTo(OSLO);
    }

    @Test
    void withNothingToGoOnTheJournalsLastPromotionThenTheConfigDecides() {
        assertThat(LiveRoles.settle(dead(OSLO), null, dead(BERGEN), null, "bergen-db")).isEqualTo(BERGEN);
        assertThat(LiveRoles.settle(dead(OSLO), null, dead(BERGEN), null, null)).isEqualTo(OSLO);
    }
}
