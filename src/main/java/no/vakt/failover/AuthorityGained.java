package no.vakt.failover;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action each time this agent gains authority (and at start if it has it): with agents, crash recovery
 * of a failover the previous leader left running ({@link ClusterRuns}). It watches the coordinator's non-blocking
 * answer on its own thread, so a takeover is noticed within {@code every}, whatever the monitor is doing.
 */
public final class AuthorityGained implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityGained.class);
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vakt-authority-gained");
        t.setDaemon(true);
        return t;
    });
    private boolean had;

    private AuthorityGained(BooleanSupplier authority, Runnable action, Duration every) {
        thread.scheduleWithFixedDelay(() -> {
            boolean has = authority.getAsBoolean();
            boolean gained = has && !had;
            had = has;
            if (!gained) return;
            try {
                action.run();
            } catch (RuntimeException e) {
                // Tried again at the next gain of authority; the monitor goes on meanwhile.
                LOG.error("after gaining authority: {}", e.toString(), e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static AuthorityGained start(BooleanSupplier authority, Runnable action, Duration every) {
        return new AuthorityGained(authority, action, every);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
