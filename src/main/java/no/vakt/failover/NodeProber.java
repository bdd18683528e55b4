package no.vakt.failover;

import java.io.Closeable;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.KeptSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.failover.detect.PrimaryProbe;
import no.vakt.failover.detect.SuspectReprobe;
import no.vakt.failover.steps.StepNodes;
import no.vakt.replication.SemiSyncState;

/**
 * The monitor's I/O: one probe of the primary on a fresh connection (a kept one would hide a primary
 * that no longer accepts connections) and one inspection of the standby on a kept session re-validated by
 * its own statements ({@link KeptSession}), each bounded by a deadline, so a tick never hangs on a server
 * that stopped answering. The connect and socket timeouts bound every call; the deadline bounds the whole probe on top of that.
 * A probe past its deadline is abandoned (its own socket timeout ends it) and counts as failed. At most
 * {@link #MAX_PROBES} run at once; beyond that a probe fails at once rather than queueing.
 */
public final class NodeProber implements Closeable {
    static final int MAX_PROBES = 6;

    /** One inspection of the standby with its receive fingerprint ({@link ReceiveAgeTracker#fingerprint}). */
    public record StandbySample(NodeState state, String fingerprint, Duration heartbeatPeriod) {}

    /**
     * One probe of the primary: its outcome and, when it answered, whether it is read_only and its side of
     * semi-sync replication (null when not read: the probe itself never fails for it); {@code noAnswer}: the
     * error with its SQLState when it failed at the connection level (08xxx: refused, reset, connect timeout),
     * else null (it answered, or reported an error itself, or missed the deadline).
     */
    public record PrimarySample(PrimaryProbe probe, Boolean readOnly, SemiSyncState semiSync, String noAnswer) {
        public PrimarySample(PrimaryProbe probe, Boolean readOnly, SemiSyncState semiSync) {
            this(probe, readOnly, semiSync, null);
        }

        public PrimarySample(PrimaryProbe probe, Boolean readOnly) {
            this(probe, readOnly, null, null);
        }
    }

    /**
     * read_only and the primary's semi-sync switch and status in one round trip, so a liveness probe costs one
     * statement (information_schema names are upper case).
     */
    private static final String PRIMARY_QUERY = "SELECT 'READ_ONLY' AS VARIABLE_NAME, CAST(@@GLOBAL.read_only AS CHAR)"
            + " AS VARIABLE_VALUE UNION ALL"
            + " SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES"
            + " WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_ENABLED' UNION ALL"
            + " SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN"
            + " ('RPL_SEMI_SYNC_MASTER_STATUS', 'RPL_SEMI_SYNC_MASTER_CLIENTS', 'RPL_SEMI_SYNC_MASTER_NO_TX')";

    private final Duration timeout;
    private final NodeInspector inspector;
    private final ThreadPoolExecutor pool;
    /** The standby's inspection reuses its session (by node name: the roles can swap); see {@link KeptSession}. */
    private final Map<String, KeptSession> standbySessions = new java.util.concurrent.ConcurrentHashMap<>();

    public NodeProber(Duration timeout) {
        this.timeout = timeout;
        this.inspector = new NodeInspector(timeout);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, MAX_PROBES, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "vakt-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public NodeInspector inspector() {
        return inspector;
    }

    /** Starts a probe of the primary: a fresh connection and one query. */
    public Future<PrimarySample> probePrimary(Node node) {
        return submit(() -> primarySample(node));
    }

    private PrimarySample primarySample(Node node) {
        try (DbSession db = inspector.open(node)) {
            Map<String, String> variables = new java.util.HashMap<>();
            Map<String, String> status = new java.util.HashMap<>();
            String readOnly = null;
            for (Map<String, String> row : db.rows(PRIMARY_QUERY)) {
                String name = String.valueOf(row.get("VARIABLE_NAME")).toLowerCase(java.util.Locale.ROOT);
                String value = row.get("VARIABLE_VALUE");
                if (name.equals("read_only")) readOnly = value;
                else (name.endsWith("_enabled") ? variables : status).put(name, value);
            }
            return new PrimarySample(PrimaryProbe.succeeded(), readOnly == null ? null : NodeState.readOnly(readOnly),
                    variables.isEmpty() ? null : SemiSyncState.of(variables, status));
        } catch (SQLException e) {
            return new PrimarySample(PrimaryProbe.failed(Errors.describe(e)), null, null, StepNodes.noAnswer(e));
        }
    }

    /** One probe of the primary, when it started and how long it took (its deadline when it missed that). */
    public record TimedPrimarySample(java.time.Instant at, PrimarySample sample, Duration took) {}

    /**
     * The probes of the primary one tick makes ({@link SuspectReprobe}): the first at once, each next one
     * {@code spacing} after the previous one started, unless an earlier one answered by then. Returns them in
     * start order, each awaited within its deadline, up to and including the first that succeeded (a success
     * resets the detector's count, so what a later overlapping probe says adds nothing).
     */
    public List<TimedPrimarySample> probePrimary(Node node, SuspectReprobe plan, java.time.Clock clock) {
        List<Future<TimedPrimarySample>> probes = new ArrayList<>(plan.probes());
        List<java.time.Instant> started = new ArrayList<>(plan.probes());
        long first = System.nanoTime();
        for (int i = 0; i < plan.probes(); i++) {
            if (i > 0 && !waitUnanswered(probes, first + plan.spacing().toNanos() * i)) break;
            java.time.Instant at = clock.instant();
            started.add(at);
            probes.add(submit(() -> {
                long t0 = System.nanoTime();
                PrimarySample sample = primarySample(node);
                return new TimedPrimarySample(at, sample, Duration.ofNanos(System.nanoTime() - t0));
            }));
        }
        List<TimedPrimarySample> out = new ArrayList<>(probes.size());
        for (int i = 0; i < probes.size(); i++) {
            java.time.Instant at = started.get(i);
            TimedPrimarySample sample = await(probes.get(i), deadline(),
                    e -> new TimedPrimarySample(at, new PrimarySample(PrimaryProbe.failed(e), null), deadline()));
            out.add(sample);
            if (sample.sample().probe().ok()) break;
        }
        return out;
    }

    /**
     * Waits until {@code dueNanos} (System.nanoTime) for the next probe's start; false when a probe answered
     * meanwhile or the thread was interrupted (the monitor is closing): no further probe then.
     */
    private static boolean waitUnanswered(List<Future<TimedPrimarySample>> probes, long dueNanos) {
        Future<TimedPrimarySample> latest = probes.get(probes.size() - 1);
        try {
            long left = dueNanos - System.nanoTime();
            if (left > 0 && !latest.isDone()) {
                try {
                    latest.get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // Still waiting, or failed: the decision below reads what is done.
                }
            }
            for (Future<TimedPrimarySample> f : probes) {
                if (f.isDone() && !f.isCancelled() && answered(f)) return false;
            }
            left = dueNanos - System.nanoTime();
            if (left > 0) TimeUnit.NANOSECONDS.sleep(left); // the latest failed early (refused): keep the spacing
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean answered(Future<TimedPrimarySample> done) {
        try {
            return done.get().sample().probe().ok();
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts an inspection of the standby (its state and the receive fingerprint), on the session kept from
     * the previous one: the statements re-validate it, and one that fails is retried once on a fresh
     * connection within the same deadline ({@link KeptSession}).
     */
    public Future<StandbySample> inspectStandby(Node node) {
        KeptSession kept = standbySessions.computeIfAbsent(node.name(), n -> new KeptSession(() -> inspector.open(node)));
        return submit(() -> {
            try {
                return kept.run(db -> standbySample(node, db));
            } catch (SQLException e) {
                return new StandbySample(NodeState.unreachable(node, Errors.describe(e)), null, null);
            }
        });
    }

    private StandbySample standbySample(Node node, DbSession db) throws SQLException {
        NodeState state = inspector.watch(node, db);
        Map<String, String> raw = db.replicaStatus().map(java.util.HashMap::new).orElse(null);
        Duration period = null;
        if (raw != null) {
            // SHOW SLAVE STATUS lacks the heartbeat counter in MariaDB; the default channel's is a status variable.
            Map<String, String> status = db.globalStatus("Slave_%heartbeat%");
            String beats = status.get("slave_received_heartbeats");
            if (beats != null) raw.put("Slave_received_heartbeats", beats);
            period = seconds(status.get("slave_heartbeat_period"));
        }
        return new StandbySample(state, ReceiveAgeTracker.fingerprint(raw), period);
    }

    private static Duration seconds(String text) {
        try {
            return text == null ? null : Duration.ofMillis(Math.round(Double.parseDouble(text.trim()) * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Starts an inspection of any node. */
    public Future<NodeState> inspect(Node node) {
        return submit(() -> inspector.inspect(node));
    }

    /** The primary probe's result, or a failure when it missed its deadline. */
    public PrimarySample awaitPrimary(Future<PrimarySample> f) {
        return await(f, deadline(), e -> new PrimarySample(PrimaryProbe.failed(e), null));
    }

    public StandbySample awaitStandby(Future<StandbySample> f, Node node) {
        return await(f, deadline(), e -> new StandbySample(NodeState.unreachable(node, e), null, null));
    }

    public NodeState awaitState(Future<NodeState> f, Node node) {
        return await(f, deadline(), e -> NodeState.unreachable(node, e));
    }

    /**
     * A probe opens a connection and runs a few statements, each bounded by the timeout; the deadline
     * gives the whole probe twice the timeout, so one slow statement does not fail a live node.
     */
    private Duration deadline() {
        return timeout.multipliedBy(2);
    }

    private <T> Future<T> submit(Callable<T> task) {
        try {
            return pool.submit(task);
        } catch (RejectedExecutionException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(
                    new IllegalStateException(MAX_PROBES + " earlier probes still pending"));
        }
    }

    private static <T> T await(Future<T> f, Duration deadline, java.util.function.Function<String, T> failed) {
        try {
            return f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return failed.apply("no answer within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return failed.apply(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return failed.apply("interrupted");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        standbySessions.values().forEach(KeptSession::close);
    }
}
