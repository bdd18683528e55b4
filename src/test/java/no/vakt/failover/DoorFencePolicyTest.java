package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.db.NodeState;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.roles.LiveRoles;
import org.junit.jupiter.api.Test;

class DoorFencePolicyTest {
    static final Instant T0 = Instant.parse("2026-12-07T02:00:00Z");

    static FailoverRecord failover(String from, String to, String mode, FailoverOutcome outcome) {
        FailoverEnding ending = switch (outcome) {
            case RUNNING -> null;
            case COMPLETED -> FailoverEnding.COMPLETED;
            case ABORTED -> FailoverEnding.ABORTED_BEFORE_PROMOTION;
            case REFUSED -> FailoverEnding.REFUSED;
        };
        return new FailoverRecord(7, "test", T0, T0.plusSeconds(2), from, to, mode, "automatic", outcome, ending, 3, "",
                List.of());
    }

    static final Node OSLO = LiveRolesTest.OSLO;
    static final Node BERGEN = LiveRolesTest.BERGEN;
    static final LiveRoles AFTER = new LiveRoles(BERGEN, OSLO);

    static NodeState down() {
        return LiveRolesTest.dead(OSLO);
    }

    static NodeState answering() {
        return new NodeState(OSLO, true, null, java.util.Map.of("read_only", "ON"), Optional.empty(), null,
                java.util.Map.of(), java.util.Map.of());
    }

    @Test
    void anOldPrimaryThatDoesNotAnswerAfterAFailoverGetsAFenceAtItsDoor() {
        Optional<DoorFencePolicy.Target> t = DoorFencePolicy.decide(
                Optional.of(failover("oslo-db", "bergen-db", "automatic", FailoverOutcome.COMPLETED)), AFTER, down());
        assertThat(t).isPresent();
        assertThat(t.get().node()).isEqualTo("oslo-db");
        assertThat(t.get().reason()).contains("lost the primary role to bergen-db").contains("epoch 3");
    }

    @Test
    void aFailoverAbortedPastThePromotionCountsAndOneAbortedBeforeItDoesNot() {
        FailoverRecord after = new FailoverRecord(7, "test", T0, T0.plusSeconds(2), "oslo-db", "bergen-db", "automatic",
                "automatic", FailoverOutcome.ABORTED, FailoverEnding.ABORTED_AFTER_PROMOTION, 3, "", List.of());
        assertThat(DoorFencePolicy.decide(Optional.of(after), AFTER, down())).isPresent();
        assertThat(DoorFencePolicy.decide(Optional.of(failover("oslo-db", "bergen-db", "automatic",
                FailoverOutcome.ABORTED)), AFTER, down())).isEmpty();
    }

    @Test
    void aRunningFailoverWhosePromotionTheRolesShowAlreadyCounts() {
        assertThat(DoorFencePolicy.decide(Optional.of(failover("oslo-db", "bergen-db", "automatic",
                FailoverOutcome.RUNNING)), AFTER, down())).isPresent();
    }

    @Test
    void noFenceWhenItAnswersForTheMonitorFencesOrLeavesItThen() {
        assertThat(DoorFencePolicy.decide(Optional.of(failover("oslo-db", "bergen-db", "automatic",
                FailoverOutcome.COMPLETED)), AFTER, answering())).isEmpty();
    }

    @Test
    void noFenceWithoutACompletedFailoverFromItOrAfterASwitchover() {
        assertThat(DoorFencePolicy.decide(Optional.empty(), AFTER, down())).isEmpty();
        assertThat(DoorFencePolicy.decide(Optional.of(failover("oslo-db", "bergen-db", "switchover",
                FailoverOutcome.COMPLETED)), AFTER, down())).as("a switchover leaves it a replica").isEmpty();
        assertThat(DoorFencePolicy.decide(Optional.of(failover("oslo-db", "bergen-db", "automatic",
                FailoverOutcome.ABORTED)), AFTER, down())).isEmpty();
    }

    @Test
    void noFenceOnceTheRolesChangedAgain() {
        LiveRoles back = new LiveRoles(OSLO, BERGEN); // oslo primary again, bergen down
        assertThat(DoorFencePolicy.decide(Optional.of(failover("oslo-db", "bergen-db", "automatic",
                FailoverOutcome.COMPLETED)), back, LiveRolesTest.dead(BERGEN))).isEmpty();
    }
}
