package no.vakt.failover;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import no.vakt.coordination.Coordinator;
import no.vakt.coordination.CoordinatorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check before the monitor acts on the cluster (starts a failover, arms the door fence, fences a
 * returning primary, opens a read-only primary, retries a traffic switch): it asks the {@link Coordinator}
 * whether this agent has authority now. Detection and alerts never ask: every agent keeps watching. Says once
 * when an action is held back and why (who leads), and once when authority returns.
 */
public final class ActingGate {
    private static final Logger LOG = LoggerFactory.getLogger(ActingGate.class);
    /** Without a coordinator (a drill's or a bench's in-process monitor): act, as before there were agents. */
    public static final ActingGate ALWAYS = new ActingGate(null, line -> {});

    private final Coordinator coordinator;
    private final Consumer<String> out;
    private final AtomicReference<String> heldBack = new AtomicReference<>();

    public ActingGate(Coordinator coordinator, Consumer<String> out) {
        this.coordinator = coordinator;
        this.out = out;
    }

    /** Whether this agent may start {@code action} now; never blocks. */
    public boolean mayAct(String action) {
        if (coordinator == null) return true;
        CoordinatorStatus s = coordinator.status();
        if (s.authority()) {
            if (heldBack.getAndSet(null) != null) say("agent " + s.agent() + " acts again: " + s.reason());
            return true;
        }
        if (!Objects.equals(heldBack.getAndSet(s.reason()), s.reason())) {
            say("not acting (" + action + "): agent " + s.agent() + " has no authority: " + s.reason());
        }
        return false;
    }

    /**
     * The gate before each step of a failover or switchover: with agents, authority before every step and the
     * epoch's compare-and-set in ZooKeeper before the promotion; without (a single monitor) open, as before.
     */
    public no.vakt.failover.plan.StepGate steps() {
        if (coordinator == null || coordinator.status().mode() == CoordinatorStatus.Mode.LOCAL) {
            return no.vakt.failover.plan.StepGate.OPEN;
        }
        return new AuthorityStepGate(coordinator);
    }

    /** Whether this agent has authority now, without saying anything (the heartbeat asks at each write). */
    boolean authorityNow() {
        return coordinator == null || coordinator.mayAct();
    }

    /**
     * The epoch the coordination service last showed (ZooKeeper's, from its watch; never blocks), 0 when none:
     * an agent whose journal is behind it still keeps a returning old primary fenced.
     */
    long knownEpoch() {
        return coordinator == null ? 0 : coordinator.knownEpoch().orElse(0);
    }

    /** Quorum detection with agents (their observations through the coordinator); none for the single monitor. */
    PrimaryQuorum quorum(java.time.Clock clock, no.vakt.config.Checks checks) {
        return coordinator == null ? PrimaryQuorum.NONE : new PrimaryQuorum(coordinator, clock, PrimaryQuorum.maxAge(checks));
    }

    private void say(String line) {
        LOG.warn(line);
        try {
            out.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("could not print: {}", e.toString());
        }
    }
}
