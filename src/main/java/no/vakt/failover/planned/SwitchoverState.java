package no.vakt.failover.planned;

import java.time.Instant;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.ReadOnlyBypass;

/**
 * What the steps of one switchover share: its sessions to both nodes (open for the whole run, so the
 * catch-up wait needs no reconnect) and what the fence found, read by the later steps and the report.
 */
final class SwitchoverState {
    final VaktConfig config;
    final Node from;
    final Node to;
    final DbSession oldDb;
    final DbSession newDb;
    /** When the fence began: the start of the write-unavailable window. */
    Instant fencedAt;
    /** The fenced primary's gtid_binlog_pos: what the standby must reach. */
    String position = "";
    /** The accounts the fence locked on the old primary. */
    List<ReadOnlyBypass.Account> locked = List.of();
    boolean repointed;
    boolean filesTurned;
    boolean trafficPending;

    SwitchoverState(VaktConfig config, Node from, Node to, DbSession oldDb, DbSession newDb) {
        this.config = config;
        this.from = from;
        this.to = to;
        this.oldDb = oldDb;
        this.newDb = newDb;
    }
}
