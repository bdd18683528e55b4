package no.vakt.coordination;

import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Vakt without {@code coordination:}: one monitor, which has authority while it holds the journal's cluster
 * lock (a second {@code vakt run} on the same journal is refused). The epoch lives in the journal and the
 * databases as before; there is no rival writer here, so {@link #advanceEpoch} has nothing to compare with.
 */
public final class LocalCoordinator implements Coordinator {
    private final String agent;
    private final BooleanSupplier lockHeld;
    private final Instant since;

    /** @param lockHeld whether this process still holds the journal's cluster lock */
    public LocalCoordinator(String agent, BooleanSupplier lockHeld, Clock clock) {
        this.agent = agent;
        this.lockHeld = lockHeld;
        this.since = clock.instant();
    }

    @Override
    public CoordinatorStatus status() {
        boolean held = lockHeld.getAsBoolean();
        return new CoordinatorStatus(CoordinatorStatus.Mode.LOCAL, agent, held ? agent : null, SessionState.LOCAL, since,
                held, held ? "single monitor holding the journal's cluster lock" : "the journal's cluster lock is not held");
    }

    @Override
    public OptionalLong epoch() {
        return OptionalLong.empty();
    }

    @Override
    public EpochUpdate advanceEpoch(long expected, long next) {
        Epochs.requireGrowth(expected, next);
        return new EpochUpdate.Advanced(next);
    }

    @Override
    public void close() {
        // nothing held here: the lock belongs to the command that took it
    }
}
