package no.vakt.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import no.vakt.roles.LiveRole;
import no.vakt.status.NodeStatus;
import no.vakt.status.StatusReport;

/**
 * {@code GET /health/primary} and {@code /health/standby} for load balancers and keepalived (Patroni's
 * style): whether one node may take writes, or reads, right now. Pure: it judges the status sampler's
 * latest report, so a balancer's checks never reach the database.
 */
final class RoleHealth {
    /** What the endpoint asks about. */
    enum Wanted {
        PRIMARY, STANDBY
    }

    /** The answer and why (the why goes to the log, never to the unauthenticated caller). */
    record Verdict(boolean ok, String why) {
        int status() {
            return ok ? 200 : 503;
        }
    }

    private RoleHealth() {}

    /**
     * Primary: the node answered, is writable and replicates from nobody, and no other node in the same
     * report is a primary too (two writable nodes: a balancer must pick neither). Standby: the node
     * answered, both replication threads run and its heartbeat lag is known and within the RPO. Both need
     * a report younger than {@code maxAge}.
     */
    static Verdict judge(Wanted wanted, String node, Optional<StatusSampler.Sample> sample, Instant now, Duration maxAge,
            Duration rpo) {
        if (sample.isEmpty()) return no("no status probe has finished yet");
        StatusReport r = sample.get().report();
        if (Duration.between(sample.get().at(), now).compareTo(maxAge) > 0) {
            return no("the latest status probe is older than " + maxAge.toMillis() + " ms");
        }
        List<NodeStatus> nodes = r.nodes();
        NodeStatus n = nodes.stream().filter(s -> s.node().equals(node)).findFirst().orElse(null);
        if (n == null) return no(node + " is not in the status report");
        if (!n.reachable()) return no(node + " is unreachable");
        String primary = LiveRole.PRIMARY.label();
        if (wanted == Wanted.PRIMARY) {
            if (!primary.equals(n.liveRole())) return no(node + " is " + n.liveRole() + ", not primary");
            boolean another = nodes.stream().anyMatch(s -> !s.node().equals(node) && primary.equals(s.liveRole()));
            return another ? no("another node is writable too") : yes(node + " is the primary");
        }
        if (!LiveRole.STANDBY.label().equals(n.liveRole())) return no(node + " is " + n.liveRole() + ", not standby");
        if (!"Yes".equalsIgnoreCase(n.ioThread()) || !"Yes".equalsIgnoreCase(n.sqlThread())) {
            return no(node + " replication threads: io " + n.ioThread() + ", sql " + n.sqlThread());
        }
        if (n.heartbeatLagMs() == null) return no(node + " lag unknown");
        if (n.heartbeatLagMs() > rpo.toMillis()) return no(node + " lags " + n.heartbeatLagMs() + " ms, over the RPO");
        return yes(node + " is a replicating standby within the RPO");
    }

    private static Verdict yes(String why) {
        return new Verdict(true, why);
    }

    private static Verdict no(String why) {
        return new Verdict(false, why);
    }
}
