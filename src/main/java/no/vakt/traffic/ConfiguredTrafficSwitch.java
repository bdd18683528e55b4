package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies every configured {@code traffic:} entry, in order, to the new primary. Each entry is opened
 * afresh (secrets are read at use), applied with the {@link RetryPolicy}, then verified where it counts;
 * its start and its outcome, with the time until the change was visible, are journaled, and so is the
 * result of the whole switch ({@link TrafficState}: switched, or pending).
 *
 * <p>A failed entry does not stop the others: a balancer that moved is better than none. A failure
 * never undoes the promotion either (the old primary is fenced, moving back would be worse):
 * {@link #routeTo} alerts it (CRITICAL, {@code traffic-switch-failed}, with the command that re-runs the
 * switch) and throws, so the failover's HANDOVER records traffic as pending; {@code vakt run} retries it.
 *
 * <p>One switch at a time in a process ({@link #serially}): a retry in flight and a later failover's
 * switch never interleave their entries, so the switch started last is the one that stays.
 */
public final class ConfiguredTrafficSwitch implements TrafficSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredTrafficSwitch.class);

    private final VaktConfig config;
    private final Journal journal;
    private final AlertSink alerts;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Clock clock;
    private final String applyCommand;
    private final ReentrantLock lock = new ReentrantLock();

    /** @param journal where each attempt is recorded; null records nothing (a dry run) */
    public ConfiguredTrafficSwitch(VaktConfig config, Journal journal, AlertSink alerts, RetryPolicy retry, Sleeper sleeper,
            Clock clock) {
        this(config, journal, alerts, retry, sleeper, clock, "vakt traffic apply");
    }

    /**
     * @param applyCommand the exact command its alert tells a person to run, with the {@code --config}
     *     of this process ({@code no.vakt.cluster.OperatorCommands#trafficApply})
     */
    public ConfiguredTrafficSwitch(VaktConfig config, Journal journal, AlertSink alerts, RetryPolicy retry, Sleeper sleeper,
            Clock clock, String applyCommand) {
        this.config = config;
        this.journal = journal;
        this.alerts = alerts;
        this.retry = retry;
        this.sleeper = sleeper;
        this.clock = clock;
        this.applyCommand = applyCommand;
    }

    public VaktConfig config() {
        return config;
    }

    @Override
    public void routeTo(String cluster, String node, long epoch) throws TrafficException {
        List<TrafficResult> results = apply(cluster, node, epoch);
        List<TrafficResult> failed = results.stream().filter(r -> !r.ok()).toList();
        if (failed.isEmpty()) return;
        String evidence = failed.stream().map(r -> "[" + r.index() + "] " + r.error()).collect(Collectors.joining("; "));
        alert(new Alert(Severity.CRITICAL, cluster,
                "traffic switch to " + node + " failed for " + failed.size() + " of " + results.size() + " entries",
                evidence, node + " stays the primary (a failed traffic switch never undoes a promotion), but users may"
                        + " still be sent to the old address. A running vakt run retries the switch with backoff until it"
                        + " succeeds or the roles change; once the cause is fixed, by hand: " + applyCommand,
                AlertKind.TRAFFIC_SWITCH_FAILED, node));
        throw new TrafficException(failed.size() + " of " + results.size() + " traffic entries failed: " + evidence, false);
    }

    /**
     * Runs {@code work} while no other switch of this process runs, so what {@code work} checks before it
     * switches (is the node still the primary?) still holds when it does.
     */
    public <T> T serially(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Applies every entry to {@code node} and returns each outcome; never throws for a provider's failure. */
    public List<TrafficResult> apply(String cluster, String node, long epoch) {
        return serially(() -> {
            List<TrafficResult> out = new ArrayList<>();
            for (int i = 0; i < config.traffic().size(); i++) {
                out.add(applyOne(cluster, i, TrafficEntry.of(config.traffic().get(i)), node, epoch));
            }
            try {
                TrafficState.record(journal, cluster, node, epoch, out, clock.instant());
            } catch (RuntimeException e) {
                LOG.error("could not journal the traffic switch's result: {}", e.getMessage());
            }
            return out;
        });
    }

    private TrafficResult applyOne(String cluster, int index, TrafficEntry entry, String node, long epoch) {
        Instant start = clock.instant();
        TrafficProvider provider;
        try {
            provider = entry.open(config);
        } catch (TrafficException | RuntimeException e) {
            String name = TrafficView.typeOf(entry);
            journalStart(cluster, index, name, node, epoch);
            return finish(cluster, node, start, new TrafficResult(index, name, null, 0, null, message(e)));
        }
        String name = provider.describe();
        journalStart(cluster, index, name, node, epoch);
        int attempts = 0;
        TrafficProvider.ApplyOutcome outcome = null;
        try {
            TrafficCalls.Attempted<TrafficProvider.ApplyOutcome> applied = TrafficCalls.run(retry, () -> provider.apply(node, epoch), sleeper);
            attempts = applied.attempts();
            outcome = applied.value();
            Duration visible = provider.verify(node, entry.verifyTimeout());
            List<String> notes = provider.verifyNotes();
            return finish(cluster, node, start, new TrafficResult(index, name, outcome, attempts, visible, null,
                    notes.isEmpty() ? null : String.join("; ", notes)));
        } catch (TrafficCalls.AttemptsExhausted e) {
            return finish(cluster, node, start, new TrafficResult(index, name, null, e.attempts(), null,
                    e.getMessage() + (e.attempts() > 1 ? " (after " + e.attempts() + " attempts)" : "")));
        } catch (TrafficException | RuntimeException e) {
            // Applied (or unchanged) but not verified: still a failure, users may not see it.
            return finish(cluster, node, start, new TrafficResult(index, name, outcome, attempts, null, message(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(cluster, node, start, new TrafficResult(index, name, outcome, attempts, null, "interrupted"));
        }
    }

    private void journalStart(String cluster, int index, String name, String node, long epoch) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("entry", name);
        d.put("index", index);
        d.put("epoch", epoch);
        journal(cluster, node, "traffic [" + index + "] " + name + " -> " + node + " started", d);
    }

    private TrafficResult finish(String cluster, String node, Instant start, TrafficResult r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("entry", r.entry());
        d.put("index", r.index());
        d.put("outcome", r.label().toLowerCase());
        d.put("attempts", r.attempts());
        d.put("time_to_visible_ms", r.timeToVisible() == null ? null : r.timeToVisible().toMillis());
        d.put("elapsed_ms", Duration.between(start, clock.instant()).toMillis());
        if (r.error() != null) d.put("error", r.error());
        if (r.note() != null) d.put("note", r.note());
        String summary = "traffic [" + r.index() + "] " + r.entry() + " -> " + node + ": " + r.label()
                + (r.timeToVisible() != null ? ", visible after " + r.timeToVisible().toMillis() + " ms" : "")
                + (r.error() != null ? ": " + r.error() : "")
                + (r.note() != null ? " (note: " + r.note() + ")" : "");
        journal(cluster, node, summary, d);
        if (!r.ok()) LOG.error("[{}] {}", cluster, summary);
        else if (r.note() != null) LOG.warn("[{}] {}", cluster, summary);
        else LOG.info("[{}] {}", cluster, summary);
        return r;
    }

    private void journal(String cluster, String node, String summary, Map<String, Object> details) {
        if (journal == null) return;
        try {
            journal.append(EventKind.TRAFFIC, cluster, node, summary, details);
        } catch (RuntimeException e) {
            // The switch itself matters more than its record; the log still has it.
            LOG.error("could not journal '{}': {}", summary, e.getMessage());
        }
    }

    /** The sink journals it (the dispatcher); a sink that throws must not stop the switch's caller. */
    private void alert(Alert a) {
        try {
            alerts.send(a);
        } catch (RuntimeException e) {
            LOG.error("alert not delivered: {}", e.getMessage());
        }
    }

    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
