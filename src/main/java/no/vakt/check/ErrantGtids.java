package no.vakt.check;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.cluster.GtidPosition;
import no.vakt.db.NodeState;

/**
 * Transactions the standby has and the primary lacks. Two views, because each misses a case:
 * <ul>
 *   <li>by sequence: the standby's gtid_current_pos is past what the primary has in a domain;</li>
 *   <li>by origin: the standby's gtid_binlog_state holds a GTID written by the standby itself (its own
 *       server_id) that the primary never saw, even when the primary's sequence has since moved past it.</li>
 * </ul>
 * Only meaningful when the standby was read before the primary (the probe does that).
 */
final class ErrantGtids {
    private ErrantGtids() {}

    static List<Gtid> find(NodeState standby, NodeState primary) {
        GtidPosition primaryKnown = GtidPosition.parse(
                join(primary.variable("gtid_binlog_pos"), primary.variable("gtid_current_pos")));
        Set<Gtid> errant = new LinkedHashSet<>(standby.gtidCurrentPos().beyond(primaryKnown));
        List<Gtid> primaryState = GtidPosition.list(primary.variable("gtid_binlog_state"));
        GtidPosition primarySlave = primary.gtidSlavePos();
        for (Gtid g : GtidPosition.list(standby.variable("gtid_binlog_state"))) {
            if (g.server() != standby.serverId()) continue;
            boolean inBinlog = primaryState.stream().anyMatch(p ->
                    p.domain() == g.domain() && p.server() == g.server() && p.sequence() >= g.sequence());
            Gtid applied = primarySlave.byDomain().get(g.domain());
            boolean appliedByPrimary = applied != null && applied.server() == g.server() && applied.sequence() >= g.sequence();
            if (!inBinlog && !appliedByPrimary) errant.add(g);
        }
        return List.copyOf(errant);
    }

    private static String join(String a, String b) {
        String x = a == null ? "" : a;
        String y = b == null ? "" : b;
        return x.isBlank() ? y : y.isBlank() ? x : x + "," + y;
    }
}
