package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertSink;
import no.vakt.alert.Severity;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies every configured {@code traffic:} entry, in order, to the new primary. Each entry is opened
 * afresh (secrets are read at use), applied with the {@link RetryPolicy}, then verified where it counts;
 * its start and its outcome, with the time until the change was visible, are journaled.
 *
 * <p>A failed entry does not stop the others: a balancer that moved is better than none. A failure
 * never undoes the promotion either (the old primary is fenced, moving back would be worse): it is
 * alerted CRITICAL with the command that re-runs the switch, and {@link #routeTo} throws so the
 * failover step reports it.
 */
public final class ConfiguredTrafficSwitch implements TrafficSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredTrafficSwitch.class);

    private final VaktConfig config;
    private final Journal journal;
    private final AlertSink alerts;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Clock clock;

    /** @param journal where each attempt is recorded; null records nothing (a dry run) */
    public ConfiguredTrafficSwitch(VaktConfig config, Journal journal, AlertSink alerts, RetryPolicy retry, Sleeper sleeper,
            Clock clock) {
        this.config = config;
        this.journal = journal;
        this.alerts = alerts;
        this.retry = retry;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    @Override
    public void routeTo(String cluster, String node, long epoch) throws TrafficException {
        List<TrafficResult> results = apply(cluster, node, epoch);
        List<TrafficResult> failed = results.stream().filter(r -> !r.ok()).toList();
        if (failed.isEmpty()) return;
        String evidence = failed.stream().map(r -> "[" + r.index() + "] " + r.error()).collect(Collectors.joining("; "));
        Alert alert = new Alert(Severity.CRITICAL, cluster,
                "traffic switch to " + node + " failed for " + failed.size() + " of " + results.size() + " entries",
                evidence, node + " stays primary (a traffic failure never undoes a promotion); users may still be sent"
                        + " elsewhere: fix the cause, then run: vakt traffic apply --node " + node);
        alert(alert, node);
        throw new TrafficException(failed.size() + " of " + results.size() + " traffic entries failed: " + evidence, false);
    }

    /** Applies every entry to {@code node} and returns each outcome; never throws for a provider's failure. */
    public List<TrafficResult> apply(String cluster, String node, long epoch) {
        List<TrafficResult> out = new ArrayList<>();
        for (int i = 0; i < config.traffic().size(); i++) {
            out.add(applyOne(cluster, i, config.traffic().get(i), node, epoch));
        }
        return out;
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
            RetryPolicy.Attempted<TrafficProvider.ApplyOutcome> applied = retry.run(() -> provider.apply(node, epoch), sleeper);
            attempts = applied.attempts();
            outcome = applied.value();
            Duration visible = provider.verify(node, entry.verifyTimeout());
            return finish(cluster, node, start, new TrafficResult(index, name, outcome, attempts, visible, null));
        } catch (RetryPolicy.AttemptsExhausted e) {
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
        String summary = "traffic [" + r.index() + "] " + r.entry() + " -> " + node + ": " + r.label()
                + (r.timeToVisible() != null ? ", visible after " + r.timeToVisible().toMillis() + " ms" : "")
                + (r.error() != null ? ": " + r.error() : "");
        journal(cluster, node, summary, d);
        if (r.ok()) LOG.info("[{}] {}", cluster, summary);
        else LOG.error("[{}] {}", cluster, summary);
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

    private void alert(Alert a, String node) {
        try {
            alerts.send(a);
        } catch (RuntimeException e) {
            LOG.error("alert not delivered: {}", e.getMessage());
        }
        if (journal == null) return;
        try {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("severity", a.severity().name());
            details.put("evidence", a.evidence());
            details.put("action", a.action());
            journal.append(EventKind.ALERT, a.cluster(), node, a.event(), details);
        } catch (RuntimeException e) {
            LOG.error("could not journal the alert '{}': {}", a.event(), e.getMessage());
        }
    }

    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
