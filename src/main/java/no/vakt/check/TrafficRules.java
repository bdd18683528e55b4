package no.vakt.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import no.vakt.config.Checks;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.roles.LiveRole;
import no.vakt.traffic.TrafficProvider;

/** The traffic switch's readiness: credentials, where it points, and whether its TTL fits the RTO. */
final class TrafficRules {
    private TrafficRules() {}

    /** {@code traffic-access}: a read-only call with the entry's credentials succeeded. */
    static List<Finding> access(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        for (TrafficObservation t : o.traffic()) {
            out.add(t.accessError() == null
                    ? Finding.ok("traffic-access", null, label(t) + ": credentials accepted, record readable")
                    : Finding.error("traffic-access", null, label(t) + ": " + t.accessError(),
                            "fix the entry's key, server, zone or record so `vakt traffic show` reads it; a failover"
                                    + " cannot move users until it does"));
        }
        return out;
    }

    /**
     * {@code traffic-target}: the record points at the live primary, read from the servers as
     * {@code vakt traffic apply} reads it (the writable node that replicates from nobody), never the
     * config's {@code role:}: after a failover traffic belongs on the promoted node, and advice to
     * apply would only be answered with "already there". When no single node is the live primary the
     * rule says so and advises nothing that apply would refuse.
     */
    static List<Finding> target(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        List<NodeState> nodes = o.nodes().toList();
        List<String> primaries = nodes.stream().filter(s -> LiveRole.of(s) == LiveRole.PRIMARY)
                .map(s -> s.node().name()).toList();
        String roles = nodes.stream().map(s -> s.node().name() + " " + LiveRole.of(s).label())
                .collect(Collectors.joining(", "));
        String live = primaries.size() == 1 ? primaries.get(0) : null;
        String configured = config.primary().name();
        for (TrafficObservation t : o.traffic()) {
            TrafficProvider.PointsAt at = t.pointsAt();
            if (at == null) continue;
            String where = label(t) + " points at " + (at.node() != null ? at.node() : "none of the nodes") + " "
                    + at.values();
            if (live == null) {
                out.add(Finding.info("traffic-target", null, where + "; the live primary cannot be told (" + roles
                        + "), so there is nothing to compare it with"));
            } else if (live.equals(at.node())) {
                out.add(Finding.ok("traffic-target", live, where + ", the live primary"
                        + (live.equals(configured) ? "" : " (the config's role: still says " + configured + ")")));
            } else {
                out.add(Finding.warning("traffic-target", live, where + ", not at the live primary " + live
                                + (live.equals(configured) ? "" : " (the config's role: says " + configured + ")"),
                        "vakt traffic apply (points it at the live primary, " + live + ")"));
            }
        }
        return out;
    }

    /**
     * {@code traffic-ttl}: the live TTL is at most the entry's max-ttl (ERROR otherwise), and TTL plus
     * detection time (checks.interval x checks.failures + checks.timeout) fits the RTO (WARNING
     * otherwise): clients keep the old address for up to a TTL after the switch.
     */
    static List<Finding> ttl(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        Checks checks = config.policy().checks();
        Duration detection = checks.interval().multipliedBy(checks.failures()).plus(checks.timeout());
        Duration rto = config.objectives().rto();
        for (TrafficObservation t : o.traffic()) {
            if (t.pointsAt() == null || t.pointsAt().ttlSeconds() == null) continue;
            Duration ttl = Duration.ofSeconds(t.pointsAt().ttlSeconds());
            Duration budget = ttl.plus(detection);
            String figures = "live TTL " + Durations.format(ttl) + " + detection " + Durations.format(detection)
                    + " (checks " + Durations.format(checks.interval()) + " x " + checks.failures() + " + timeout "
                    + Durations.format(checks.timeout()) + ") = " + Durations.format(budget);
            if (ttl.compareTo(t.maxTtl()) > 0) {
                out.add(Finding.error("traffic-ttl", null, label(t) + ": live TTL " + Durations.format(ttl)
                        + " is above max-ttl " + Durations.format(t.maxTtl()),
                        "lower the record's TTL (ttl: in the entry; `vakt traffic apply` rewrites it) or raise max-ttl"));
            } else if (budget.compareTo(rto) > 0) {
                out.add(Finding.warning("traffic-ttl", null, label(t) + ": " + figures + " exceeds the RTO "
                        + Durations.format(rto), "lower the TTL or the detection time, or accept a longer RTO"));
            } else {
                out.add(Finding.ok("traffic-ttl", null, label(t) + ": " + figures + ", within the RTO " + Durations.format(rto)));
            }
        }
        return out;
    }

    private static String label(TrafficObservation t) {
        return "traffic[" + t.index() + "] " + t.entry();
    }
}
