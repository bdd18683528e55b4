package no.vakt.warmup;

import java.io.Closeable;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.vakt.cluster.Sleeper;
import no.vakt.config.WarmupConfig;
import no.vakt.roles.LiveRoles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the standby's warmth every interval on its own thread, from the live roles the monitor settled,
 * and only while this agent may act (the monitor's ActingGate): warming reads on the standby are an action on
 * the cluster, two agents warming at once would double the cost. The last result is published for status,
 * metrics and the dashboard; {@link #refreshNow()} runs one at once (before a planned switchover).
 */
public final class WarmupLoop implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmupLoop.class);

    private final Warmup warmup;
    private final Supplier<LiveRoles> roles;
    private final BooleanSupplier mayAct;
    private final Consumer<String> out;
    private final Consumer<WarmupResult> onResult;
    private final ScheduledExecutorService thread;
    private final Object refreshing = new Object();

    private WarmupLoop(Warmup warmup, Supplier<LiveRoles> roles, BooleanSupplier mayAct, Consumer<String> out,
            Consumer<WarmupResult> onResult) {
        this.onResult = onResult;
        this.warmup = warmup;
        this.roles = roles;
        this.mayAct = mayAct;
        this.out = out;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vakt-warmup");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts refreshing every {@code config.interval()}, the first one interval from now (a monitor that just
     * started has settled nothing yet). Null when warming is disabled.
     */
    public static WarmupLoop start(WarmupConfig config, Clock clock, Supplier<LiveRoles> roles, BooleanSupplier mayAct,
            Consumer<String> out, Consumer<WarmupResult> onResult) {
        if (!config.enabled()) return null;
        WarmupLoop loop = new WarmupLoop(new Warmup(config, clock, Sleeper.REAL), roles, mayAct, out, onResult);
        long ms = config.interval().toMillis();
        loop.thread.scheduleWithFixedDelay(loop::refreshQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return loop;
    }

    /** One refresh now, on the caller's thread (never two at once); empty when it may not act or failed. */
    public Optional<WarmupResult> refreshNow() {
        synchronized (refreshing) {
            LiveRoles r = roles.get();
            if (r == null || !mayAct.getAsBoolean()) return Optional.empty();
            try {
                WarmupResult result = warmup.refresh(r.primary(), r.standby());
                say(result.summary());
                onResult.accept(result);
                return Optional.of(result);
            } catch (java.sql.SQLException e) {
                say("warmup of " + r.standby().name() + " failed: " + e.getMessage());
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private void refreshQuietly() {
        try {
            refreshNow();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; keep warming.
            LOG.warn("warmup: unexpected error: {}", e.toString());
        }
    }

    private void say(String line) {
        LOG.info(line);
        try {
            out.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("could not print: {}", e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
