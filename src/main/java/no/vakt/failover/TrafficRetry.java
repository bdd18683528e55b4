package no.vakt.failover;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Doubling;
import no.vakt.cluster.Severity;
import no.vakt.config.VaktConfig;
import no.vakt.failover.plan.Decision;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.roles.LivePrimaries;
import no.vakt.status.StatusProbe;
import no.vakt.traffic.ConfiguredTrafficSwitch;
import no.vakt.traffic.TrafficResult;
import no.vakt.traffic.TrafficState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vakt run}'s retry of a traffic switch left pending ({@link TrafficState#pending}): by a failover
 * whose HANDOVER could not move traffic, a switchover, a {@code vakt traffic apply} or the dashboard's
 * apply, in this process or another one sharing the journal, or before a restart. It switches again with
 * backoff until every entry points at the node or the roles change, and journals each attempt.
 *
 * <p>Safe to repeat: each provider first reads where its entry points and leaves one that already points
 * at the node alone, so an attempt after a switch that did reach the server changes nothing. Before each
 * attempt, and while holding the switch ({@link ConfiguredTrafficSwitch#serially}), it checks that the
 * switch still applies ({@link #decide}): the node must still be the live primary, read from the servers,
 * and no later failover or switchover may have raised the epoch; otherwise the pending switch is
 * abandoned (journaled), never applied to a node that is not the primary.
 *
 * <p>No attempt limit, on purpose: users sent to a node that is not the primary is the condition, and it
 * lasts as long as the switch is pending. Each attempt is bounded by the entries' own retry policy and
 * verify timeouts, and the pause between attempts doubles up to {@link Backoff#max()}, so the loop costs
 * at most one attempt per {@code max} (288 a day at the default 5 minutes).
 *
 * <p>One thread. Lifecycle: LATENT, STARTED by {@link #start()}, CLOSED by {@link #close()} (idempotent).
 */
public final class TrafficRetry implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficRetry.class);

    /**
     * The pause before the n-th retry: {@code first}, doubling, at most {@code max}.
     *
     * @param poll how often the journal is read while nothing is pending (a switch left pending by another
     *     process is picked up within it) and the longest single wait
     */
    public record Backoff(Duration first, Duration max, Duration poll) {
        /**
         * 10 s: past the pauses the switch's own retry policy already waited out (5 attempts, about 8 s);
         * 5 min: a fixed key, firewall rule or provider outage is picked up within 5 minutes; 30 s: a switch
         * left pending by {@code vakt promote} in another process is retried within 30 s + 10 s.
         */
        public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofSeconds(30));

        public Backoff {
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || poll.isZero() || poll.isNegative()) {
                throw new IllegalArgumentException("expected 0 < first <= max and a positive poll");
            }
        }

        /** The pause after {@code failures} attempts that did not switch (0: before the first retry). */
        public Duration after(int failures) {
            return Doubling.capped(first, max, failures);
        }
    }

    /** Reads the live roles (I/O); see {@link #fromServers}. */
    @FunctionalInterface
    public interface Roles {
        LivePrimaries read();
    }

    enum Verdict { ATTEMPT, ABANDON, WAIT }

    record Decision(Verdict verdict, String reason) {}

    private enum Lifecycle { LATENT, STARTED, CLOSED }

    private final ConfiguredTrafficSwitch traffic;
    private final Journal journal;
    private final String cluster;
    private final Roles roles;
    private final AlertSink alerts;
    private final Clock clock;
    private final Backoff backoff;
    private final Consumer<String> out;
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    private final Thread thread;
    private final ActingGate gate;

    public TrafficRetry(ConfiguredTrafficSwitch traffic, Journal journal, Roles roles, AlertSink alerts, Clock clock,
            Backoff backoff, Consumer<String> out) {
        this(traffic, journal, roles, alerts, clock, backoff, out, ActingGate.ALWAYS);
    }

    /** @param gate asked before each attempt: only an agent with authority switches traffic */
    public TrafficRetry(ConfiguredTrafficSwitch traffic, Journal journal, Roles roles, AlertSink alerts, Clock clock,
            Backoff backoff, Consumer<String> out, ActingGate gate) {
        this.gate = gate;
        this.traffic = traffic;
        this.journal = journal;
        this.cluster = traffic.config().cluster();
        this.roles = roles;
        this.alerts = alerts;
        this.clock = clock;
        this.backoff = backoff;
        this.out = out;
        this.thread = new Thread(this::loop, "vakt-traffic-retry");
        thread.setDaemon(true);
    }

    /** The live roles of {@code config}'s nodes, read at once, each in a fresh session bounded by the check timeout. */
    public static Roles fromServers(VaktConfig config) {
        StatusProbe probe = StatusProbe.forConfig(config);
        return () -> LivePrimaries.of(probe.inspectAll(config));
    }

    /**
     * Whether the pending switch still applies. Pure. Abandoned when a later failover or switchover raised
     * the epoch past the switch's, or when another node is the live primary; a wait when the live primary
     * cannot be told (no switch is made blind); else an attempt.
     */
    static Decision decide(TrafficState.Pending p, long journalEpoch, LivePrimaries live) {
        if (journalEpoch > p.epoch()) {
            return new Decision(Verdict.ABANDON, "the epoch moved to " + journalEpoch + " (a later failover or"
                    + " switchover) after this switch's epoch " + p.epoch());
        }
        Optional<String> primary = live.single();
        if (primary.isPresent() && !primary.get().equals(p.node())) {
            return new Decision(Verdict.ABANDON, p.node() + " is no longer the live primary (" + live.roles() + ")");
        }
        if (primary.isEmpty()) {
            return new Decision(Verdict.WAIT, "cannot tell the live primary (" + live.roles() + "): not switching blind");
        }
        return new Decision(Verdict.ATTEMPT, p.node() + " is the live primary");
    }

    public TrafficRetry start() {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("the traffic retry was already " + lifecycle.get().name().toLowerCase());
        }
        thread.start();
        return this;
    }

    /** Looks at the journal now instead of at the next poll (a failover just left traffic pending). */
    public void wake() {
        wakeups.release();
    }

    /**
     * Stops retrying. An attempt in flight is interrupted (the switch then reports "interrupted", and the
     * switch stays pending for the next start); waits a bounded time for the thread.
     */
    @Override
    public void close() {
        Lifecycle before = lifecycle.getAndSet(Lifecycle.CLOSED);
        if (before != Lifecycle.STARTED) return;
        wakeups.release();
        thread.interrupt();
        try {
            // An interrupted attempt ends within one DNS/HTTP timeout; 10 s covers the configured defaults.
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        int failures = 0;
        String retrying = null;
        while (lifecycle.get() == Lifecycle.STARTED) {
            try {
                Optional<TrafficState.Pending> pending = TrafficState.pending(journal, cluster);
                if (pending.isEmpty()) {
                    failures = 0;
                    retrying = null;
                    pause(backoff.poll());
                    continue;
                }
                TrafficState.Pending p = pending.get();
                String key = p.node() + "@" + p.epoch() + "@" + p.since();
                if (!key.equals(retrying)) {
                    retrying = key;
                    failures = 0;
                }
                Instant due = p.lastAttempt().plus(backoff.after(failures));
                Instant now = clock.instant();
                if (now.isBefore(due)) {
                    Duration left = Duration.between(now, due);
                    pause(left.compareTo(backoff.poll()) < 0 ? left : backoff.poll());
                    continue;
                }
                if (!gate.mayAct("traffic switch to " + p.node())) {
                    pause(backoff.poll());
                    continue;
                }
                failures++;
                // Numbered by the journal (the failed switch that left it pending was the first attempt), so the
                // count goes on across restarts; the pause counts only this process's attempts.
                attempt(p, p.attempts(), backoff.after(failures));
            } catch (InterruptedException e) {
                return; // closed
            } catch (RuntimeException e) {
                // The journal or a server failed this round: keep retrying, but not in a tight loop.
                LOG.error("traffic retry failed: {}", e.toString(), e);
                try {
                    pause(backoff.poll());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** @param next the pause before the following attempt, should this one fail */
    private void attempt(TrafficState.Pending p, int retry, Duration next) {
        traffic.serially(() -> {
            // Inside the switch's lock: nothing switches between this check and the attempt.
            Optional<TrafficState.Pending> still = TrafficState.pending(journal, cluster)
                    .filter(q -> q.node().equals(p.node()) && q.epoch() == p.epoch());
            if (still.isEmpty()) return null; // switched (or changed) meanwhile, by us or by hand
            Decision d = decide(p, journal.currentEpoch(), roles.read());
            switch (d.verdict()) {
                case ABANDON -> {
                    TrafficState.abandon(journal, p, d.reason());
                    print("traffic switch to " + p.node() + " no longer retried: " + d.reason());
                }
                case WAIT -> {
                    LOG.warn("traffic retry {} to {} postponed: {}", retry, p.node(), d.reason());
                    print("traffic retry " + retry + " to " + p.node() + " postponed: " + d.reason());
                }
                case ATTEMPT -> switchAgain(p, retry, next);
            }
            return null;
        });
    }

    private void switchAgain(TrafficState.Pending p, int retry, Duration next) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("retry", retry);
        d.put("node", p.node());
        d.put("epoch", p.epoch());
        d.put("pending_since", p.since().toString());
        journal.append(EventKind.TRAFFIC, cluster, p.node(), "traffic retry " + retry + ": switching to " + p.node()
                + " again (pending since " + p.since() + ", last error: " + p.error() + ")", d);
        print("traffic retry " + retry + ": switching to " + p.node() + " again");
        List<TrafficResult> results = traffic.apply(cluster, p.node(), p.epoch());
        List<TrafficResult> failed = results.stream().filter(r -> !r.ok()).toList();
        if (!failed.isEmpty()) {
            String why = String.join("; ", failed.stream().map(r -> "[" + r.index() + "] " + r.error()).toList());
            print("traffic retry " + retry + " to " + p.node() + " failed: " + why + "; next in "
                    + no.vakt.config.Durations.format(next));
            return;
        }
        String line = "traffic switched to " + p.node() + " on retry " + retry + " (pending since " + p.since() + ")";
        print(line);
        LOG.info(line);
        try {
            alerts.send(new Alert(Severity.INFO, cluster, "traffic switched to " + p.node(),
                    "every traffic entry (" + results.size() + ") points at " + p.node() + " now, on retry " + retry
                            + "; the switch was pending since " + p.since() + " (" + p.error() + ")",
                    "nothing: users are sent to the primary again", AlertKind.OTHER, p.node()));
        } catch (RuntimeException e) {
            LOG.error("alert not delivered: {}", e.getMessage());
        }
    }

    private void pause(Duration d) throws InterruptedException {
        if (wakeups.tryAcquire(Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS)) wakeups.drainPermits();
        if (lifecycle.get() != Lifecycle.STARTED) throw new InterruptedException("closed");
    }

    private void print(String line) {
        try {
            out.accept(clock.instant() + " " + line);
        } catch (RuntimeException e) {
            LOG.warn("could not print: {}", e.toString());
        }
    }
}
