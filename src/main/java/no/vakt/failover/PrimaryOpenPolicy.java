package no.vakt.failover;

import java.util.Optional;
import no.vakt.db.NodeState;
import no.vakt.failover.planned.Switchover;
import no.vakt.journal.FailoverRecord;
import no.vakt.roles.LiveRole;

/**
 * Whether {@code vakt run} opens (read_only=OFF) a live primary it finds up but read-only. Pure.
 *
 * <p>Every node's my.cnf says read_only=ON, so a restarted node never starts writable: an old primary
 * restarted after a failover stays fenced by construction, and the rightful primary restarted without a
 * failover waits for Vakt to open it. It opens only when all of these hold, checked in this order (the
 * first that fails is the reason it waits):
 * <ol>
 *   <li>the primary answers, is read-only and replicates from nobody (one that replicates is a standby);
 *   <li>no failover or switchover is running (the journal's running record: a switchover fences the old
 *       primary on purpose while it promotes the other);
 *   <li>it restarted since the monitor last saw it writable (its uptime says so), or the monitor never saw it
 *       writable: read_only set on a running primary (by hand, by a fence) is somebody's intent and is left;
 *   <li>the cluster is not paused ({@code vakt pause}: a person is working on it, perhaps on this very
 *       read_only; {@code vakt resume} lets Vakt open it at the next check);
 *   <li>the other node answers and is read-only: never two writable nodes, and a node that does not answer
 *       might be writable;
 *   <li>the newest completed failover did not take the role from this node (that old primary stays fenced
 *       until {@code vakt rejoin});
 *   <li>its epoch is readable and is the cluster's (the highest of the journal's and both nodes'), and the
 *       journal's last promotion names it; with no promotion recorded, the config names it the primary.
 * </ol>
 */
public final class PrimaryOpenPolicy {
    /** For status and the dashboard: when Vakt opens a read-only primary. */
    public static final String WHEN = no.vakt.status.ReadOnlyPrimary.WHEN;

    public enum Action {
        /** Nothing to open: the primary is writable, does not answer, or replicates. */
        NONE,
        /** Open it now: SET GLOBAL read_only=OFF. */
        OPEN,
        /** Leave it read-only for now, for {@link Verdict#reason()}; a later check decides again. */
        WAIT,
        /**
         * A failover or switchover runs and owns the roles (a switchover fences the primary on purpose): leave
         * it, and say nothing (the failover journals itself).
         */
        BUSY
    }

    public record Verdict(Action action, String reason) {
        static Verdict none(String reason) {
            return new Verdict(Action.NONE, reason);
        }

        static Verdict waitFor(String reason) {
            return new Verdict(Action.WAIT, reason);
        }
    }

    /**
     * What the monitor saw, from the servers and the journal.
     *
     * @param primary the settled live primary's state
     * @param standby the other node's state
     * @param primaryEpoch the epoch in the primary's vakt.cluster, null when unreadable
     * @param standbyEpoch the same on the other node, null when unreadable
     * @param journalEpoch the journal's highest epoch
     * @param epochHolder the node the journal's last promotion made the primary, empty when none
     * @param configPrimary the node the config's role: fields name the primary
     * @param running the failover or switchover the journal shows running, empty when none
     * @param lastCompleted the newest completed failover or switchover, empty when none
     * @param pause the active maintenance pause in words, empty when not paused
     * @param setWhileRunning empty when it restarted since the monitor last saw it writable (or was never seen
     *     writable); else when it was last seen writable after its start, in words
     */
    public record Facts(NodeState primary, NodeState standby, Long primaryEpoch, Long standbyEpoch, long journalEpoch,
            Optional<String> epochHolder, String configPrimary, Optional<FailoverRecord> running,
            Optional<FailoverRecord> lastCompleted, Optional<String> pause, Optional<String> setWhileRunning) {}

    private PrimaryOpenPolicy() {}

    public static Verdict decide(Facts f) {
        NodeState p = f.primary();
        String name = p.node().name();
        String other = f.standby().node().name();
        if (!p.reachable()) return Verdict.none(name + " does not answer");
        if (!p.readOnly()) return Verdict.none(name + " is writable");
        if (LiveRole.of(p) != LiveRole.IDLE) return Verdict.none(name + " replicates: it is a standby");
        if (f.running().isPresent()) {
            FailoverRecord r = f.running().get();
            return new Verdict(Action.BUSY, "a " + r.mode() + " is running (" + r.id() + ", " + r.fromNode() + " -> "
                    + r.toNode() + ")");
        }
        if (f.setWhileRunning().isPresent()) {
            return Verdict.waitFor("read_only was set while " + name + " ran (" + f.setWhileRunning().get()
                    + "), not by a restart: Vakt leaves it so");
        }
        if (f.pause().isPresent()) return Verdict.waitFor("the cluster is paused (" + f.pause().get() + "): vakt resume");
        if (!f.standby().reachable()) {
            return Verdict.waitFor(other + " does not answer, so it cannot be seen to be read-only");
        }
        if (!f.standby().readOnly()) return Verdict.waitFor(other + " is writable: opening " + name + " would make two");
        Optional<FailoverRecord> last = f.lastCompleted().filter(r -> !Switchover.MODE.equals(r.mode()));
        if (last.isPresent() && last.get().fromNode().equals(name) && last.get().toNode().equals(other)) {
            return Verdict.waitFor(name + " lost the primary role to " + other + " in failover " + last.get().id()
                    + ": it stays fenced until vakt rejoin " + name);
        }
        if (f.primaryEpoch() == null || f.standbyEpoch() == null) {
            return Verdict.waitFor("the epochs are unreadable (" + name + " " + f.primaryEpoch() + ", " + other + " "
                    + f.standbyEpoch() + ")");
        }
        long cluster = Math.max(f.journalEpoch(), Math.max(f.primaryEpoch(), f.standbyEpoch()));
        if (f.primaryEpoch() != cluster) {
            return Verdict.waitFor(name + "'s epoch " + f.primaryEpoch() + " is behind the cluster epoch " + cluster
                    + ": it is not the rightful primary");
        }
        if (f.epochHolder().isPresent() && !f.epochHolder().get().equals(name)) {
            return Verdict.waitFor("the journal's last promotion made " + f.epochHolder().get() + " the primary, not "
                    + name);
        }
        if (f.epochHolder().isEmpty() && !f.configPrimary().equals(name)) {
            return Verdict.waitFor("the journal records no promotion and the config names " + f.configPrimary()
                    + " the primary, not " + name);
        }
        return new Verdict(Action.OPEN, name + " is the settled primary (epoch " + cluster + ") and " + other
                + " is read-only");
    }
}
