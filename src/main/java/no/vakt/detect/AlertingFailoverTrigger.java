package no.vakt.detect;

import java.util.LinkedHashMap;
import java.util.Map;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertSink;
import no.vakt.alert.Severity;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trigger that only alerts: it sends each alerting transition to the {@link AlertSink} and journals
 * the alert. It starts nothing itself: {@code no.vakt.failover.AutomaticFailover} wraps it and runs the
 * failover runner on a confirmed DOWN.
 */
public final class AlertingFailoverTrigger implements FailoverTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(AlertingFailoverTrigger.class);

    private final String cluster;
    private final AlertSink sink;
    private final Journal journal;

    public AlertingFailoverTrigger(String cluster, AlertSink sink, Journal journal) {
        this.cluster = cluster;
        this.sink = sink;
        this.journal = journal;
    }

    @Override
    public void primaryDown(LiveRoles roles, Transition evidence) {
        alert(new Alert(Severity.CRITICAL, cluster, "primary " + roles.primary().name() + " down",
                evidence.evidence(), "policy.failover decides: automatic promotes " + roles.standby().name()
                        + ", manual waits for `vakt promote --confirm`, notify-only leaves it to you"),
                roles.primary().name());
    }

    @Override
    public void unreachableFromMonitor(LiveRoles roles, Transition evidence) {
        alert(new Alert(Severity.WARNING, cluster, "primary " + roles.primary().name() + " unreachable from the monitor",
                evidence.evidence(), "no failover: " + roles.standby().name()
                        + " still receives from it; check the network between the monitor and " + roles.primary().name()),
                roles.primary().name());
    }

    @Override
    public void stateChanged(LiveRoles roles, Transition t) {
        if (t.to() == PrimaryHealth.HEALTHY && t.from().alerting()) {
            alert(new Alert(Severity.INFO, cluster, "primary " + roles.primary().name() + " reachable again",
                    t.evidence(), ""), roles.primary().name());
        } else if (t.to() == PrimaryHealth.UNKNOWN && t.from() != PrimaryHealth.UNKNOWN) {
            alert(new Alert(Severity.WARNING, cluster, "primary " + roles.primary().name() + " lost; "
                    + roles.standby().name() + " cannot confirm", t.evidence(), "no failover on one witness: check both nodes"),
                    roles.primary().name());
        }
    }

    private void alert(Alert a, String node) {
        sink.send(a);
        try {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("severity", a.severity().name());
            details.put("evidence", a.evidence());
            details.put("action", a.action());
            journal.append(EventKind.ALERT, cluster, node, a.event(), details);
        } catch (RuntimeException e) {
            LOG.error("could not journal the alert '{}': {}", a.event(), e.getMessage());
        }
    }
}
