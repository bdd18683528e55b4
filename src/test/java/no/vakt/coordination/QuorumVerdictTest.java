package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumVerdictTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final Duration MAX_AGE = Duration.ofSeconds(5);
    /** The acting agent's own look: its detector found db-oslo DOWN. */
    private static final PrimaryObservation SELF = lost("oslo", NOW);

    private static PrimaryObservation lost(String agent, Instant at) {
        return new PrimaryObservation(agent, "db-oslo", false, at, "SUSPECT", null);
    }

    private static PrimaryObservation reaches(String agent) {
        return new PrimaryObservation(agent, "db-oslo", true, NOW, "HEALTHY", true);
    }

    private static QuorumVerdict verdict(Set<String> connected, PrimaryObservation... others) {
        return QuorumVerdict.of(SELF, new AgentViews(connected, List.of(others)), NOW, MAX_AGE);
    }

    @Test
    void oneAgentCutOffFromThePrimaryIsNoQuorumWhileTheOthersReachIt() {
        QuorumVerdict v = verdict(Set.of("oslo", "bergen", "witness"), reaches("bergen"), reaches("witness"));
        assertThat(v.down()).isFalse();
        assertThat(v).extracting(QuorumVerdict::connected, QuorumVerdict::needed).containsExactly(3, 2);
        assertThat(v.lostBy()).containsExactly("oslo");
        assertThat(v.seenBy()).containsExactly("bergen", "witness");
        assertThat(v.describe("db-oslo"))
                .isEqualTo("1 of 3 connected agents lost db-oslo (oslo); 2 needed; still reached by bergen, witness");
    }

    @Test
    void aMajorityOfTheConnectedAgentsLosingThePrimaryIsDown() {
        QuorumVerdict v = verdict(Set.of("oslo", "bergen", "witness"), lost("bergen", NOW.minusSeconds(1)), reaches("witness"));
        assertThat(v.down()).isTrue();
        assertThat(v.lostBy()).containsExactly("bergen", "oslo");
    }

    @Test
    void staleObservationsDoNotCount() {
        QuorumVerdict v = verdict(Set.of("oslo", "bergen", "witness"), lost("bergen", NOW.minus(MAX_AGE).minusMillis(1)),
                lost("witness", NOW.minus(MAX_AGE)));
        assertThat(v.lostBy()).containsExactly("oslo", "witness");
        assertThat(v.down()).isTrue();
        assertThat(verdict(Set.of("oslo", "bergen", "witness"), lost("bergen", NOW.minusSeconds(60))).down()).isFalse();
    }

    @Test
    void onlyConnectedAgentsVoteAndTheElectorateIsThem() {
        // witness's session ended (no /agents node): its leftover look does not count, and 2 of 2 are needed.
        QuorumVerdict alone = verdict(Set.of("oslo", "bergen"), reaches("bergen"), lost("witness", NOW));
        assertThat(alone.down()).isFalse();
        assertThat(alone).extracting(QuorumVerdict::connected, QuorumVerdict::needed).containsExactly(2, 2);
        assertThat(verdict(Set.of("oslo", "bergen"), lost("bergen", NOW)).down()).isTrue();
        // An agent not yet seen as connected (cache behind) still counts itself.
        assertThat(verdict(Set.of()).down()).isTrue();
    }

    @Test
    void aMissingObservationOrOneOfAnotherPrimaryIsNotALoss() {
        PrimaryObservation otherPrimary = new PrimaryObservation("bergen", "db-bergen", false, NOW, "DOWN", false);
        QuorumVerdict v = verdict(Set.of("oslo", "bergen", "witness"), otherPrimary);
        assertThat(v.down()).isFalse();
        assertThat(v.lostBy()).containsExactly("oslo");
        assertThat(v.seenBy()).isEmpty();
    }

    @Test
    void theNewestOfAnAgentsObservationsCounts() {
        QuorumVerdict v = verdict(Set.of("oslo", "bergen", "witness"), lost("bergen", NOW.minusSeconds(2)), reaches("bergen"));
        assertThat(v.down()).isFalse();
        assertThat(v.seenBy()).containsExactly("bergen");
    }
}
