package no.vakt.failover.plan;

import no.vakt.cluster.Severity;

/**
 * What to do about a node that is not the current primary: typically an old primary coming back after
 * a failover. Pure. It is recognised by its epoch (the fencing token in its {@code vakt.cluster}), which
 * stays at the value it had when it lost the role. It is kept read-only and alerted about; Vakt never
 * lets it take traffic or fail back by itself (that is a person's decision, after rebuilding it as a
 * standby).
 */
public final class ReturningPrimaryPolicy {
    public enum Action {
        /** Nothing to do: a normal standby, or nothing observed. */
        NONE,
        /** Make it read-only now (read_only, super_read_only, kill connections) and alert. */
        KEEP_READ_ONLY,
        /** Alert only. */
        ALERT
    }

    /** The decision, with the alert severity (null with NONE) and the reason. */
    public record Verdict(String node, Action action, Severity severity, String reason) {}

    private ReturningPrimaryPolicy() {}

    /**
     * @param currentPrimary the node holding the primary role now
     * @param clusterEpoch the highest epoch Vakt knows (journal and nodes)
     */
    public static Verdict decide(NodeView node, String currentPrimary, long clusterEpoch) {
        String name = node.name();
        if (name.equals(currentPrimary) || !node.reachable()) {
            return new Verdict(name, Action.NONE, null, name.equals(currentPrimary) ? "the current primary" : "not reachable");
        }
        long epoch = node.epochOrZero();
        String epochText = node.epoch() == null ? "no epoch" : "epoch " + epoch;
        if (epoch > clusterEpoch) {
            return new Verdict(name, Action.ALERT, Severity.CRITICAL, name + " reports " + epochText
                    + ", newer than the cluster epoch " + clusterEpoch + " Vakt knows: something else changed the"
                    + " cluster; Vakt changes nothing until a person checks");
        }
        if (node.writable()) {
            String why = epoch < clusterEpoch
                    ? name + " is back and writable with " + epochText + " < cluster epoch " + clusterEpoch
                    : name + " is writable but " + currentPrimary + " is the primary";
            return new Verdict(name, Action.KEEP_READ_ONLY, Severity.CRITICAL, why
                    + ": made read-only; it takes no traffic and never fails back by itself; rebuild it as a standby");
        }
        if (epoch < clusterEpoch && !node.replicating()) {
            return new Verdict(name, Action.ALERT, Severity.WARNING, name + " is back with " + epochText
                    + " < cluster epoch " + clusterEpoch + ": kept read-only and out of traffic; rebuild it as a standby");
        }
        return new Verdict(name, Action.NONE, null, "read-only" + (node.replicating() ? " and replicating" : ""));
    }
}
