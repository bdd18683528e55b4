package no.vakt.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import no.vakt.config.CoordinationConfig;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.CoordinatorStatus;
import no.vakt.coordination.ZooKeeperLook;
import no.vakt.drill.LeaderApi;
import no.vakt.server.DaemonClient;

/**
 * With {@code coordination:} only the leading agent acts (docs/ha.md): a CLI action (switchover, promote, rejoin,
 * traffic apply) or a drill's restore on a host without a running agent is sent to the leader's API, found in
 * ZooKeeper (a read-only look), exactly as an agent forwards it. Nobody leads, or the leader publishes no API:
 * refused, nothing done.
 */
final class LeaderForward {
    /** The leader and its API URL, or why there is none ({@code refusal} non-null). */
    record Target(String leader, String url, String refusal) {}

    private LeaderForward() {}

    /** Blocks at most the connection timeout, then the bounded reads of the look. */
    static Target find(CoordinationConfig cc, Clock clock) {
        CoordinatorStatus s = ZooKeeperLook.of(cc, clock);
        if (s.leader() == null) return new Target(null, null, "no agent leads: " + s.reason());
        return s.leaderApi().map(u -> new Target(s.leader(), u, null)).orElseGet(() -> new Target(s.leader(), null,
                "the leading agent " + s.leader() + " publishes no API (its server.listen is off)"));
    }

    /** For a drill: each call finds the leader afresh (it may have changed since the fault). */
    static LeaderApi forDrill(VaktConfig cfg, Clock clock) {
        CoordinationConfig cc = cfg.coordinationSection().orElseThrow();
        return (String path, Map<String, ?> body, Duration timeout) -> {
            Target t = find(cc, clock);
            if (t.refusal() != null) throw new IllegalStateException(t.refusal());
            DaemonClient.Reply r = DaemonClient.of(cfg.server(), t.url()).post(path, body, timeout);
            return new LeaderApi.Answer(r.status(), r.body());
        };
    }
}
