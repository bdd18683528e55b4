package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
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

    @Test
    void aFlappingCheckCostsOneMessagePerKindAndWindow() {
        int sent = 0;
        for (int i = 0; i < 20; i++) {
            Instant at = T0.plusSeconds(10L * i);
            if (g.offer(unreachable(Severity.WARNING), at).deliver()) sent++;
            if (g.offer(back(), at.plusSeconds(5)).deliver()) sent++;
        }
        assertThat(sent).as("first problem and first recovery only").isEqualTo(2);
        assertThat(g.expire(T0.plus(Duration.ofMinutes(4)))).isEmpty();
        var summaries = g.expire(T0.plus(Duration.ofMinutes(5)).plusSeconds(10));
        assertThat(summaries).extracting(Alert::event).containsExactlyInAnyOrder(
                "primary oslo-db unreachable from the monitor (repeated 19 more times in 5m)",
                "primary oslo-db reachable again (repeated 19 more times in 5m)");
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
