package no.vakt.failover;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action each time this agent gains authority (and at start if it has it), and again at most every
 * {@link #AGAIN} polls while it holds authority and {@code pending} says there is something left: with agents, crash
 * recovery of a failover the previous leader left running ({@link ClusterRuns}), or one this agent stopped because
 * ZooKeeper did not take a step. It watches the coordinator's non-blocking answer on its own thread, so a
 * takeover is noticed within {@code every}, whatever the monitor is doing.
 */
public final class AuthorityGained implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityGained.class);
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vakt-authority-gained");
        t.setDaemon(true);
        return t;
    });
    /** How soon, in polls, the action runs again while authority holds and something is pending (5 s at 250 ms). */
    static final int AGAIN = 20;
    private boolean had;
    /** Polls since the action last ran: counted, not timed, so a slow machine stretches the spacing, never shrinks it. */
    private int sinceRun;

    private AuthorityGained(BooleanSupplier authority, BooleanSupplier pending, Runnable action, Duration every) {
        thread.scheduleWithFixedDelay(() -> {
            boolean has = authority.getAsBoolean();
            boolean gained = has && !had;
            had = has;
            sinceRun++;
            boolean again = has && !gained && sinceRun >= AGAIN && pending.getAsBoolean();
            if (!gained && !again) return;
            sinceRun = 0;
            try {
                action.run();
            } catch (RuntimeException e) {
                // Tried again at the next gain of authority; the monitor goes on meanwhile.
                LOG.error("after gaining authority: {}", e.toString(), e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static AuthorityGained start(BooleanSupplier authority, BooleanSupplier pending, Runnable action, Duration every) {
        return new AuthorityGained(authority, pending, action, every);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
