package no.vakt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.VaktConfig;
import no.vakt.journal.ClusterLock;
import no.vakt.server.DaemonClient;

/**
 * How a CLI action gets the cluster ({@link ClusterLock}): the lock for itself, or, while {@code vakt run}
 * holds it and serves its API, that daemon, to which the action is handed. Any other holder (another CLI
 * action, a daemon without API) makes the action refuse, naming the holder.
 */
final class ClusterClaim implements AutoCloseable {
    private final ClusterLock lock;
    private final ClusterLock.Holder daemon;

    private ClusterClaim(ClusterLock lock, ClusterLock.Holder daemon) {
        this.lock = lock;
        this.daemon = daemon;
    }

    /** Takes the cluster for {@code command}; throws {@link ClusterLock.HeldException} when it must refuse. */
    private static ClusterClaim take(Path journal, String command) {
        try {
            return new ClusterClaim(ClusterLock.acquire(journal, command), null);
        } catch (ClusterLock.HeldException e) {
            Optional<ClusterLock.Holder> h = e.holder();
            if (h.isPresent() && h.get().api() != null && h.get().command().equals("vakt run")) {
                return new ClusterClaim(null, h.get());
            }
            throw e;
        }
    }

    /** Where a daemon that holds the cluster takes the action: its API path, the body, how long to wait. */
    record Api(String path, Map<String, ?> body, Duration timeout) {}

    /** The action done here, holding the cluster. */
    interface Local {
        int run() throws Exception;
    }

    /**
     * Takes the cluster for {@code command} and runs {@code local}, or hands the action to the running
     * daemon at {@code api}; a null {@code api} means the action is not the daemon's to take, so it refuses
     * while the daemon holds the cluster.
     */
    static int run(Path journal, String command, VaktConfig cfg, Api api, PrintWriter out, Local local) throws Exception {
        try (ClusterClaim claim = take(journal, command)) {
            if (claim.daemon == null && api != null && cfg.coordinationSection().isPresent()) return toLeader(cfg, api, out, command);
            if (claim.daemon == null) return local.run();
            if (api == null) throw new ClusterLock.HeldException(ClusterLock.fileFor(journal), claim.daemon);
            return handOver(cfg, api, out, claim.daemon.describe() + " holds this cluster", claim.daemon.api());
        }
    }

    /**
     * With agents and no agent on this host: the action goes to the leading agent, never run beside it (it would act
     * without the cluster's authority, its run unknown to ZooKeeper and to the other agents' file sync).
     */
    private static int toLeader(VaktConfig cfg, Api api, PrintWriter out, String command) throws IOException, InterruptedException {
        LeaderForward.Target t = LeaderForward.find(cfg.coordinationSection().get(), java.time.Clock.systemUTC());
        if (t.refusal() != null) {
            out.println(command + " refused: with coordination: only the leading agent acts, and " + t.refusal()
                    + "; nothing was done (start the agents, or wait for a leader)");
            out.flush();
            return ExitCodes.FAILED;
        }
        return handOver(cfg, api, out, "agent " + t.leader() + " leads this cluster", t.url());
    }

    /**
     * Hands the action to the daemon (or the leading agent): POSTs the body to its API path with the config's admin token and
     * prints what it did. Exit 0 only for a 200 that left no traffic pending (as the CLI's own run).
     */
    private static int handOver(VaktConfig cfg, Api api, PrintWriter out, String who, String url)
            throws IOException, InterruptedException {
        out.println(who + ": handing the action to it (" + url + ")");
        out.flush();
        DaemonClient.Reply r = DaemonClient.of(cfg.server(), url).post(api.path(), api.body(), api.timeout());
        String output = r.text("output");
        if (output != null) out.print(output.endsWith("\n") || output.isEmpty() ? output : output + "\n");
        String message = r.text("message");
        if (message != null) out.println(message);
        if (!r.ok()) out.println("vakt run answered " + r.status() + (r.text("error") == null ? "" : " (" + r.text("error") + ")"));
        out.flush();
        return r.ok() && !r.body().path("traffic_pending").asBoolean(false) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Override
    public void close() {
        if (lock != null) lock.close();
    }
}
