package no.vakt.failover;

import java.io.Closeable;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.function.Consumer;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.config.Node;
import no.vakt.config.SecretRef;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeOperations;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a fence attempt at the door of an old primary that does not answer ({@link DoorFencePolicy}), so
 * that it is made read-only the moment it answers instead of at the monitor's next probe.
 *
 * <p>One attempt after the other on its own thread, each bounded by {@code attemptTimeout}. Within an
 * attempt a refused connect (the server is down) is retried at TCP level every millisecond, which costs
 * two system calls ({@link DbSession#openKnocking}), so the fence's session is on the first connection a
 * restarting server accepts; a connect that hangs (black-holed network, or a SIGSTOPped server whose
 * kernel completed the TCP handshake and whose greeting comes on SIGCONT) stays pending, and being queued
 * first it is answered first. Other failures pause {@code refusedRetry}. Once a session opens: read_only=ON and client
 * sessions ended ({@link NodeOperations#fence}, read_only first), journaled and alerted, and the fence
 * ends. It also ends when the policy no longer asks for it (roles changed, the node answers) and when the
 * daemon stops ({@link #close}). A session that opens after that is closed without touching the node.
 *
 * <p>A node that answered the fence is not fenced again on an observation that began before that answer:
 * the monitor's probe of a black hole that was lifted meanwhile reports "no answer" a connect timeout
 * later, and a fence re-armed on it would end the sessions of whoever works on the node by then (a
 * {@code vakt rejoin} handed to this daemon failed so, with a socket error).
 */
public final class DoorFence implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DoorFence.class);
    /** How long one attempt may wait for a black-holed or frozen server before the next one starts. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    /** The pause after a failed attempt (refused connects are retried inside an attempt). */
    public static final Duration REFUSED_RETRY = Duration.ofMillis(20);
    private static final int LOCK_ATTEMPTS = 3;
    private static final Duration PLAIN_TIMEOUT = Duration.ofSeconds(5);
    private static final String LOCKED = "locked until a rejoin";

    private final String cluster;
    /** Accounts never locked (Vakt's own, replication, root): {@link FenceLocks#exemptUsers}. */
    private final Set<String> lockExempt;
    private final Journal journal;
    private final AlertSink alerts;
    private final Clock clock;
    private final Consumer<String> out;
    private final Duration attemptTimeout;
    private final Duration refusedRetry;
    private Attempts current;
    /** When each node last answered a fence: observations older than that are stale. */
    private final Map<String, Instant> answeredAt = new java.util.concurrent.ConcurrentHashMap<>();

    public DoorFence(String cluster, Set<String> lockExempt, Journal journal, AlertSink alerts, Clock clock,
            Consumer<String> out) {
        this(cluster, lockExempt, journal, alerts, clock, out, ATTEMPT_TIMEOUT, REFUSED_RETRY);
    }

    DoorFence(String cluster, Set<String> lockExempt, Journal journal, AlertSink alerts, Clock clock, Consumer<String> out,
            Duration attemptTimeout, Duration refusedRetry) {
        this.cluster = cluster;
        this.lockExempt = Set.copyOf(lockExempt);
        this.journal = journal;
        this.alerts = alerts;
        this.clock = clock;
        this.out = out;
        this.attemptTimeout = attemptTimeout;
        this.refusedRetry = refusedRetry;
    }

    /**
     * Starts, keeps or stops the fence as the policy says; {@code node} is the node a target names, and
     * {@code observedAt} when the observation the policy decided on began.
     */
    public synchronized void keep(Optional<DoorFencePolicy.Target> target, Node node, Instant observedAt) {
        if (target.isPresent() && current != null && current.isAlive() && current.node.name().equals(node.name())) return;
        Instant answered = answeredAt.get(node.name());
        if (target.isPresent() && answered != null && !observedAt.isAfter(answered)) return;
        stopCurrent();
        if (target.isEmpty()) return;
        current = new Attempts(node, target.get().reason());
        current.start();
    }

    /** Whether a fence is waiting at {@code node}'s door (for status and tests). */
    public synchronized boolean waitingAt(String node) {
        return current != null && current.isAlive() && current.node.name().equals(node);
    }

    @Override
    public synchronized void close() {
        stopCurrent();
    }

    private void stopCurrent() {
        if (current != null) {
            current.stopped = true;
            current.interrupt();
            current = null;
        }
    }

    private DbSession openKnocking(Node node) throws SQLException {
        return DbSession.openKnocking(node.mysql(), password(node), attemptTimeout);
    }

    /** A plain session to a node that answers already (no knocking), within the probe-sized deadline. */
    private DbSession openPlain(Node node) throws SQLException {
        return DbSession.open(node.mysql(), password(node), PLAIN_TIMEOUT);
    }

    private static String password(Node node) throws SQLException {
        try {
            return node.mysql().secret().resolve();
        } catch (SecretRef.SecretUnavailableException e) {
            throw new SQLException(e.getMessage(), "28000", 1045);
        }
    }

    private final class Attempts extends Thread {
        final Node node;
        final String reason;
        volatile boolean stopped;

        Attempts(Node node, String reason) {
            super("vakt-door-fence-" + node.name());
            setDaemon(true);
            this.node = node;
            this.reason = reason;
        }

        @Override
        public void run() {
            Instant since = clock.instant();
            String waiting = "door fence waiting at " + node.name() + ": " + reason;
            LOG.info(waiting);
            print(since, waiting);
            journal(waiting, Map.of("node", node.name(), "reason", reason));
            long attempts = 0;
            String lastError = "";
            while (!stopped) {
                attempts++;
                try (DbSession db = openKnocking(node)) {
                    answeredAt.put(node.name(), clock.instant());
                    if (stopped) {
                        // The roles changed, or the monitor saw it answer, while this attempt was pending: leave it alone.
                        say(node.name() + " answered after its door fence was stopped (" + attempts + " attempt(s)): left to the monitor");
                        return;
                    }
                    int killed = NodeOperations.fence(db);
                    // After read_only (the race is with queued clients): accounts that write through it reconnect.
                    String locks = lockBypassing(node, db);
                    report(since, attempts, killed, locks, null);
                    return;
                } catch (SQLException e) {
                    lastError = Errors.describe(e);
                    if (e.getErrorCode() != 0) answeredAt.put(node.name(), clock.instant());
                    if (e.getErrorCode() != 0 && !stopped) {
                        // It answered but refused the fence (grants, read-only error...): say so once and stop.
                        report(since, attempts, 0, null, lastError);
                        return;
                    }
                }
                try {
                    Thread.sleep(refusedRetry.toMillis());
                } catch (InterruptedException e) {
                    break;
                }
            }
            say("door fence at " + node.name() + " stopped after " + attempts + " attempt(s)"
                    + (lastError.isEmpty() ? "" : "; last: " + lastError));
        }

        /**
         * Locks the accounts that write through read_only. The monitor may fence the same resumed node at the same
         * moment, ending this session with the other clients: then again on a fresh one, a bounded number of times.
         */
        private String lockBypassing(Node node, DbSession fenced) {
            SQLException last = null;
            for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
                try {
                    if (attempt == 0) return FenceLocks.describe(FenceLocks.lock(fenced, lockExempt), LOCKED);
                    try (DbSession db = openPlain(node)) {
                        return FenceLocks.describe(FenceLocks.lock(db, lockExempt), LOCKED);
                    }
                } catch (SQLException e) {
                    last = e;
                }
            }
            return FenceLocks.lockFailedDetail(last);
        }

        /** A line for the log and the daemon's output (the fault matrix keeps it beside its table). */
        private void say(String line) {
            LOG.info(line);
            print(clock.instant(), line);
        }

        private void report(Instant since, long attempts, int killed, String locks, String failure) {
            Instant at = clock.instant();
            String name = node.name();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("node", name);
            details.put("waiting-since", since.toString());
            details.put("attempts", attempts);
            details.put("reason", reason);
            String summary;
            Alert alert;
            if (failure == null) {
                details.put("client-connections-ended", killed);
                details.put("accounts", locks);
                summary = "door fence: " + name + " answered again and was fenced at once (read_only=ON, " + killed
                        + " client connections ended; " + locks + ")";
                alert = new Alert(Severity.WARNING, cluster, "old primary " + name + " is back: fenced at its door",
                        reason + "; it answered at " + at + " and was made read-only before taking traffic",
                        "keep it out of traffic; rebuild it as a standby (vakt rejoin " + name + ")",
                        AlertKind.OLD_PRIMARY_BACK, name);
            } else {
                details.put("error", failure);
                summary = "door fence: " + name + " answered again but fencing FAILED: " + failure;
                alert = new Alert(Severity.CRITICAL, cluster, "old primary " + name + " is back and could not be fenced",
                        reason + "; fencing failed: " + failure, "fence it by hand now (SET GLOBAL read_only=ON)",
                        AlertKind.OLD_PRIMARY_BACK, name);
            }
            LOG.warn(summary);
            print(at, summary);
            journal(summary, details);
            alerts.send(alert);
        }

        private void print(Instant at, String line) {
            try {
                out.accept(at + " " + line);
            } catch (RuntimeException e) {
                LOG.warn("could not print '{}': {}", line, e.toString());
            }
        }

        private void journal(String summary, Map<String, ?> details) {
            try {
                journal.append(EventKind.STATE_CHANGE, cluster, node.name(), summary, details);
            } catch (RuntimeException e) {
                LOG.error("could not journal '{}': {}", summary, e.getMessage());
            }
        }
    }
}
