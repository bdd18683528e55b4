package no.vakt.failover;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import no.vakt.config.Checks;
import no.vakt.coordination.Coordinator;
import no.vakt.coordination.PrimaryObservation;
import no.vakt.coordination.QuorumVerdict;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.failover.detect.PrimaryHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quorum detection around the detector (docs/ha.md): every agent publishes each tick's look at the primary,
 * and the acting agent's DOWN (the detector's, the standby's confirmation included) starts a failover only
 * when {@link QuorumVerdict} says a majority of the connected agents lost the primary too. So an agent that
 * alone is cut off from the primary never fails it over. Without agents ({@link #NONE}, or a single monitor)
 * the detector's DOWN decides alone, as before.
 */
public final class PrimaryQuorum {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryQuorum.class);
    /** The single monitor: publishes nothing, and its detector's DOWN is the verdict. */
    public static final PrimaryQuorum NONE = new PrimaryQuorum(null, Clock.systemUTC(), Duration.ZERO);

    private final Coordinator coordinator;
    private final Clock clock;
    private final Duration maxAge;

    /** @param maxAge an observation older than this does not count (see {@link #maxAge(Checks)}) */
    PrimaryQuorum(Coordinator coordinator, Clock clock, Duration maxAge) {
        this.coordinator = coordinator;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /**
     * Three ticks and a probe timeout: an agent writes its look every tick, so a fresher one is missing only
     * when it stopped probing (or its clock is that far off).
     */
    static Duration maxAge(Checks checks) {
        return checks.interval().multipliedBy(3).plus(checks.timeout());
    }

    /** Called on every monitor tick: this agent's look, for the others. Never blocks. */
    void publish(MonitorTick tick) {
        if (coordinator == null || tick.primary() == null) return;
        Boolean standbySees = tick.health() == PrimaryHealth.UNREACHABLE_FROM_MONITOR ? Boolean.TRUE
                : tick.health() == PrimaryHealth.DOWN ? Boolean.FALSE : null;
        coordinator.publish(new PrimaryObservation(coordinator.status().agent(), tick.roles().primary().name(),
                tick.primary().ok(), tick.at(), tick.health().name(), standbySees));
    }

    /**
     * The quorum on {@code primary}, which this agent's detector found DOWN; empty when no quorum applies
     * (no agents): then the detector's DOWN stands alone. Never blocks.
     */
    Optional<QuorumVerdict> onDown(String primary) {
        if (coordinator == null) return Optional.empty();
        String agent = coordinator.status().agent();
        return coordinator.agentViews().map(views -> {
            QuorumVerdict v = QuorumVerdict.of(new PrimaryObservation(agent, primary, false, clock.instant(),
                    PrimaryHealth.DOWN.name(), Boolean.FALSE), views, clock.instant(), maxAge);
            LOG.debug("quorum on {}: {}", primary, v.describe(primary));
            return v;
        });
    }
}
