package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.Severity;
import no.vakt.coordination.CoordinatorStatus;
import no.vakt.coordination.SessionState;
import org.junit.jupiter.api.Test;

class CoordinationAlertsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private final List<Alert> sent = new ArrayList<>();
    private final AtomicReference<CoordinatorStatus> status = new AtomicReference<>();
    private Instant now = T0;
    private final CoordinationAlerts alerts = new CoordinationAlerts(status::get, sent::add, "shop",
            new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            }, Duration.ofSeconds(3));

    private static CoordinatorStatus zk(SessionState session, Instant since) {
        return new CoordinatorStatus(CoordinatorStatus.Mode.ZOOKEEPER, "oslo", session.live() ? "oslo" : null, session, since,
                session.live(), session.live() ? "leads" : "no live session");
    }

    @Test
    void aBlipShorterThanTheGraceIsNotNews() {
        status.set(zk(SessionState.SUSPENDED, T0));
        now = T0.plusSeconds(2);
        alerts.check();
        status.set(zk(SessionState.RECONNECTED, now));
        alerts.check();
        assertThat(sent).isEmpty();
    }

    @Test
    void aLostSessionPastTheGraceAlertsOnceAndItsReturnClosesIt() {
        status.set(zk(SessionState.LOST, T0));
        now = T0.plusSeconds(3);
        alerts.check();
        now = T0.plusSeconds(10);
        alerts.check();
        assertThat(sent).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Severity.WARNING);
            assertThat(a.kind()).isEqualTo(AlertKind.COORDINATION_LOST);
            assertThat(a.event()).contains("oslo").contains("no automatic action");
        });
        status.set(zk(SessionState.RECONNECTED, now));
        alerts.check();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).kind()).isEqualTo(AlertKind.COORDINATION_BACK);
        assertThat(AlertKind.COORDINATION_BACK.resolves(AlertKind.COORDINATION_LOST)).isTrue();
    }

    @Test
    void theSingleMonitorIsNeverAlertedAbout() {
        status.set(new CoordinatorStatus(CoordinatorStatus.Mode.LOCAL, "run", "run", SessionState.LOCAL, T0, false, "lock held elsewhere"));
        now = T0.plusSeconds(60);
        alerts.check();
        assertThat(sent).isEmpty();
    }
}
