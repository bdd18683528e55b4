package no.vakt.failover;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.config.VaktConfig;
import no.vakt.failover.detect.FailoverTrigger;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.detect.Transition;
import no.vakt.journal.FailoverOutcome;
import no.vakt.maintenance.Pause;
import no.vakt.roles.LiveRoles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the monitor to the failover runner: a confirmed DOWN runs the planner with an automatic
 * trigger (which, by the policy's mode, promotes, waits for an operator, or only notifies); every
 * transition also goes to the alerting trigger. The last heartbeat the monitor wrote bounds the data
 * loss estimate, instead of assuming the dead primary kept writing until now. While maintenance mode is on
 * ({@code vakt pause}) a DOWN only alerts: the runner is not asked at all; when the pause ends and the primary
 * is still DOWN, the failover runs then. A run that aborted before the point of no return is wanted again
 * ({@link #retryWanted()}): the monitor retries it while the primary stays DOWN.
 */
public final class AutomaticFailover implements FailoverTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(AutomaticFailover.class);

    private final VaktConfig config;
    private final FailoverRunner runner;
    private final FailoverTrigger alerts;
    private final Supplier<Instant> lastHeartbeatWritten;
    private final java.util.function.Consumer<String> out;
    private final Supplier<Optional<Pause>> pause;
    private final AlertSink sink;
    /** The last run aborted before PROMOTE_STANDBY finished: nothing irreversible, a retry may succeed. */
    private volatile boolean abortedBeforePromotion;
    /** A DOWN came while paused: when the pause ends with the primary still DOWN, the failover runs then. */
    private volatile boolean deferredByPause;
    /** A DOWN came while this agent had no authority: when it gets it with the primary still DOWN, it fails over. */
    private volatile boolean deferredByAuthority;
    private final ActingGate gate;
    private final PrimaryQuorum quorum;
    /** A DOWN came without a majority of the agents losing the primary: it fails over once they do (still DOWN). */
    private volatile boolean deferredByQuorum;
    /** The primary of the last DOWN, for the quorum asked in {@link #retryWanted()}. */
    private volatile String downPrimary;
    /** The last "no quorum" line printed, so a waiting DOWN says it once per change, not every tick. */
    private volatile String quorumSaid;

    /**
     * @param pause the maintenance pause in force now, read at each DOWN
     * @param sink where the "paused" alert goes (instead of the alerting trigger's usual DOWN alert)
     */
    public AutomaticFailover(VaktConfig config, FailoverRunner runner, FailoverTrigger alerts,
            Supplier<Instant> lastHeartbeatWritten, java.util.function.Consumer<String> out,
            Supplier<Optional<Pause>> pause, AlertSink sink) {
        this(config, runner, alerts, lastHeartbeatWritten, out, pause, sink, ActingGate.ALWAYS);
    }

    /** @param gate asked before a failover starts: an agent without authority alerts only */
    public AutomaticFailover(VaktConfig config, FailoverRunner runner, FailoverTrigger alerts,
            Supplier<Instant> lastHeartbeatWritten, java.util.function.Consumer<String> out,
            Supplier<Optional<Pause>> pause, AlertSink sink, ActingGate gate) {
        this(config, runner, alerts, lastHeartbeatWritten, out, pause, sink, gate, PrimaryQuorum.NONE);
    }

    /** @param quorum with agents: a DOWN fails over only when a majority of the connected agents lost the primary too */
    public AutomaticFailover(VaktConfig config, FailoverRunner runner, FailoverTrigger alerts,
            Supplier<Instant> lastHeartbeatWritten, java.util.function.Consumer<String> out,
            Supplier<Optional<Pause>> pause, AlertSink sink, ActingGate gate, PrimaryQuorum quorum) {
        this.quorum = quorum;
        this.gate = gate;
        this.config = config;
        this.runner = runner;
        this.alerts = alerts;
        this.lastHeartbeatWritten = lastHeartbeatWritten;
        this.out = out;
        this.pause = pause;
        this.sink = sink;
    }

    @Override
    public void primaryDown(LiveRoles roles, Transition evidence) {
        Optional<Pause> paused = pausedNow();
        if (paused.isPresent()) {
            String action = "paused: no automatic failover (" + paused.get().describe() + ")";
            LOG.warn("primary {} down; {}", roles.primary().name(), action);
            out.accept("primary " + roles.primary().name() + " down; " + action);
            sink.send(new Alert(Severity.CRITICAL, config.cluster(), "primary " + roles.primary().name() + " down",
                    evidence.evidence(), action + "; `vakt promote` still works", AlertKind.PRIMARY_DOWN,
                    roles.primary().name()));
            deferredByPause = true;
            return;
        }
        alerts.primaryDown(roles, evidence);
        downPrimary = roles.primary().name();
        if (!gate.mayAct("failover from " + roles.primary().name())) {
            deferredByAuthority = true;
            return;
        }
        if (!quorumLost(downPrimary)) {
            deferredByQuorum = true;
            return;
        }
        runFailover(roles);
    }

    @Override
    public boolean retryWanted() {
        return (abortedBeforePromotion || deferredByAuthority || deferredByQuorum
                || (deferredByPause && pausedNow().isEmpty()))
                && gate.mayAct("failover") && (downPrimary == null || quorumLost(downPrimary));
    }

    @Override
    public void primaryStillDown(LiveRoles roles, Transition evidence) {
        if (pausedNow().isPresent()) {
            deferredByPause = true;
            abortedBeforePromotion = false;
            return;
        }
        if (!gate.mayAct("failover from " + roles.primary().name())) {
            deferredByAuthority = true;
            return;
        }
        downPrimary = roles.primary().name();
        if (!quorumLost(downPrimary)) {
            deferredByQuorum = true;
            return;
        }
        String why = deferredByAuthority ? "this agent has authority now" : deferredByPause ? "the maintenance pause ended"
                : deferredByQuorum ? "a majority of the agents lost it too"
                : "the last attempt stopped before the promotion";
        deferredByPause = false;
        deferredByAuthority = false;
        deferredByQuorum = false;
        out.accept("failover: retrying, " + why + " and " + roles.primary().name() + " is still DOWN");
        runFailover(roles);
    }

    private void runFailover(LiveRoles roles) {
        abortedBeforePromotion = false;
        try {
            // The monitor's live roles, not the config's role: fields (stale after a failover).
            FailoverRunner.Outcome outcome =
                    runner.run(FailoverRunner.Request.automatic(PrimaryHealth.DOWN, lastHeartbeatWritten.get(), roles));
            abortedBeforePromotion = outcome.execution() != null
                    && outcome.execution().outcome() == FailoverOutcome.ABORTED && !outcome.execution().promoted();
            out.accept("failover: " + outcome.plan().decision() + System.lineSeparator() + outcome.renderSteps().stripTrailing());
        } catch (RuntimeException e) {
            // It could not start (its journal unwritable, say): wanted again while the primary stays DOWN. A
            // retry plans afresh from the servers, so a promotion that did happen is never repeated.
            abortedBeforePromotion = true;
            LOG.error("failover could not run: {}", e.getMessage(), e);
            out.accept("failover could not run: " + e.getMessage());
        }
    }

    /**
     * With agents: whether a majority of the connected agents lost {@code primary} too (the detector's DOWN,
     * the standby's confirmation, is this agent's alone). Says once per change why a DOWN waits. Without
     * agents: true.
     */
    private boolean quorumLost(String primary) {
        Optional<no.vakt.coordination.QuorumVerdict> v = quorum.onDown(primary);
        if (v.isEmpty() || v.get().down()) {
            quorumSaid = null;
            return true;
        }
        String line = "primary " + primary + " DOWN for this agent, but no quorum of agents: " + v.get().describe(primary)
                + "; no failover until a majority lost it";
        if (!line.equals(quorumSaid)) {
            quorumSaid = line;
            LOG.warn(line);
            out.accept(line);
        }
        return false;
    }

    /** An unreadable journal must not block a failover: it counts as not paused (and is logged). */
    private Optional<Pause> pausedNow() {
        try {
            return pause.get();
        } catch (RuntimeException e) {
            LOG.error("could not read the maintenance pause, failing over as if not paused: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void unreachableFromMonitor(LiveRoles roles, Transition evidence) {
        alerts.unreachableFromMonitor(roles, evidence);
    }

    @Override
    public void stateChanged(LiveRoles roles, Transition transition) {
        alerts.stateChanged(roles, transition);
    }
}
