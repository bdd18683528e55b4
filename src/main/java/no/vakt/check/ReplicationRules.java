package no.vakt.check;

import static no.vakt.check.ServerRules.name;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.Durations;
import no.vakt.config.LoopbackHost;
import no.vakt.config.Replication;
import no.vakt.config.Tls;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.status.HeartbeatLag;

/** Checks of the channel from the primary to the standby and of the data actually flowing through it. */
final class ReplicationRules {
    /** "Got fatal error 1236 from master when reading data from binary log": e.g. the binlogs were purged. */
    private static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;

    private ReplicationRules() {}

    static List<Finding> channel(VaktConfig config, Observations o) {
        NodeState s = o.standby();
        if (!s.reachable()) return List.of();
        if (s.replica().isEmpty()) {
            return List.of(Finding.error("replica-configured", name(s), "the standby replicates from nobody"
                    + " (SHOW SLAVE STATUS is empty)", "set up replication from " + name(o.primary()) + ": "
                    + setUp(config, o)));
        }
        ReplicaStatus r = s.replica().get();
        List<Finding> out = new ArrayList<>();
        var pm = o.primary().node().mysql();
        out.add(Finding.ok("replica-configured", name(s), "replicates from " + r.masterHost() + ":" + r.masterPort()));
        if (!r.masterHost().equalsIgnoreCase(pm.host()) || r.masterPort() != pm.port()) {
            out.add(Finding.warning("replica-source", name(s), "the standby replicates from " + r.masterHost() + ":"
                            + r.masterPort() + ", but the live primary is " + name(o.primary()) + " (" + pm.address() + ")",
                    "if that is another server, point the standby at " + name(o.primary()) + ": " + setUp(config, o)));
        }
        if ("No".equalsIgnoreCase(r.usingGtid())) {
            out.add(Finding.warning("replica-using-gtid", name(s), "the channel uses binlog file/position, not GTID:"
                            + " a failover has to translate positions by hand",
                    "on " + name(s) + ": STOP SLAVE; CHANGE MASTER TO MASTER_USE_GTID = slave_pos; START SLAVE;"));
        }
        if (r.ioThreadRunning()) {
            out.add(Finding.ok("replica-io-thread", name(s), "IO thread running"));
        } else {
            String fix = ioThreadFix(config, o, r);
            out.add(Finding.error("replica-io-thread", name(s), "IO thread is not running (Slave_IO_Running: "
                    + r.ioRunning() + ")" + lastError(r.lastIoErrno(), r.lastIoError()), fix));
        }
        if (r.sqlThreadRunning()) {
            out.add(Finding.ok("replica-sql-thread", name(s), "SQL thread running"));
        } else {
            String fix = r.lastSqlErrno() != 0
                    ? "fix the cause above (never skip events blindly: a skipped event is lost data), then on "
                            + name(s) + ": START SLAVE SQL_THREAD;"
                    : "on " + name(s) + ": START SLAVE SQL_THREAD;";
            out.add(Finding.error("replica-sql-thread", name(s), "SQL thread is not running (Slave_SQL_Running: "
                    + r.sqlRunning() + ")" + lastError(r.lastSqlErrno(), r.lastSqlError()), fix));
        }
        return out;
    }

    /**
     * The command that makes the live standby replicate from the live primary: {@code vakt replicate} builds the
     * pair the config's role: fields describe, so when they are the wrong way round it is {@code vakt rejoin}.
     */
    private static String setUp(VaktConfig config, Observations o) {
        return o.primary().node().equals(config.primary()) ? "vakt replicate" : "vakt rejoin " + name(o.standby());
    }

    /** What to do about a stopped IO thread: "fix the cause above" only when there is a cause above. */
    private static String ioThreadFix(VaktConfig config, Observations o, ReplicaStatus r) {
        String s = name(o.standby());
        String p = name(o.primary());
        String start = "on " + s + ": START SLAVE IO_THREAD;";
        if (r.lastIoErrno() == 1045) {
            return "the replication password or account is wrong: check replication.user, " + config.replication().secret()
                    + " and the account on " + p + ", then " + start;
        }
        if (r.lastIoErrno() == ER_MASTER_FATAL_ERROR_READING_BINLOG && r.lastIoError().contains("purged")) {
            return p + " no longer has the binary logs " + s + " needs (purged), so it cannot catch up by replication:"
                    + " copy it again with vakt replicate --overwrite (wipes " + s + "'s copies of replication.databases"
                    + " and seeds them from " + p + ")";
        }
        if (r.lastIoError() != null && !r.lastIoError().isBlank()) return "fix the cause above, then " + start;
        if ("Connecting".equalsIgnoreCase(r.ioRunning())) {
            return "no error yet, it is still trying to connect to " + r.masterHost() + ":" + r.masterPort()
                    + ": check that this address answers from " + s + " (server running, bind-address, firewall,"
                    + " routing) and that the replication account exists there (vakt replicate); the IO thread retries"
                    + " every MASTER_CONNECT_RETRY seconds by itself";
        }
        return "it stopped without an error (STOP SLAVE, or a restart with skip-slave-start): look at " + s
                + "'s error log for who stopped it, then " + start;
    }

    static List<Finding> primaryReplicates(VaktConfig config, Observations o) {
        NodeState p = o.primary();
        if (!p.reachable() || p.replica().isEmpty()) return List.of();
        ReplicaStatus r = p.replica().get();
        if (!r.ioThreadRunning() && !r.sqlThreadRunning()) return List.of();
        return List.of(Finding.warning("primary-replicates", name(p), "the primary itself replicates from "
                        + r.masterHost() + ":" + r.masterPort() + " (circular replication): writes on both sides conflict",
                "if this is left over from a switchover, on " + name(p) + ": STOP SLAVE; RESET SLAVE ALL;"));
    }

    static List<Finding> errantTransactions(VaktConfig config, Observations o) {
        NodeState p = o.primary();
        NodeState s = o.standby();
        if (!o.bothReachable() || !p.flag("log_bin")) return List.of(); // no primary binlog: nothing to compare with
        String positions = "standby gtid_current_pos '" + s.gtidCurrentPos() + "', primary gtid_binlog_pos '"
                + p.gtidBinlogPos() + "'";
        List<GtidPosition.Gtid> errant = ErrantGtids.find(s, p);
        if (errant.isEmpty()) {
            long behind = s.gtidCurrentPos().transactionsBehind(p.gtidBinlogPos());
            return List.of(Finding.ok("gtid-errant", name(s), "no errant transactions; " + positions
                    + (behind > 0 ? " (" + behind + " behind)" : "")));
        }
        String list = errant.stream().map(Object::toString).collect(Collectors.joining(", "));
        return List.of(Finding.error("gtid-errant", name(s), "the standby has transactions the primary lacks"
                        + " (errant): " + list + "; " + positions,
                "find what wrote them: mariadb-binlog on " + name(s) + "'s binary logs, GTID " + errant.get(0)
                        + "; then either make the same change on the primary, or re-seed the standby from the primary;"
                        + " keep read_only ON on the standby"));
    }

    /**
     * Lag is the standby's heartbeat age minus the primary's, so a heartbeat writer that stopped does not
     * read as lag; Seconds_Behind_Master is shown but never decides (it reads 0 when the IO thread stalls).
     */
    static List<Finding> lag(VaktConfig config, Observations o) {
        NodeState p = o.primary();
        NodeState s = o.standby();
        if (!o.bothReachable()) return List.of();
        Duration rpo = config.objectives().rpo();
        String sbm = s.replica().map(r -> "; Seconds_Behind_Master " + (r.secondsBehindMaster() == null
                ? "NULL" : r.secondsBehindMaster())).orElse("");
        Long primaryAge = p.heartbeatLagMs();
        Long standbyAge = s.heartbeatLagMs();
        List<Finding> out = new ArrayList<>();
        String writer = "run vakt run (or vakt heartbeat), which writes vakt.heartbeat on the primary every "
                + Durations.format(config.replication().heartbeatInterval());
        if (primaryAge == null) {
            out.add(Finding.warning("heartbeat", name(p), "no heartbeat rows on the primary: lag cannot be measured"
                    + " against the RPO", writer));
            out.add(Finding.info("replication-lag", name(s), "not measured by heartbeat" + sbm
                    + " (not trusted alone)"));
            return out;
        }
        if (standbyAge == null) {
            out.add(Finding.error("replication-lag", name(s), "the primary's heartbeat rows have not reached the"
                    + " standby" + sbm, "see the replica thread and filter findings; vakt must be replicated"));
            return out;
        }
        Duration stale = HeartbeatLag.staleAfter(config.replication().heartbeatInterval());
        if (primaryAge > stale.toMillis()) {
            out.add(Finding.warning("heartbeat", name(p), "the newest heartbeat on the primary is " + primaryAge
                    + " ms old: no writer is running, so lag is measured only up to that row", writer));
        }
        long lagMs = HeartbeatLag.of(standbyAge, primaryAge).ms();
        String message = "heartbeat lag " + lagMs + " ms, RPO " + Durations.format(rpo) + sbm;
        out.add(lagMs > rpo.toMillis()
                ? Finding.error("replication-lag", name(s), message + ": a failover now loses more than the RPO",
                        "see the replica thread findings; if the standby is catching up, wait and check again;"
                                + " if it is always behind, it needs faster disks/CPU or parallel replication"
                                + " (slave_parallel_threads)")
                : Finding.ok("replication-lag", name(s), message));
        return out;
    }

    /**
     * {@code replication-tls}, judged as {@code admin-tls} judges Vakt's own connections (see {@link AdminTlsRules}),
     * because the channel carries more: every row of every replicated database, continuously. A plaintext channel
     * while the pair spans sites or zones is an ERROR: the data crosses between the sites readable by anyone on the
     * path, which is not the "appropriate technical measures" (encryption in transit) of GDPR Art. 32, and an admin
     * connection in the same state is already one. Inside one site and zone it is a WARNING; a channel to a loopback
     * address never leaves the host and is OK. TLS the config asks for that the channel does not use is an ERROR.
     */
    static List<Finding> tls(VaktConfig config, Observations o) {
        NodeState s = o.standby();
        if (!s.reachable() || s.replica().isEmpty()) return List.of();
        Tls tls = config.replication().tls();
        ReplicaStatus r = s.replica().get();
        if (r.sslAllowed()) {
            return List.of(Finding.ok("replication-tls", name(s), "the channel uses TLS"));
        }
        if (tls.enabled()) {
            String ca = tls.ca() == null ? "" : ", MASTER_SSL_CA = '" + tls.ca() + "'";
            String verify = tls.verifyServerCert() ? ", MASTER_SSL_VERIFY_SERVER_CERT = 1" : "";
            return List.of(Finding.error("replication-tls", name(s), "replication.tls.enabled is true but the"
                            + " channel does not use TLS (Master_SSL_Allowed: No)",
                    "on " + name(s) + ": STOP SLAVE; CHANGE MASTER TO MASTER_SSL = 1" + ca + verify
                            + "; START SLAVE; (or " + setUp(config, o) + ")"));
        }
        String channel = "the channel to " + r.masterHost() + ":" + r.masterPort();
        if (LoopbackHost.is(r.masterHost())) {
            return List.of(Finding.ok("replication-tls", name(s), channel + " is plaintext, on loopback: it never"
                    + " leaves this host"));
        }
        String message = "TLS is off: " + channel + " carries all the replicated data, and every later change to it,"
                + " unencrypted";
        String fix = "set replication.tls (enabled: true, ca: the CA that signed the servers' certificates) in the config"
                + " and run " + setUp(config, o) + " (the servers need ssl_cert and ssl_key in their my.cnf)";
        if (tls.plaintextChosen()) {
            // As admin-tls's mode: disable: someone wrote it down (a VPN, an IPsec link); said, not failed.
            return List.of(Finding.warning("replication-tls", name(s), message + AdminTlsRules.span(config)
                    .map(span -> " between " + span).orElse("") + "; chosen by replication.tls.enabled: false (only"
                    + " right when the path between them is encrypted otherwise)", fix));
        }
        return List.of(AdminTlsRules.span(config)
                .map(span -> Finding.error("replication-tls", name(s), message + " between " + span + ": personal data"
                        + " crossing between them in clear is not the encryption in transit GDPR Art. 32 expects, so this"
                        + " is an error, as a plaintext admin connection across them is (admin-tls)", fix))
                .orElseGet(() -> Finding.warning("replication-tls", name(s), message + " (inside one site and zone)", fix)));
    }

    static List<Finding> semiSync(VaktConfig config, Observations o) {
        Replication r = config.replication();
        if (!r.semiSync()) return List.of();
        List<Finding> out = new ArrayList<>();
        NodeState p = o.primary();
        NodeState s = o.standby();
        String timeout = Long.toString(r.semiSyncTimeout().toMillis());
        if (p.reachable()) {
            if (!p.flag("rpl_semi_sync_master_enabled")) {
                out.add(Finding.warning("semi-sync", name(p), "replication.semi-sync is true but"
                                + " rpl_semi_sync_master_enabled is OFF: replication is asynchronous (RPO not zero)",
                        "on " + name(p) + ": SET GLOBAL rpl_semi_sync_master_timeout = " + timeout
                                + "; SET GLOBAL rpl_semi_sync_master_enabled = ON; and the same in its my.cnf"));
            } else if (!"ON".equalsIgnoreCase(p.semiSyncStatus().get("rpl_semi_sync_master_status"))) {
                out.add(Finding.warning("semi-sync", name(p), "semi-sync is enabled but Rpl_semi_sync_master_status"
                                + " is OFF: the primary fell back to asynchronous replication (RPO not zero)",
                        "check that the standby acknowledges (rpl_semi_sync_slave_enabled = ON, IO thread running)"));
            } else {
                out.add(Finding.ok("semi-sync", name(p), "semi-sync is on and active"));
            }
        }
        if (s.reachable() && !s.flag("rpl_semi_sync_slave_enabled")) {
            out.add(Finding.warning("semi-sync", name(s), "rpl_semi_sync_slave_enabled is OFF: the standby never"
                            + " acknowledges, so the primary waits each commit out and falls back to asynchronous",
                    "on " + name(s) + ": SET GLOBAL rpl_semi_sync_slave_enabled = ON; STOP SLAVE IO_THREAD;"
                            + " START SLAVE IO_THREAD; and the same in its my.cnf"));
        }
        return out;
    }

    static List<Finding> canary(VaktConfig config, Observations o) {
        CanaryResult c = o.canary();
        if (c == null) return List.of();
        Duration rpo = config.objectives().rpo();
        return switch (c.outcome()) {
            case SKIPPED -> List.of(Finding.info("canary", null, "not written (" + c.detail()
                    + "): replication is not proven end to end"));
            case WRITE_FAILED -> List.of(Finding.error("canary", name(o.primary()), "could not write the canary on"
                    + " the primary: " + c.detail(), "the admin user needs write access to the vakt schema on "
                    + name(o.primary())));
            case NOT_ARRIVED -> List.of(Finding.error("canary", name(o.standby()), "a row written on the primary"
                            + " did not arrive on the standby within " + Durations.format(c.bound())
                            + (c.detail() == null ? "" : " (" + c.detail() + ")"),
                    "see the replica thread, filter and server-id findings; the vakt schema must be replicated"));
            case ARRIVED -> List.of(c.arrivalMs() > rpo.toMillis()
                    ? Finding.warning("canary", name(o.standby()), "a row written on the primary arrived on the"
                            + " standby in " + c.arrivalMs() + " ms, more than the RPO " + Durations.format(rpo),
                            "see replication-lag; a standby that is slow to apply needs faster disks/CPU")
                    : Finding.ok("canary", name(o.standby()), "a row written on the primary arrived on the standby in "
                            + c.arrivalMs() + " ms"));
        };
    }

    private static String lastError(int errno, String error) {
        return error == null || error.isBlank() ? "" : "; last error " + errno + ": " + error;
    }
}
