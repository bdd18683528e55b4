package no.vakt.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;

/** Inspects every configured node at once, each bounded by the config's check timeout. */
public final class StatusProbe {
    private final Duration timeout;
    private final NodeInspector inspector;

    public StatusProbe(Duration timeout) {
        this.timeout = timeout;
        this.inspector = new NodeInspector(timeout);
    }

    public static StatusProbe forConfig(VaktConfig config) {
        return new StatusProbe(config.policy().checks().timeout());
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
            for (Node node : nodes) futures.add(pool.submit(() -> inspector.inspect(node)));
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
