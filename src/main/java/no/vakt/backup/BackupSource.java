package no.vakt.backup;

import no.vakt.db.NodeState;
import no.vakt.roles.LiveRole;
import no.vakt.roles.LiveRoles;

/** Which server a base backup is read from: the standby, so the primary carries no load, unless it cannot be. */
public final class BackupSource {
    private BackupSource() {}

    /** @param note why the primary was chosen; empty for the standby */
    public record Choice(NodeState state, String role, String note) {}

    /**
     * Pure. The live primary is settled from the servers ({@link LiveRoles#settle}); the other node is used
     * when it replicates with both threads running and no error, else the primary, saying why.
     *
     * @return empty when neither answers
     */
    public static java.util.Optional<Choice> choose(NodeState a, NodeState b) {
        NodeState primary = livePrimary(a, b);
        NodeState standby = primary == a ? b : a;
        if (healthyStandby(standby)) return java.util.Optional.of(new Choice(standby, "standby", ""));
        if (!primary.reachable()) return java.util.Optional.empty();
        String why = !standby.reachable() ? "the standby " + standby.node().name() + " does not answer"
                : "the standby " + standby.node().name() + " is not replicating cleanly (" + LiveRole.of(standby).label() + ")";
        return java.util.Optional.of(new Choice(primary, "primary", "taken from the primary: " + why));
    }

    /** The live primary of the two, settled from the servers as everywhere else ({@link LiveRoles#settle}). */
    public static NodeState livePrimary(NodeState a, NodeState b) {
        return LiveRoles.settle(a, null, b, null, null).equals(a.node()) ? a : b;
    }

    /** A standby that replicates with both threads running and no error. */
    public static boolean healthyStandby(NodeState s) {
        return LiveRole.of(s) == LiveRole.STANDBY && s.replica().isPresent() && s.replica().get().ioThreadRunning()
                && s.replica().get().sqlThreadRunning() && s.replica().get().lastError().isEmpty();
    }
}
