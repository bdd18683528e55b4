package no.vakt.alert;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Sleeper;
import no.vakt.config.AlertsConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AlertSink} of {@code vakt run}, {@code promote} and {@code switchover}: journals every alert,
 * groups repeats ({@link AlertGrouper}), and hands what goes out to one {@link ChannelWorker} per
 * channel. {@link #send} does only the journal write and in-memory work and returns: delivery, retries
 * and slow receivers happen on the workers' threads and never delay a failover.
 *
 * <p>Journal: each alert as {@link EventKind#ALERT} (details: severity, kind, evidence, action, and
 * {@code grouped} when it was counted instead of sent), each channel's outcome as
 * {@link EventKind#ALERT_DELIVERY} (channel, attempts, delivered / failed / dropped, the error).
 * Secrets never appear: channels keep them out of their errors.
 *
 * <p>Lifecycle: started by the constructor; {@link #close()} flushes pending repeat counts as
 * summaries, lets the workers finish within the drain timeout, and reports what is left as dropped.
 * After close, alerts are still logged and journaled but not delivered.
 */
public final class AlertDispatcher implements AlertSink, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);

    private enum State { STARTED, CLOSED }

    private final Journal journal;
    private final Clock clock;
    private final AlertSink log;
    private final String approveUrl;
    private final Duration drainTimeout;
    private final AlertGrouper grouper;
    private final List<ChannelWorker> workers = new ArrayList<>();
    private final ScheduledExecutorService ticker;
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTED);
    private final java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<DeliveryOutcome> listener = o -> { };

    /**
     * @param journal where alerts and outcomes are recorded; null records nothing (tests)
     * @param log also receives every alert, sent or grouped (the log line)
     */
    AlertDispatcher(List<Channel> channels, AlertsConfig settings, Journal journal, Clock clock, Sleeper sleeper,
            RetryPolicy retry, AlertSink log, Duration drainTimeout) {
        this.journal = journal;
        this.clock = clock;
        this.log = log;
        this.approveUrl = settings.approveUrl() == null ? null : settings.approveUrl().toString();
        this.drainTimeout = drainTimeout;
        this.grouper = new AlertGrouper(settings.groupWindow());
        for (Channel c : channels) {
            workers.add(new ChannelWorker(c, settings.queueSize(), retry, sleeper, clock, this::record));
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vakt-alerts-groups");
            t.setDaemon(true);
            return t;
        });
        // A tenth of the window (at least a second) ends each window at most 10 % late.
        long tick = Math.max(1000, settings.groupWindow().toMillis() / 10);
        ticker.scheduleWithFixedDelay(this::flushExpired, tick, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public void send(Alert alert) {
        try {
            Alert a = alert;
            if (a.kind() == AlertKind.APPROVAL_NEEDED && a.link() == null && approveUrl != null) a = a.withLink(approveUrl);
            safeLog(a);
            Instant now = clock.instant();
            AlertGrouper.Verdict v;
            List<Alert> summaries;
            synchronized (grouper) {
                summaries = grouper.expire(now);
                v = grouper.offer(a, now);
            }
            summaries.forEach(s -> dispatch(s, now, journalAlert(s, null)));
            long id = journalAlert(v.deliver() ? v.send() : a, v.deliver() ? null : v.repeat());
            if (v.deliver()) {
                dispatch(v.send(), now, id);
            } else {
                count("grouped");
            }
        } catch (RuntimeException e) {
            // Never let alerting break the caller (a failover): log and go on.
            LOG.error("could not handle alert '{}': {}", alert.event(), e.toString(), e);
        }
    }

    /** {@code vakt alert test}: to every channel whatever its min-severity, never grouped. */
    void sendToEveryChannel(Alert a, java.util.function.Consumer<DeliveryOutcome> outcomes) {
        listener = outcomes;
        safeLog(a);
        Instant now = clock.instant();
        AlertQueue.Envelope e = new AlertQueue.Envelope(a, UUID.randomUUID().toString(), now, journalAlert(a, null));
        workers.forEach(w -> w.offer(e));
    }

    /** Sends the summaries of repeat windows that ended; runs on the ticker, callable from tests. */
    void flushExpired() {
        try {
            Instant now = clock.instant();
            List<Alert> summaries;
            synchronized (grouper) {
                summaries = grouper.expire(now);
            }
            for (Alert s : summaries) {
                safeLog(s);
                dispatch(s, now, journalAlert(s, null));
            }
        } catch (RuntimeException e) {
            LOG.error("could not send repeat summaries: {}", e.toString(), e);
        }
    }

    /** Deliveries so far by outcome (delivered, failed, dropped, grouped), for metrics. */
    public Map<String, Long> outcomeCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : List.of("delivered", "failed", "dropped", "grouped")) {
            out.put(k, counts.getOrDefault(k, new AtomicLong()).get());
        }
        return out;
    }

    /** The configured channels by name and type, in config order. */
    public Map<String, String> channels() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ChannelWorker w : workers) out.put(w.channel().name(), w.channel().type());
        return out;
    }

    /**
     * Idempotent and safe from a shutdown hook: a second caller (the hook and the command both close)
     * waits until the first has drained, so the journal is not closed under the workers.
     */
    @Override
    public void close() {
        if (!state.compareAndSet(State.STARTED, State.CLOSED)) {
            try {
                drained.await(drainTimeout.toMillis() + 3000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            drain();
        } finally {
            drained.countDown();
        }
    }

    private void drain() {
        ticker.shutdownNow();
        Instant now = clock.instant();
        List<Alert> pending;
        synchronized (grouper) {
            pending = grouper.flush();
        }
        for (Alert s : pending) {
            safeLog(s);
            dispatchTo(s, now, journalAlert(s, null));
        }
        Instant deadline = Instant.now().plus(drainTimeout);
        workers.forEach(w -> w.stop(deadline));
        workers.forEach(w -> w.join(deadline));
    }

    private void dispatch(Alert a, Instant now, long journalId) {
        if (state.get() == State.CLOSED) {
            LOG.warn("alert '{}' not delivered: alerts are closed", a.event());
            return;
        }
        dispatchTo(a, now, journalId);
    }

    private void dispatchTo(Alert a, Instant now, long journalId) {
        AlertQueue.Envelope e = new AlertQueue.Envelope(a, UUID.randomUUID().toString(), now, journalId);
        for (ChannelWorker w : workers) {
            if (a.severity().atLeast(w.channel().minSeverity())) w.offer(e);
        }
    }

    private void record(DeliveryOutcome o) {
        count(o.result().label());
        listener.accept(o);
        Alert a = o.envelope().alert();
        String summary = o.channel() + ": " + o.result().label() + " '" + a.event() + "'"
                + (o.attempts() > 0 ? " after " + o.attempts() + (o.attempts() == 1 ? " attempt" : " attempts") : "")
                + (o.error() == null ? "" : ": " + o.error());
        if (o.result() == DeliveryOutcome.Result.DELIVERED) LOG.info("alert {}", summary);
        else LOG.warn("alert {}", summary);
        if (journal == null) return;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("channel", o.channel());
        d.put("type", o.type());
        d.put("outcome", o.result().label());
        d.put("attempts", o.attempts());
        d.put("elapsed-ms", o.elapsed().toMillis());
        if (o.error() != null) d.put("error", o.error());
        d.put("alert-id", o.envelope().alertId());
        d.put("delivery-id", o.envelope().id());
        d.put("severity", a.severity().name());
        d.put("kind", a.kind().label());
        try {
            journal.append(EventKind.ALERT_DELIVERY, a.cluster(), a.node(), summary, d);
        } catch (RuntimeException e) {
            LOG.error("could not journal the delivery outcome '{}': {}", summary, e.getMessage());
        }
    }

    /** Journals an alert; {@code repeat} is its number inside the group window when it was not sent. */
    private long journalAlert(Alert a, Integer repeat) {
        if (journal == null) return 0;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("severity", a.severity().name());
        d.put("kind", a.kind().label());
        d.put("evidence", a.evidence());
        d.put("action", a.action());
        if (a.link() != null) d.put("link", a.link());
        if (repeat != null) d.put("grouped", "repeat " + repeat + " inside the group window: counted, not sent");
        try {
            return journal.append(EventKind.ALERT, a.cluster(), a.node(), a.event(), d);
        } catch (RuntimeException e) {
            LOG.error("could not journal the alert '{}': {}", a.event(), e.getMessage());
            return 0;
        }
    }

    private void safeLog(Alert a) {
        try {
            log.send(a);
        } catch (RuntimeException e) {
            LOG.error("the alert log failed: {}", e.toString());
        }
    }

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }
}
