package no.vakt.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Checks;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;
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

    /** {@code traffic-target}: the record points at the configured primary. */
    static List<Finding> target(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        String primary = config.primary().name();
        for (TrafficObservation t : o.traffic()) {
            TrafficProvider.PointsAt at = t.pointsAt();
            if (at == null) continue;
            if (primary.equals(at.node())) {
                out.add(Finding.ok("traffic-target", primary, label(t) + " points at " + primary + " " + at.values()));
            } else {
                out.add(Finding.warning("traffic-target", primary, label(t) + " points at "
                        + (at.node() != null ? at.node() : "none of the nodes") + " " + at.values() + ", not at the primary "
                        + primary, "vakt traffic apply (points it at the live primary)"));
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
