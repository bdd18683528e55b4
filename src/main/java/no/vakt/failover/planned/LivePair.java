package no.vakt.failover.planned;

import java.util.List;
import no.vakt.config.Node;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.roles.LiveRole;

/**
 * Which node is the primary right now, read from the servers and not from the config's {@code role:}
 * fields: after a switchover the config is the wrong way round until someone edits it, and a second
 * switchover must still swap back. Pure: two observations in, a pair or a refusal out.
 */
public record LivePair(NodeState primary, NodeState standby) {

    /** Why a planned operation does not start; nothing was changed. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    public Node primaryNode() {
        return primary.node();
    }

    public Node standbyNode() {
        return standby.node();
    }

    /**
     * The healthy pair a switchover needs: one writable node replicating from nobody, the other
     * read-only and replicating from it with both threads running.
     */
    public static LivePair forSwitchover(NodeState a, NodeState b) throws Refused {
        for (NodeState s : List.of(a, b)) {
            if (!s.reachable()) throw new Refused(s.node().name() + " does not answer: " + s.error());
        }
        LiveRole ra = LiveRole.of(a);
        LiveRole rb = LiveRole.of(b);
        NodeState primary;
        NodeState standby;
        if (ra == LiveRole.PRIMARY && rb == LiveRole.STANDBY) {
            primary = a;
            standby = b;
        } else if (rb == LiveRole.PRIMARY && ra == LiveRole.STANDBY) {
            primary = b;
            standby = a;
        } else {
            throw new Refused("a switchover needs one live primary and one standby replicating from it; "
                    + a.node().name() + " is " + ra.label() + ", " + b.node().name() + " is " + rb.label());
        }
        ReplicaStatus r = standby.replica().orElseThrow();
        if (!repliesFrom(r, primary.node())) {
            throw new Refused(standby.node().name() + " replicates from " + r.masterHost() + ":" + r.masterPort()
                    + ", not from " + primary.node().name() + " (" + primary.node().mysql().address() + ")");
        }
        if (!r.ioThreadRunning() || !r.sqlThreadRunning()) {
            throw new Refused(standby.node().name() + "'s replication is not running (IO " + r.ioRunning() + ", SQL "
                    + r.sqlRunning() + (r.lastError().isEmpty() ? "" : ", " + r.lastError())
                    + "): it could not catch up, so no write is stopped");
        }
        if (!standby.readOnly()) {
            throw new Refused(standby.node().name() + " replicates but is writable: fix that before a switchover");
        }
        return new LivePair(primary, standby);
    }

    static boolean repliesFrom(ReplicaStatus r, Node primary) {
        return r.masterHost().equalsIgnoreCase(primary.mysql().host()) && r.masterPort() == primary.mysql().port();
    }
}
