package no.vakt.failover;

import static no.vakt.failover.LiveRolesTest.BERGEN;
import static no.vakt.failover.LiveRolesTest.OSLO;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import no.vakt.db.NodeState;
import no.vakt.failover.detect.PrimaryProbe;
import no.vakt.roles.LiveRoles;
import org.junit.jupiter.api.Test;

/** What one tick hands to role resolution: the nodes that did not answer, so they are not asked twice. */
class MonitorNoAnswerTest {
    static final LiveRoles ROLES = new LiveRoles(OSLO, BERGEN);

    static NodeProber.StandbySample standby(NodeState state) {
        return new NodeProber.StandbySample(state, null, null);
    }

    @Test
    void aFailedPrimaryProbeIsTakenAsUnreachableWithItsError() {
        List<NodeState> known = Monitor.noAnswerThisTick(ROLES,
                new NodeProber.PrimarySample(PrimaryProbe.failed("Socket timeout when connecting"), null),
                standby(LiveRolesTest.replicatingFrom(BERGEN, OSLO)));
        assertThat(known).hasSize(1);
        assertThat(known.get(0).node()).isEqualTo(OSLO);
        assertThat(known.get(0).reachable()).isFalse();
        assertThat(known.get(0).error()).contains("Socket timeout when connecting");
    }

    @Test
    void nodesThatAnsweredAreAskedAgain() {
        // The primary answered (HEALTHY, or read-only): resolution inspects it, as at start.
        assertThat(Monitor.noAnswerThisTick(ROLES, new NodeProber.PrimarySample(PrimaryProbe.succeeded(), true),
                standby(LiveRolesTest.writable(BERGEN)))).isEmpty();
    }

    @Test
    void anUnreachableStandbyIsNotAskedAgainEither() {
        NodeState gone = LiveRolesTest.dead(BERGEN);
        List<NodeState> known = Monitor.noAnswerThisTick(ROLES,
                new NodeProber.PrimarySample(PrimaryProbe.failed("refused"), null), standby(gone));
        assertThat(known).extracting(NodeState::node).containsExactly(OSLO, BERGEN);
        assertThat(known.get(1)).isSameAs(gone);
    }
}
