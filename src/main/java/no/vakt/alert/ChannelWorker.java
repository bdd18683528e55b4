package no.vakt.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's queue and the thread that empties it, so a slow or failing channel delays only
 * itself: never the sender, never the other channels. Each alert gets up to
 * {@link RetryPolicy#maxAttempts} attempts with backoff between them; every outcome goes to
 * {@code outcomes}.
 *
 * <p>Lifecycle: started by the constructor; {@link #stop(Instant)} asks the thread to finish what is
 * queued by the deadline (no new retries are waited for past it), and {@link #join} waits for it;
 * whatever is left is reported as dropped.
 */
final class ChannelWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelWorker.class);
    /** How often an idle worker looks at the stop flag. */
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final Channel channel;
    private final AlertQueue queue;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Consumer<DeliveryOutcome> outcomes;
    private final Thread thread;
    private volatile Instant stopBy;

    ChannelWorker(Channel channel, int queueSize, RetryPolicy retry, Sleeper sleeper, Clock clock,
            Consumer<DeliveryOutcome> outcomes) {
        this.channel = channel;
        this.queue = new AlertQueue(queueSize);
        this.retry = retry;
        this.sleeper = sleeper;
        this.clock = clock;
        this.outcomes = outcomes;
        this.thread = new Thread(this::loop, "vakt-alerts-" + channel.name());
        thread.setDaemon(true);
        thread.start();
    }

    Channel channel() {
        return channel;
    }

    /** Queues an alert; never blocks. A queue overflow is reported as a dropped outcome. */
    void offer(AlertQueue.Envelope e) {
        if (stopBy != null) {
            report(e, DeliveryOutcome.Result.DROPPED, 0, Duration.ZERO, "alerts are shutting down");
            return;
        }
        queue.offer(e).ifPresent(dropped -> report(dropped, DeliveryOutcome.Result.DROPPED, 0, Duration.ZERO,
                "queue full (" + queue.size() + " waiting): dropped to make room for more severe alerts"));
    }

    void stop(Instant deadline) {
        stopBy = deadline;
        queue.wake();
    }

    /** Waits for the thread until the deadline, then interrupts it; reports what was never tried. */
    void join(Instant deadline) {
        try {
            long ms = Duration.between(Instant.now(), deadline).toMillis();
            if (ms > 0) thread.join(ms);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AlertQueue.Envelope left : queue.drain()) {
            report(left, DeliveryOutcome.Result.DROPPED, 0, Duration.ZERO, "not sent before shutdown");
        }
    }

    private void loop() {
        try {
            while (true) {
                AlertQueue.Envelope e = queue.poll(IDLE_POLL);
                if (e == null) {
                    if (stopBy != null) return;
                    continue;
                }
                deliver(e);
            }
        } catch (InterruptedException e) {
            // Shutdown past its deadline: join() reports what is left.
        }
    }

    private void deliver(AlertQueue.Envelope e) throws InterruptedException {
        Instant start = clock.instant();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                channel.deliver(e.alert(), e.id(), e.raisedAt());
                report(e, DeliveryOutcome.Result.DELIVERED, attempt, Duration.between(start, clock.instant()), null);
                return;
            } catch (DeliveryException failure) {
                boolean again = retry.mayRetry(failure.retryable(), attempt);
                Duration wait = again ? retry.delayAfter(attempt, failure.retryAfter()) : Duration.ZERO;
                Instant deadline = stopBy;
                if (again && deadline != null && Instant.now().plus(wait).isAfter(deadline)) {
                    report(e, DeliveryOutcome.Result.FAILED, attempt, Duration.between(start, clock.instant()),
                            failure.getMessage() + " (no further attempt: shutting down)");
                    return;
                }
                if (!again) {
                    report(e, DeliveryOutcome.Result.FAILED, attempt, Duration.between(start, clock.instant()),
                            failure.getMessage() + (failure.retryable() ? "" : " (not retryable)"));
                    return;
                }
                LOG.info("alert '{}' to {}: attempt {} failed ({}); next in {} ms", e.alert().event(), channel.name(),
                        attempt, failure.getMessage(), wait.toMillis());
                sleeper.sleep(wait);
            } catch (RuntimeException bug) {
                report(e, DeliveryOutcome.Result.FAILED, attempt, Duration.between(start, clock.instant()),
                        "internal error: " + bug);
                return;
            }
        }
    }

    private void report(AlertQueue.Envelope e, DeliveryOutcome.Result result, int attempts, Duration elapsed,
            String error) {
        try {
            outcomes.accept(new DeliveryOutcome(channel.name(), channel.type(), e, result, attempts, elapsed, error));
        } catch (RuntimeException ex) {
            LOG.error("could not record the outcome of alert '{}' on {}: {}", e.alert().event(), channel.name(), ex.toString());
        }
    }
}
