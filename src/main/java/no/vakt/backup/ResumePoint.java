package no.vakt.backup;

import java.util.List;
import no.vakt.cluster.GtidPosition;

/**
 * Where the archive's stream starts on a server (pure): at its newest binlog that begins at or before what
 * is archived, so nothing between is missed (on the same node after a restart, or on a new primary after a
 * switchover: it has the same GTIDs in its own binlog, written with log_slave_updates). When every binlog
 * on the server begins after it, the server purged transactions before they were archived: a gap.
 */
public sealed interface ResumePoint {
    /** Stream from this file on. */
    record Start(String file) implements ResumePoint {}

    /** Transactions after {@code archived} and before {@code oldestStarts} are neither on the server nor in the archive. */
    record Gap(String node, String oldestFile, String oldestStarts, String archived) implements ResumePoint {
        public String describe() {
            return node + "'s oldest binlog " + oldestFile + " begins after GTID " + oldestStarts + " but the archive ends at "
                    + (archived.isEmpty() ? "nothing" : archived) + ": the transactions between were purged before they were archived";
        }
    }

    /** A binlog on the server and the GTID position it begins after (its Gtid_list event). */
    record ServerBinlog(String file, String startsAfter) {}

    static ResumePoint choose(String node, List<ServerBinlog> onServer, String archived) {
        if (onServer.isEmpty()) throw new IllegalArgumentException("no binary logs");
        GtidPosition have = GtidPosition.parse(archived);
        if (have.isEmpty()) return new Start(onServer.get(0).file());
        for (int i = onServer.size() - 1; i >= 0; i--) {
            if (have.contains(GtidPosition.parse(onServer.get(i).startsAfter()))) return new Start(onServer.get(i).file());
        }
        ServerBinlog oldest = onServer.get(0);
        return new Gap(node, oldest.file(), oldest.startsAfter(), archived);
    }
}
