package no.vakt.failover.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.steps.OldPrimaryReachability.Ask;
import no.vakt.failover.steps.OldPrimaryReachability.Need;
import no.vakt.failover.steps.OldPrimaryReachability.NoAnswer;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** What a promotion run remembers about its old primary, and how the later steps reach it. */
class OldPrimaryReachabilityTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final StepContext RUN = new StepContext(7, "test", "oslo-db", "bergen-db", 2, true);
    static final SQLException CONNECT_TIMEOUT = new SQLNonTransientConnectionException(
            "Socket timeout when connecting to 10.246.1.11. Connect timed out", "08000");

    final ManualClock clock = new ManualClock(T0);
    final OldPrimaryReachability known = new OldPrimaryReachability(clock, Duration.ofSeconds(1), Duration.ofSeconds(1));

    @Test
    void decisionsAreAFunctionOfTheFindingItsAgeAndTheNeed() {
        NoAnswer f = new NoAnswer(7, "oslo-db", StepName.FENCE_OLD_PRIMARY, "timeout", T0);
        Duration trust = Duration.ofSeconds(1);
        assertThat(OldPrimaryReachability.decide(Optional.empty(), T0, trust, Need.INFORMATION)).isEqualTo(Ask.FULL);
        assertThat(OldPrimaryReachability.decide(Optional.empty(), T0, trust, Need.SAFETY)).isEqualTo(Ask.FULL);
        assertThat(OldPrimaryReachability.decide(Optional.of(f), T0.plusMillis(20), trust, Need.INFORMATION))
                .isEqualTo(Ask.NOT_AGAIN);
        assertThat(OldPrimaryReachability.decide(Optional.of(f), T0.plusMillis(1000), trust, Need.INFORMATION))
                .isEqualTo(Ask.NOT_AGAIN);
        // Older than one check interval: asked again, briefly.
        assertThat(OldPrimaryReachability.decide(Optional.of(f), T0.plusMillis(1001), trust, Need.INFORMATION))
                .isEqualTo(Ask.BRIEFLY);
        // The two-writable-primaries guard always asks, however fresh the finding.
        assertThat(OldPrimaryReachability.decide(Optional.of(f), T0.plusMillis(1), trust, Need.SAFETY))
                .isEqualTo(Ask.BRIEFLY);
    }

    @Test
    void aConnectionLevelFailureIsRememberedWithTheStepTheErrorAndTheTime() {
        assertThat(known.howToAsk(RUN, Need.INFORMATION).ask()).isEqualTo(Ask.FULL);
        assertThat(known.noAnswer(RUN, StepName.FENCE_OLD_PRIMARY, CONNECT_TIMEOUT)).isTrue();
        NoAnswer f = known.known(RUN).orElseThrow();
        assertThat(f.foundBy()).isEqualTo(StepName.FENCE_OLD_PRIMARY);
        assertThat(f.at()).isEqualTo(T0);
        assertThat(f.error()).contains("Connect timed out").contains("SQLState 08000");

        clock.advance(Duration.ofMillis(12));
        assertThat(known.howToAsk(RUN, Need.INFORMATION).ask()).isEqualTo(Ask.NOT_AGAIN);
        assertThat(known.howToAsk(RUN, Need.SAFETY).ask()).isEqualTo(Ask.BRIEFLY);
        assertThat(known.howToAsk(RUN, Need.SAFETY).because()).contains(f);
        assertThat(known.describe(f)).isEqualTo("FENCE_OLD_PRIMARY found it not answering 12 ms ago ("
                + "Socket timeout when connecting to 10.246.1.11. Connect timed out [SQLState 08000])");

        clock.advance(Duration.ofSeconds(2));
        assertThat(known.howToAsk(RUN, Need.INFORMATION).ask()).isEqualTo(Ask.BRIEFLY);
    }

    @Test
    void anErrorTheServerReportedMeansItAnswersAndClearsTheFinding() {
        known.noAnswer(RUN, StepName.FENCE_OLD_PRIMARY, CONNECT_TIMEOUT);
        assertThat(known.noAnswer(RUN, StepName.APPLY_RELAY_LOG,
                new SQLException("Access denied for user 'vakt'", "28000", 1045))).isFalse();
        assertThat(known.known(RUN)).isEmpty();
        assertThat(known.howToAsk(RUN, Need.SAFETY).ask()).isEqualTo(Ask.FULL);

        known.noAnswer(RUN, StepName.APPLY_RELAY_LOG, CONNECT_TIMEOUT);
        known.answered(RUN);
        assertThat(known.howToAsk(RUN, Need.INFORMATION).ask()).isEqualTo(Ask.FULL);
    }

    @Test
    void aFindingSpeaksOnlyForItsOwnFailoverAndNode() {
        known.noAnswer(RUN, StepName.FENCE_OLD_PRIMARY, CONNECT_TIMEOUT);
        StepContext otherRun = new StepContext(8, "test", "oslo-db", "bergen-db", 3, true);
        StepContext otherWay = new StepContext(7, "test", "bergen-db", "oslo-db", 2, true);
        assertThat(known.howToAsk(otherRun, Need.INFORMATION).ask()).isEqualTo(Ask.FULL);
        assertThat(known.howToAsk(otherWay, Need.INFORMATION).ask()).isEqualTo(Ask.FULL);
        known.answered(otherRun); // another run's answer does not clear this run's finding
        assertThat(known.howToAsk(RUN, Need.INFORMATION).ask()).isEqualTo(Ask.NOT_AGAIN);
    }

    @Test
    void theRecheckBoundIsShortAndNeverAboveTheTimeout() {
        assertThat(known.recheckBound()).isEqualTo(Duration.ofMillis(250));
        OldPrimaryReachability tight = new OldPrimaryReachability(clock, Duration.ofMillis(200), Duration.ofMillis(100));
        assertThat(tight.recheckBound()).isEqualTo(Duration.ofMillis(100));
    }
}
