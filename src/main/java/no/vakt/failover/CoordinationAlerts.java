package no.vakt.failover;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.coordination.CoordinatorStatus;

/**
 * Says when this agent has lost ZooKeeper for longer than a blip, and when it is back. Without a session no
 * agent acts (a lost ensemble quorum stops every automatic action), so somebody must hear of it: detection and
 * the other alerts go on meanwhile. Called on every monitor tick; quiet for the single monitor.
 */
public final class CoordinationAlerts {
    private final Supplier<CoordinatorStatus> status;
    private final AlertSink alerts;
    private final String cluster;
    private final Clock clock;
    /** A reconnect within this is a blip, not news (the connection timeout). */
    private final Duration grace;
    private boolean alerted;

    public CoordinationAlerts(Supplier<CoordinatorStatus> status, AlertSink alerts, String cluster, Clock clock, Duration grace) {
        this.status = status;
        this.alerts = alerts;
        this.cluster = cluster;
        this.clock = clock;
        this.grace = grace;
    }

    public synchronized void check() {
        CoordinatorStatus s = status.get();
        if (s == null || s.mode() != CoordinatorStatus.Mode.ZOOKEEPER) return;
        Instant now = clock.instant();
        boolean lost = !s.session().live() && s.sessionSince() != null && !now.isBefore(s.sessionSince().plus(grace));
        if (lost && !alerted) {
            alerted = true;
            alerts.send(new Alert(Severity.WARNING, cluster, "agent " + s.agent() + " lost ZooKeeper: it takes no automatic action",
                    "session " + s.session() + " since " + s.sessionSince() + " (" + s.reason() + ")",
                    "check the ZooKeeper ensemble (a majority of its servers must be up) and this host's link to it;"
                            + " detection and alerts go on, failover waits for an agent with a live session",
                    AlertKind.COORDINATION_LOST, null));
        } else if (alerted && s.session().live()) {
            alerted = false;
            alerts.send(new Alert(Severity.INFO, cluster, "agent " + s.agent() + " is connected to ZooKeeper again",
                    "session " + s.session() + " since " + s.sessionSince() + "; leader: "
                            + (s.leader() == null ? "none yet" : s.leader()),
                    "none", AlertKind.COORDINATION_BACK, null));
        }
    }
}
