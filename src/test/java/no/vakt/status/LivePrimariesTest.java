package no.vakt.status;

import static no.vakt.status.StatusReportTest.BERGEN;
import static no.vakt.status.StatusReportTest.OSLO;
import static no.vakt.status.StatusReportTest.replicaOf;
import static no.vakt.status.StatusReportTest.state;
import static no.vakt.status.StatusReportTest.writable;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import no.vakt.db.NodeState;
import no.vakt.roles.LivePrimaries;
import org.junit.jupiter.api.Test;

class LivePrimariesTest {

    @Test
    void theOneWritableNodeIsTheLivePrimary() {
        LivePrimaries live = LivePrimaries.of(List.of(writable(OSLO, 1, "0-1-42"),
                replicaOf(BERGEN, 2, OSLO, "Yes", "Yes", 0L, 180L, "")));
        assertThat(live.single()).contains("oslo-db");
        assertThat(live.roles()).isEqualTo("oslo-db primary, bergen-db standby");
    }

    @Test
    void afterAFailoverTheFencedOldPrimaryIsIdleAndTheStandbyLeads() {
        LivePrimaries live = LivePrimaries.of(List.of(state(OSLO, 1, true, "0-1-42", Optional.empty(), null),
                writable(BERGEN, 2, "0-1-42")));
        assertThat(live.single()).contains("bergen-db");
        assertThat(live.roles()).isEqualTo("oslo-db idle, bergen-db primary");
    }

    @Test
    void noneOrTwoWritableNodesGiveNoTarget() {
        LivePrimaries none = LivePrimaries.of(List.of(NodeState.unreachable(OSLO, "refused"),
                replicaOf(BERGEN, 2, OSLO, "Connecting", "Yes", null, null, "lost")));
        assertThat(none.single()).isEmpty();
        assertThat(none.whyNotSingle()).isEqualTo("no node is a writable primary now");
        assertThat(none.roles()).isEqualTo("oslo-db unknown, bergen-db standby");

        LivePrimaries split = LivePrimaries.of(List.of(writable(OSLO, 1, "0-1-42"), writable(BERGEN, 2, "0-2-7")));
        assertThat(split.single()).isEmpty();
        assertThat(split.whyNotSingle()).isEqualTo("2 nodes are writable (oslo-db, bergen-db): split brain");
    }
}
