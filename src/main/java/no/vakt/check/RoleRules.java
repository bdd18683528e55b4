package no.vakt.check;

import static no.vakt.check.ServerRules.name;

import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.roles.LiveRole;

/**
 * {@code live-roles}: which node is the primary, read from the servers, against the config's {@code role:}
 * fields. The probe has already settled the roles ({@link no.vakt.roles.LiveRoles#settle}, as
 * {@code vakt run}, {@code promote} and {@code switchover} do) and every other rule judges the live
 * primary and the live standby; this rule says how clear that was and whether the config agrees.
 */
final class RoleRules {
    static final String ID = "live-roles";

    /** How clearly the servers name a primary. */
    enum Clarity {
        /** One node is writable and replicates from nobody (or the only reachable node follows the other). */
        CLEAR,
        /** Both nodes are writable and replicate from nobody: split brain. */
        TWO_WRITABLE,
        /** Both answer and neither is writable-and-replicating-from-nobody: nothing takes writes. */
        NONE_WRITABLE,
        /** A node does not answer and the other does not tell (read-only, replicating from nobody). */
        UNKNOWN
    }

    private RoleRules() {}

    /** Pure, over the two states in either order. */
    static Clarity clarity(NodeState a, NodeState b) {
        LiveRole ra = LiveRole.of(a);
        LiveRole rb = LiveRole.of(b);
        if (ra == LiveRole.PRIMARY && rb == LiveRole.PRIMARY) return Clarity.TWO_WRITABLE;
        if (ra == LiveRole.PRIMARY || rb == LiveRole.PRIMARY) return Clarity.CLEAR;
        if (a.reachable() && b.reachable()) return Clarity.NONE_WRITABLE;
        // One answers: a replica of the silent one says who the primary is (a dead primary answers nothing).
        if (ra == LiveRole.STANDBY || rb == LiveRole.STANDBY) return Clarity.CLEAR;
        return Clarity.UNKNOWN;
    }

    static List<Finding> liveRoles(VaktConfig config, Observations o) {
        NodeState p = o.primary();
        NodeState s = o.standby();
        if (p == null || s == null || (!p.reachable() && !s.reachable())) return List.of();
        String roles = describe(p) + ", " + describe(s);
        boolean asConfigured = p.node().equals(config.primary());
        return switch (clarity(p, s)) {
            case CLEAR -> List.of(asConfigured
                    ? Finding.ok(ID, null, "live primary " + name(p) + ", standby " + name(s) + ", as the config's role:"
                            + " fields say (" + roles + ")")
                    : Finding.info(ID, null, "live primary " + name(p) + ", standby " + name(s) + " (" + roles + "):"
                            + " the config's role: fields are the wrong way round (they name " + config.primary().name()
                            + " the primary), as after a failover and vakt rejoin or a vakt switchover; Vakt uses the live"
                            + " roles, and every check here judges them. Edit role: when this layout is meant to stay"));
            case TWO_WRITABLE -> List.of(twoWritable(o, roles));
            case NONE_WRITABLE -> List.of(noneWritable(p, s, roles));
            case UNKNOWN -> List.of(Finding.info(ID, null, "the servers cannot tell which node is the primary ("
                    + roles + "); judged with " + name(p) + " as the primary (" + settledBy(config, o) + ")"));
        };
    }

    /**
     * Split brain: both take writes and they diverge. The probe kept the higher epoch (else the journal's last
     * promotion, else the config) as the primary, as {@code vakt run} does when it fences a returning primary.
     */
    private static Finding twoWritable(Observations o, String roles) {
        NodeState p = o.primary();
        NodeState s = o.standby();
        RoleEvidence e = o.roles();
        long ep = e.primaryEpoch() == null ? 0 : e.primaryEpoch();
        long es = e.standbyEpoch() == null ? 0 : e.standbyEpoch();
        String message = "both nodes are writable and replicate from nobody (" + roles + "): writes to both diverge,"
                + " and neither can take over from the other without losing some of them";
        String fix;
        if (ep != es) {
            // The probe keeps the higher epoch as the primary; named from the figures, so a hand-made pair reads right too.
            String newer = ep > es ? name(p) : name(s);
            String older = ep > es ? name(s) : name(p);
            message += "; " + newer + " holds the higher epoch (" + Math.max(ep, es) + " against " + Math.min(ep, es)
                    + "): it was promoted last";
            fix = "fence the old one, on " + older + ": SET GLOBAL read_only = ON; then vakt rejoin " + older
                    + " (saves the transactions only " + older + " has to .vakt/errant/ first; vakt run fences it by"
                    + " itself)";
        } else {
            fix = "find where the applications write (vakt traffic show) and compare gtid_binlog_pos on both; on the node"
                    + " that must not take writes: SET GLOBAL read_only = ON; then vakt rejoin <that node> (saves its own"
                    + " transactions first)";
        }
        return Finding.error(ID, null, message, fix);
    }

    private static Finding noneWritable(NodeState p, NodeState s, String roles) {
        LiveRole rp = LiveRole.of(p);
        LiveRole rs = LiveRole.of(s);
        // Not "read-only": a writable node whose replica threads run is a standby too (circular replication).
        String message = "neither node is writable and replicating from nobody (" + roles + "): there is no live primary";
        String fix;
        if (rp == LiveRole.IDLE && rs == LiveRole.STANDBY) {
            // Every node's my.cnf says read_only=ON: a restarted primary comes back so until vakt run opens it.
            fix = name(s) + " still follows " + name(p) + ", which is read-only (restarted, fenced, or left so by an"
                    + " interrupted failover or switchover: vakt history). " + no.vakt.status.ReadOnlyPrimary.WHEN
                    + "; without vakt run: start it, or if " + name(p) + " is to stay the primary, on " + name(p)
                    + ": SET GLOBAL read_only = OFF; to fail over to " + name(s) + " instead: vakt promote --confirm";
        } else if (rp == LiveRole.STANDBY && rs == LiveRole.STANDBY) {
            fix = "both replicate: on the node that is to be the primary: STOP SLAVE; RESET SLAVE ALL; SET GLOBAL"
                    + " read_only = OFF; then vakt rejoin <the other>";
        } else {
            fix = "compare gtid_binlog_pos on both (" + name(p) + " " + p.gtidBinlogPos() + ", " + name(s) + " "
                    + s.gtidBinlogPos() + "); on the node with the newest data: SET GLOBAL read_only = OFF; then set up"
                    + " the other as its replica (vakt replicate, or vakt rejoin <the other> when the config's role:"
                    + " fields name it the primary)";
        }
        return Finding.error(ID, null, message, fix);
    }

    private static String settledBy(VaktConfig config, Observations o) {
        Node p = o.primary().node();
        RoleEvidence e = o.roles();
        if (e.journalHolder() != null && e.journalHolder().equals(p.name())) return "the journal's last promotion";
        return p.equals(config.primary()) ? "the config's role:" : "read from the servers";
    }

    /** "oslo-db read-only, replicating" etc.: the live role in words. */
    private static String describe(NodeState n) {
        String what = switch (LiveRole.of(n)) {
            case PRIMARY -> "writable, replicates from nobody";
            case STANDBY -> (n.readOnly() ? "read-only" : "writable") + ", replicates from "
                    + n.replica().map(r -> r.masterHost() + ":" + r.masterPort()).orElse("?");
            case IDLE -> "read-only, replicates from nobody";
            case UNKNOWN -> "does not answer";
        };
        return name(n) + " " + what;
    }
}
