package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import no.vakt.cluster.Severity;
import org.junit.jupiter.api.Test;

class AlertGrouperTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private final AlertGrouper g = new AlertGrouper(Duration.ofMinutes(5));

    private static Alert unreachable(Severity s) {
        return new Alert(s, "shop", "primary oslo-db unreachable from the monitor", "probe failed", "no failover",
                AlertKind.PRIMARY_UNREACHABLE_FROM_MONITOR, "oslo-db");
    }

    private static Alert back() {
        return new Alert(Severity.INFO, "shop", "primary oslo-db reachable again", "probe ok", "",
                AlertKind.PRIMARY_REACHABLE_AGAIN, "oslo-db");
    }

    private static Alert broken(String node) {
        return new Alert(Severity.CRITICAL, "shop", "replication to " + node + " broken", "standby " + node + " unreachable",
                "fix replication", AlertKind.REPLICATION_BROKEN, node);
    }

    private static Alert healthy(String node) {
        return new Alert(Severity.INFO, "shop", "replication to " + node + " healthy again", "IO and SQL threads running",
                "", AlertKind.REPLICATION_HEALTHY, node);
    }

    @Test
    void aFlappingCheckCostsOneMessagePerFamilyAndWindowAndEndsOnItsCurrentState() {
        int sent = 0;
        for (int i = 0; i < 20; i++) {
            Instant at = T0.plusSeconds(10L * i);
            if (g.offer(unreachable(Severity.WARNING), at).deliver()) sent++;
            if (g.offer(back(), at.plusSeconds(5)).deliver()) sent++;
        }
        assertThat(sent).as("first problem and first recovery only").isEqualTo(2);
        assertThat(g.expire(T0.plus(Duration.ofMinutes(4)))).isEmpty();
        var summaries = g.expire(T0.plus(Duration.ofMinutes(5)).plusSeconds(10));
        assertThat(summaries).as("the problem's repeats travel with the state that followed them").singleElement()
                .satisfies(a -> {
                    assertThat(a.event()).isEqualTo("primary oslo-db reachable again (repeated 19 more times in 5m)");
                    assertThat(a.severity()).isEqualTo(Severity.INFO);
                    assertThat(a.evidence()).endsWith("| before this: 'primary oslo-db unreachable from the monitor'"
                            + " repeated 19 more times since 2025-03-01T10:00:00Z");
                });
    }

    @Test
    void aGroupedRecoveryTakesTheProblemsRepeatsSoNoStaleCriticalFollowsIt() {
        // As seen in a drill: broken, healthy, broken twice more (counted), healthy again (counted).
        assertThat(g.offer(broken("bergen-db"), T0).deliver()).isTrue();
        assertThat(g.offer(healthy("bergen-db"), T0.plusSeconds(5)).deliver()).isTrue();
        assertThat(g.offer(broken("bergen-db"), T0.plusSeconds(10)).deliver()).isFalse();
        assertThat(g.offer(broken("bergen-db"), T0.plusSeconds(15)).deliver()).isFalse();
        assertThat(g.offer(healthy("bergen-db"), T0.plusSeconds(20)).deliver()).isFalse();

        assertThat(g.expire(T0.plus(Duration.ofMinutes(5)))).as("no 'broken (repeated 2 more times)' after the recovery")
                .isEmpty();
        assertThat(g.expire(T0.plus(Duration.ofMinutes(5)).plusSeconds(5))).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.REPLICATION_HEALTHY);
            assertThat(a.event()).isEqualTo("replication to bergen-db healthy again (repeated 1 more time in 5m)");
            assertThat(a.evidence()).contains("before this: 'replication to bergen-db broken' repeated 2 more times since "
                    + T0);
        });
        assertThat(g.expire(T0.plus(Duration.ofMinutes(11)))).isEmpty();
    }

    @Test
    void aRelapseKeepsTheProblemsSummaryAndNoRecoverySummaryFollowsIt() {
        g.offer(broken("bergen-db"), T0);
        g.offer(healthy("bergen-db"), T0.plusSeconds(5));
        assertThat(g.offer(healthy("bergen-db"), T0.plusSeconds(10)).deliver()).isFalse();
        assertThat(g.offer(broken("bergen-db"), T0.plusSeconds(15)).deliver()).isFalse();
        assertThat(g.expire(T0.plus(Duration.ofMinutes(5)))).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.event()).isEqualTo("replication to bergen-db broken (repeated 1 more time in 5m)");
            assertThat(a.evidence()).contains("before this: 'replication to bergen-db healthy again' repeated 1 more time");
        });
        assertThat(g.expire(T0.plus(Duration.ofMinutes(5)).plusSeconds(5))).as("healthy is not the state any more").isEmpty();
    }

    @Test
    void anotherNodesRecoveryDoesNotTakeTheCount() {
        g.offer(broken("bergen-db"), T0);
        g.offer(broken("bergen-db"), T0.plusSeconds(1));
        assertThat(g.offer(healthy("oslo-db"), T0.plusSeconds(2)).send().evidence()).doesNotContain("before this");
        assertThat(g.flush()).extracting(Alert::event)
                .containsExactly("replication to bergen-db broken (repeated 1 more time before Vakt stopped)");
    }

    @Test
    void aRecoveryCarriesTheProblemsPendingCount() {
        g.offer(unreachable(Severity.WARNING), T0);
        g.offer(unreachable(Severity.WARNING), T0.plusSeconds(1));
        g.offer(unreachable(Severity.WARNING), T0.plusSeconds(2));
        AlertGrouper.Verdict v = g.offer(back(), T0.plusSeconds(3));
        assertThat(v.deliver()).isTrue();
        assertThat(v.send().evidence()).isEqualTo("probe ok | before this: 'primary oslo-db unreachable from the monitor'"
                + " repeated 2 more times since 2025-03-01T10:00:00Z");
        assertThat(g.expire(T0.plus(Duration.ofMinutes(6)))).as("the count went out with the recovery").isEmpty();
    }

    @Test
    void anEscalationAlwaysGoesOutAndAnotherNodeIsAnotherCondition() {
        assertThat(g.offer(unreachable(Severity.WARNING), T0).deliver()).isTrue();
        assertThat(g.offer(unreachable(Severity.WARNING), T0.plusSeconds(1)).deliver()).isFalse();
        assertThat(g.offer(unreachable(Severity.CRITICAL), T0.plusSeconds(2)).deliver()).isTrue();
        assertThat(g.offer(unreachable(Severity.CRITICAL), T0.plusSeconds(3)).deliver()).isFalse();
        Alert other = unreachable(Severity.WARNING).withKind(AlertKind.PRIMARY_UNREACHABLE_FROM_MONITOR, "bergen-db");
        assertThat(g.offer(other, T0.plusSeconds(4)).deliver()).isTrue();
    }

    @Test
    void afterAQuietWindowTheConditionIsNewAgain() {
        assertThat(g.offer(unreachable(Severity.WARNING), T0).deliver()).isTrue();
        assertThat(g.expire(T0.plus(Duration.ofMinutes(5)))).isEmpty();
        assertThat(g.offer(unreachable(Severity.WARNING), T0.plus(Duration.ofMinutes(5))).deliver()).isTrue();
    }

    @Test
    void otherAlertsGroupByTheirEventTextAndAZeroWindowSendsEverything() {
        Alert a = new Alert(Severity.INFO, "shop", "drill A", "", "");
        Alert b = new Alert(Severity.INFO, "shop", "drill B", "", "");
        assertThat(g.offer(a, T0).deliver()).isTrue();
        assertThat(g.offer(b, T0).deliver()).isTrue();
        assertThat(g.offer(a, T0).deliver()).isFalse();
        AlertGrouper none = new AlertGrouper(Duration.ZERO);
        assertThat(none.offer(a, T0).deliver()).isTrue();
        assertThat(none.offer(a, T0).deliver()).isTrue();
        assertThat(g.flush()).extracting(Alert::event).containsExactly("drill A (repeated 1 more time before Vakt stopped)");
    }
}
