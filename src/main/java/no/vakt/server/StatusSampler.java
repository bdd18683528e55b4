package no.vakt.server;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.status.StatusProbe;
import no.vakt.status.StatusReport;

/**
 * Runs the same inspection as {@code vakt status} in the background and keeps the latest report, so an
 * HTTP request never waits on a database (a dead node takes up to the probe deadline to give up).
 * One daemon thread, fixed delay: a slow probe never piles up probes.
 */
public final class StatusSampler implements Closeable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatusSampler.class);

    /** The latest report and the raw states it was made from. */
    public record Sample(StatusReport report, List<NodeState> states) {}

    private final VaktConfig config;
    private final StatusProbe probe;
    private final Clock clock;
    private final Duration period;
    private final AtomicReference<Sample> latest = new AtomicReference<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vakt-status-sampler");
        t.setDaemon(true);
        return t;
    });

    public StatusSampler(VaktConfig config, Clock clock, Duration period) {
        this.config = config;
        this.probe = StatusProbe.forConfig(config);
        this.clock = clock;
        this.period = period;
    }

    public StatusSampler start() {
        scheduler.scheduleWithFixedDelay(this::sampleSafely, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public Optional<Sample> latest() {
        return Optional.ofNullable(latest.get());
    }

    private void sampleSafely() {
        try {
            List<NodeState> states = probe.inspectAll(config);
            latest.set(new Sample(StatusReport.from(config, states, clock.instant()), states));
        } catch (RuntimeException e) {
            // A scheduled task that throws never runs again: keep sampling.
            LOG.warn("status sample failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
