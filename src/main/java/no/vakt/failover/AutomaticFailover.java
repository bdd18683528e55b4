package no.vakt.failover;

import java.time.Instant;
import java.util.function.Supplier;
import no.vakt.config.VaktConfig;
import no.vakt.detect.FailoverTrigger;
import no.vakt.detect.LiveRoles;
import no.vakt.detect.PrimaryHealth;
import no.vakt.detect.Transition;
import no.vakt.journal.FailoverOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the monitor to the failover runner: a confirmed DOWN runs the planner with an automatic
 * trigger (which, by the policy's mode, promotes, waits for an operator, or only notifies); every
 * transition also goes to the alerting trigger. The last heartbeat the monitor wrote bounds the data
 * loss estimate, instead of assuming the dead primary kept writing until now. A run that aborted before
 * the point of no return is wanted again ({@link #retryWanted()}): the monitor retries it while the
 * primary stays DOWN.
 */
public final class AutomaticFailover implements FailoverTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(AutomaticFailover.class);

    private final VaktConfig config;
    private final FailoverRunner runner;
    private final FailoverTrigger alerts;
    private final Supplier<Instant> lastHeartbeatWritten;
    private final java.util.function.Consumer<String> out;
    /** The last run aborted before PROMOTE_STANDBY finished: nothing irreversible, a retry may succeed. */
    private volatile boolean abortedBeforePromotion;

    public AutomaticFailover(VaktConfig config, FailoverRunner runner, FailoverTrigger alerts,
            Supplier<Instant> lastHeartbeatWritten, java.util.function.Consumer<String> out) {
        this.config = config;
        this.runner = runner;
        this.alerts = alerts;
        this.lastHeartbeatWritten = lastHeartbeatWritten;
        this.out = out;
    }

    @Override
    public void primaryDown(LiveRoles roles, Transition evidence) {
        alerts.primaryDown(roles, evidence);
        runFailover(roles);
    }

    @Override
    public boolean retryWanted() {
        return abortedBeforePromotion;
    }

    @Override
    public void primaryStillDown(LiveRoles roles, Transition evidence) {
        out.accept("failover: retrying, the last attempt stopped before the promotion and " + roles.primary().name()
                + " is still DOWN");
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
            LOG.error("failover could not run: {}", e.getMessage(), e);
            out.accept("failover could not run: " + e.getMessage());
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
