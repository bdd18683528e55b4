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
     * Moves the epoch from {@code expected} to {@code next} only if nobody moved it since (compare-and-set);
     * blocking, within the coordinator's deadline. Callers hold authority; the compare-and-set is what
     * stops a leader that lost it without knowing yet.
     *
     * @throws IllegalArgumentException when {@code next} is not above {@code expected}: a fencing token only grows
     */
    EpochUpdate advanceEpoch(long expected, long next);

    @Override
    void close();
}
