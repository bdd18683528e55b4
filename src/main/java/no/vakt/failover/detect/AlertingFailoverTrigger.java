package no.vakt.failover.detect;

import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.roles.LiveRoles;

/**
 * A trigger that only alerts: it sends each alerting transition to the {@link AlertSink} (which
 * journals it). It starts nothing itself: {@code no.vakt.failover.AutomaticFailover} wraps it and runs
 * the failover runner on a confirmed DOWN.
 */
public final class AlertingFailoverTrigger implements FailoverTrigger {
    private final String cluster;
    private final AlertSink sink;
    private final OperatorCommands commands;

    public AlertingFailoverTrigger(String cluster, AlertSink sink) {
        this(cluster, sink, OperatorCommands.NONE);
    }

    /** @param commands the approve command its alerts name, with the {@code --config} of the daemon */
    public AlertingFailoverTrigger(String cluster, AlertSink sink, OperatorCommands commands) {
        this.cluster = cluster;
        this.sink = sink;
        this.commands = commands;
    }

    @Override
    public void primaryDown(LiveRoles roles, Transition evidence) {
        sink.send(new Alert(Severity.CRITICAL, cluster, "primary " + roles.primary().name() + " down",
                evidence.evidence(), "policy.failover decides: automatic promotes " + roles.standby().name()
                        + ", manual waits for `" + commands.promote(false) + "`, notify-only leaves it to you",
                AlertKind.PRIMARY_DOWN, roles.primary().name()));
    }

    @Override
    public void unreachableFromMonitor(LiveRoles roles, Transition evidence) {
        sink.send(new Alert(Severity.WARNING, cluster, "primary " + roles.primary().name() + " unreachable from the monitor",
                evidence.evidence(), "no failover: " + roles.standby().name()
                        + " still receives from it; check the network between the monitor and " + roles.primary().name(),
                AlertKind.PRIMARY_UNREACHABLE_FROM_MONITOR, roles.primary().name()));
    }

    @Override
    public void stateChanged(LiveRoles roles, Transition t) {
        if (t.to() == PrimaryHealth.HEALTHY && t.from().alerting()) {
            sink.send(new Alert(Severity.INFO, cluster, "primary " + roles.primary().name() + " reachable again",
                    t.evidence(), "", AlertKind.PRIMARY_REACHABLE_AGAIN, roles.primary().name()));
        } else if (t.to() == PrimaryHealth.UNKNOWN && t.from() != PrimaryHealth.UNKNOWN) {
            sink.send(new Alert(Severity.WARNING, cluster, "primary " + roles.primary().name() + " lost; "
                    + roles.standby().name() + " cannot confirm", t.evidence(), "no failover on one witness: check both nodes",
                    AlertKind.PRIMARY_UNCONFIRMED, roles.primary().name()));
        }
    }
}
