package no.vakt.coordination;

import java.util.OptionalLong;

/**
 * Whether this agent may act on the cluster now (STYLE.md 12: authority is a lease, not a belief). The monitor
 * keeps detecting and alerting on every agent, and starts an action only while {@link #mayAct()}.
 * {@link #status()} and {@link #mayAct()} never block: they read state that listeners keep.
 */
public interface Coordinator extends AutoCloseable {
    CoordinatorStatus status();

    default boolean mayAct() {
        return status().authority();
    }

    /**
     * Waits at most {@code timeout} until the coordinator knows who leads (at start: connected and elected),
     * so a first decision is not taken on "not known yet"; true when known.
     */
    default boolean awaitLeader(java.time.Duration timeout) throws InterruptedException {
        return true;
    }

    /**
     * Publishes where this agent's API answers, so that another agent's API can forward an operator action to
     * it while it leads (docs/ha.md). Nothing to publish in local mode.
     */
    default void advertise(String apiUrl) {}

    /** The cluster epoch (the fencing token) as the coordination service holds it; empty when it cannot say. */
    OptionalLong epoch();

    /**
     * The epoch as last seen in the coordination service, from a cache kept by a watch: never blocks, so the
     * monitor's tick may ask. Empty when none is known (the single monitor: the journal holds it).
     */
    default OptionalLong knownEpoch() {
        return OptionalLong.empty();
    }

    /**
     * Moves the epoch from {@code expected} to {@code next} only if nobody moved it since (compare-and-set);
     * blocking, within the coordinator's deadline. Callers hold authority; the compare-and-set is what
     * stops a leader that lost it without knowing yet.
     *
     * @throws IllegalArgumentException when {@code next} is not above {@code expected}: a fencing token only grows
     */
    EpochUpdate advanceEpoch(long expected, long next);

    /** The cluster's failovers in the coordination service ({@code /run/current}, {@code /runs}); empty in local mode. */
    default java.util.Optional<ZooKeeperRuns> runs() {
        return java.util.Optional.empty();
    }

    /**
     * Publishes this agent's latest look at the primary for the leader's quorum (ZooKeeper:
     * {@code /observations/AGENT}); never blocks. The single monitor has nobody to tell.
     */
    default void publish(PrimaryObservation observation) {}

    /**
     * The connected agents and their observations, for {@link QuorumVerdict}; empty for the single monitor,
     * which decides alone. Never blocks (read from caches).
     */
    default java.util.Optional<AgentViews> agentViews() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
