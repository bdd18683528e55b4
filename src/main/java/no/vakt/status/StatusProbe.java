package no.vakt.status;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.Errors;
import no.vakt.db.KeptSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;

/**
 * Inspects every configured node at once, each bounded by the config's check timeout. A probe made with
 * {@link #keeping} reuses one session per node between calls ({@link KeptSession}: for a sampler that runs
 * every second, where a fresh TLS handshake per node and second was most of its cost) and reads only the
 * variables a status report needs ({@link NodeInspector#watch}); close it after use.
 */
public final class StatusProbe implements AutoCloseable {
    private final Duration timeout;
    private final NodeInspector inspector;
    /** Kept sessions by node name; null: a fresh session per inspection. */
    private final Map<String, KeptSession> kept;

    public StatusProbe(Duration timeout) {
        this(timeout, false);
    }

    private StatusProbe(Duration timeout, boolean keep) {
        this.timeout = timeout;
        this.inspector = new NodeInspector(timeout);
        this.kept = keep ? new ConcurrentHashMap<>() : null;
    }

    public static StatusProbe forConfig(VaktConfig config) {
        return new StatusProbe(config.policy().checks().timeout());
    }

    /** A probe that keeps one session per node between calls; the caller closes it. */
    public static StatusProbe keeping(VaktConfig config) {
        return new StatusProbe(config.policy().checks().timeout(), true);
    }

    private NodeState inspect(Node node) {
        if (kept == null) return inspector.inspect(node);
        KeptSession session = kept.computeIfAbsent(node.name(), n -> new KeptSession(() -> inspector.open(node)));
        try {
            return session.run(db -> inspector.watch(node, db));
        } catch (SQLException e) {
            return NodeState.unreachable(node, Errors.describe(e));
        }
    }

    /** Closes the kept sessions (nothing for a probe that keeps none). */
    @Override
    public void close() {
        if (kept != null) kept.values().forEach(KeptSession::close);
    }

    /** One state per node, in config order. A node that does not finish in time is unreachable. */
    public List<NodeState> inspectAll(VaktConfig config) {
        List<Node> nodes = config.nodes();
        // Daemon threads: a probe stuck in a dead network must not keep the JVM alive.
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, nodes.size()), r -> {
            Thread t = new Thread(r, "vakt-status-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<NodeState>> futures = new ArrayList<>();
            for (Node node : nodes) futures.add(pool.submit(() -> inspect(node)));
            // Connect and every query are each bounded by the timeout; a handful of queries fit in this.
            long deadline = System.nanoTime() + deadline().toNanos();
            List<NodeState> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                out.add(await(futures.get(i), nodes.get(i), deadline));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    Duration deadline() {
        return timeout.multipliedBy(3).plusSeconds(1);
    }

    private NodeState await(Future<NodeState> f, Node node, long deadlineNanos) {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return NodeState.unreachable(node, "no answer within " + deadline().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NodeState.unreachable(node, "interrupted");
        } catch (ExecutionException e) {
            return NodeState.unreachable(node, String.valueOf(e.getCause()));
        }
    }
}
