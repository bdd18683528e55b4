package no.vakt.failover;

import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.db.NodeState;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.maintenance.Maintenance;
import no.vakt.maintenance.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O around {@link PrimaryOpenPolicy}: gathers its facts (epochs from both nodes, the journal's
 * promotions and running records, the maintenance pause), and when it says OPEN sets read_only=OFF on the
 * primary, journals it and alerts (WARNING: a primary restarted, and writes were refused until now). A
 * WAIT is printed, journaled and alerted once per reason, not at every check; BUSY (a failover or switchover
 * runs) is left to that failover's own record. Runs on the monitor's thread.
 */
final class PrimaryOpener {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryOpener.class);

    private final String cluster;
    private final String configPrimary;
    private final Journal journal;
    private final AlertSink alerts;
    private final Clock clock;
    private final Consumer<String> out;
    private final NodeInspector inspector;
    /** ZooKeeper's epoch with agents (0 without): a journal behind it does not make a stale primary rightful. */
    private volatile java.util.function.LongSupplier clusterEpoch = () -> 0;
    private String lastWait;
    /** Per node, when the monitor last saw it writable (its clock): a start after that means a restart. */
    private final Map<String, java.time.Instant> seenWritable = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile PrimaryOpenPolicy.Verdict last;

    void clusterEpoch(java.util.function.LongSupplier epoch) {
        this.clusterEpoch = epoch;
    }

    PrimaryOpener(String cluster, String configPrimary, Journal journal, AlertSink alerts, Clock clock,
            Consumer<String> out, NodeInspector inspector) {
        this.cluster = cluster;
        this.configPrimary = configPrimary;
        this.journal = journal;
        this.alerts = alerts;
        this.clock = clock;
        this.out = out;
        this.inspector = inspector;
    }

    /** The last verdict on a read-only primary, null when the primary was last seen writable. */
    PrimaryOpenPolicy.Verdict last() {
        return last;
    }

    /** Per node: it did not answer a probe since it was last seen writable (it may have restarted since). */
    private final java.util.Set<String> downSinceWritable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The monitor saw {@code node} writable at {@code at}. */
    void seenWritable(String node, java.time.Instant at) {
        seenWritable.put(node, at);
        downSinceWritable.remove(node);
        primaryWritable();
    }

    /** {@code node} did not answer the monitor's probe. */
    void seenDown(String node) {
        downSinceWritable.add(node);
    }

    /** The primary was seen writable (or replaced): a later read-only spell is reported afresh. */
    void primaryWritable() {
        lastWait = null;
        last = null;
    }

    /** Decides on {@code primary} (read-only, as seen this tick) and acts on the verdict. */
    void consider(NodeState primary, NodeState standby) {
        PrimaryOpenPolicy.Verdict v;
        try {
            v = PrimaryOpenPolicy.decide(facts(primary, standby));
        } catch (RuntimeException e) {
            // Without the journal Vakt cannot tell a running failover from none: it does not open.
            v = PrimaryOpenPolicy.Verdict.waitFor("the journal cannot be read: " + e.getMessage());
        }
        String name = primary.node().name();
        switch (v.action()) {
            case NONE -> primaryWritable();
            case BUSY -> last = v;
            case WAIT -> {
                last = v;
                if (v.reason().equals(lastWait)) return;
                lastWait = v.reason();
                String line = "primary " + name + " is read-only; Vakt does not open it yet: " + v.reason();
                report(line, name, Map.of("decision", "wait", "reason", v.reason()), new Alert(Severity.WARNING, cluster,
                        "primary " + name + " is read-only: the applications cannot write", v.reason() + "; "
                                + PrimaryOpenPolicy.WHEN, "if " + name + " is to take writes now: SET GLOBAL read_only"
                                + " = OFF on " + name, AlertKind.PRIMARY_READ_ONLY, name));
            }
            case OPEN -> open(primary.node(), v);
        }
    }

    private void open(Node node, PrimaryOpenPolicy.Verdict v) {
        String name = node.name();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("decision", "open");
        details.put("reason", v.reason());
        try (DbSession db = inspector.open(node)) {
            db.execute("SET GLOBAL read_only = OFF");
        } catch (SQLException e) {
            String why = Errors.describe(e);
            last = PrimaryOpenPolicy.Verdict.waitFor("opening it failed: " + why);
            details.put("error", why);
            report("primary " + name + " is read-only and opening it FAILED: " + why, name, details,
                    new Alert(Severity.CRITICAL, cluster, "primary " + name + " is read-only and Vakt could not open it",
                            v.reason() + "; SET GLOBAL read_only = OFF failed: " + why,
                            "open it by hand: SET GLOBAL read_only = OFF on " + name, AlertKind.PRIMARY_READ_ONLY, name));
            lastWait = null; // try again at the next check
            return;
        }
        seenWritable(name, clock.instant()); // opened by Vakt: read_only set after this is somebody's intent
        report("primary " + name + " was read-only (restarted?) and is open again: read_only=OFF (" + v.reason() + ")",
                name, details, new Alert(Severity.WARNING, cluster, "primary " + name + " opened after a restart",
                        name + " came back read-only, as its my.cnf says; " + v.reason() + ", so Vakt set read_only=OFF"
                                + " at " + clock.instant() + "; writes were refused while it was read-only",
                        "none; see why it restarted", AlertKind.PRIMARY_OPENED, name));
    }

    private PrimaryOpenPolicy.Facts facts(NodeState primary, NodeState standby) {
        Optional<FailoverRecord> running;
        Optional<FailoverRecord> lastCompleted;
        Optional<String> holder;
        Optional<String> pause;
        running = journal.unfinishedFailover();
        lastCompleted = journal.failovers(10).stream().filter(FailoverRecord::promoted).findFirst();
        holder = journal.epochHolder();
        long journalEpoch = Math.max(journal.currentEpoch(), clusterEpoch.getAsLong());
        pause = new Maintenance(journal, cluster, clock).active().map(Pause::describe);
        return new PrimaryOpenPolicy.Facts(primary, standby, epochOf(primary), epochOf(standby), journalEpoch, holder,
                configPrimary, running, lastCompleted, pause, setWhileRunning(primary.node()));
    }

    /**
     * Empty when {@code node} may have restarted since the monitor last saw it writable: it missed a probe
     * since, or it started after that (now minus its Uptime, both by the monitor's clock, so no clock skew
     * between hosts enters; Uptime counts whole seconds, so one more second is taken off: a start within a
     * second of the sighting is judged by the missed probe alone); or it was never seen writable.
     */
    private Optional<String> setWhileRunning(Node node) {
        java.time.Instant writable = seenWritable.get(node.name());
        if (writable == null || downSinceWritable.contains(node.name())) return Optional.empty();
        try (DbSession db = inspector.open(node)) {
            long uptime = Long.parseLong(db.globalStatus("Uptime").getOrDefault("uptime", "0").trim());
            java.time.Instant started = clock.instant().minusSeconds(uptime + 1);
            if (started.isAfter(writable)) return Optional.empty();
            return Optional.of("seen writable at " + writable + ", up since " + started);
        } catch (SQLException | NumberFormatException e) {
            return Optional.of("its uptime is unreadable: " + e.getMessage());
        }
    }

    private Long epochOf(NodeState state) {
        if (!state.reachable()) return null;
        try (DbSession db = inspector.open(state.node())) {
            return NodeOperations.epoch(db);
        } catch (SQLException e) {
            return null;
        }
    }

    private void report(String line, String node, Map<String, ?> details, Alert alert) {
        LOG.warn(line);
        try {
            out.accept(clock.instant() + " " + line);
        } catch (RuntimeException e) {
            LOG.warn("could not print '{}': {}", line, e.toString());
        }
        try {
            journal.append(EventKind.STATE_CHANGE, cluster, node, line, details);
        } catch (RuntimeException e) {
            LOG.error("could not journal '{}': {}", line, e.getMessage());
        }
        alerts.send(alert);
    }
}
