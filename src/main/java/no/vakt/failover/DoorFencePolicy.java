package no.vakt.failover;

import java.util.Optional;
import no.vakt.db.NodeState;
import no.vakt.failover.planned.Switchover;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.roles.LiveRoles;

/**
 * Whether a door fence ({@link DoorFence}) should wait for the old primary of the last failover. Pure.
 *
 * <p>An old primary that could not be fenced over SQL (killed, frozen, black-holed) comes back with the
 * read_only its my.cnf gives it, usually OFF: until the monitor's next probe it would be a second
 * writable primary. So while it does not answer, a door fence keeps an attempt at its door and fences it
 * the moment it answers. It runs only when all hold:
 * <ul>
 *   <li>the newest completed (or still running) failover was a failover, not a switchover (which leaves
 *       the old primary a replica);
 *   <li>the live roles are those it sets: its target is the primary, its source the standby (for a
 *       running failover this means its promotion is done: the door fence starts before its last steps);
 *   <li>the old primary does not answer now. One that answers is either fenced and read-only, rejoined
 *       (replicating), or writable, which the monitor's two-writable-nodes path fences at once.
 * </ul>
 */
public final class DoorFencePolicy {
    /** A door fence to keep for {@code node}, with why. */
    public record Target(String node, String reason) {}

    private DoorFencePolicy() {}

    /**
     * @param lastCompleted the newest completed or running failover or switchover in the journal, empty when none
     * @param roles the live roles now
     * @param standby this tick's observation of {@code roles.standby()}
     */
    public static Optional<Target> decide(Optional<FailoverRecord> lastCompleted, LiveRoles roles, NodeState standby) {
        if (standby.reachable() || lastCompleted.isEmpty()) return Optional.empty();
        FailoverRecord f = lastCompleted.get();
        boolean promoted = f.promoted() || f.outcome() == FailoverOutcome.RUNNING;
        if (!promoted || Switchover.MODE.equals(f.mode())) return Optional.empty();
        String old = roles.standby().name();
        if (!f.fromNode().equals(old) || !f.toNode().equals(roles.primary().name())) return Optional.empty();
        return Optional.of(new Target(old, reason(old, f.toNode(), f.id(), f.epoch())));
    }

    /** Why a fence waits at {@code old}: the same words whether the promotion or the monitor armed it. */
    static String reason(String old, String to, long failoverId, long epoch) {
        return old + " lost the primary role to " + to + " (failover " + failoverId + ", epoch " + epoch
                + ") and does not answer: it may come back writable";
    }
}
