package no.vakt.check;

import static no.vakt.check.States.config;
import static no.vakt.check.States.observations;
import static no.vakt.check.States.primary;
import static no.vakt.check.States.standby;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import no.vakt.config.VaktConfig;
import no.vakt.db.ReplicaStatus;
import org.junit.jupiter.api.Test;

class ReplicationRulesTest {
    private final VaktConfig config = config();

    private static ReplicaStatus replica(String io, String sql, int ioErrno, String ioError, int sqlErrno, String sqlError,
            boolean ssl, String usingGtid) {
        return new ReplicaStatus(States.PRIMARY_HOST, 3306, io, sql, null, ioErrno, ioError, sqlErrno, sqlError, ssl,
                usingGtid, Map.of());
    }

    @Test
    void standbyThatReplicatesFromNobody() {
        var s = standby();
        s.replica = Optional.empty();
        assertThat(ReplicationRules.channel(config, observations(config, primary(), s)))
                .extracting(Finding::id, Finding::severity)
                .containsExactly(tuple("replica-configured", Severity.ERROR));
    }

    @Test
    void stoppedThreadsCarryTheirLastError() {
        var s = standby();
        s.replica = Optional.of(replica("Connecting", "No", 1045, "error connecting to master 'repl@10.0.1.10:3306'",
                1062, "Duplicate entry '7' for key 'PRIMARY'", true, "Slave_Pos"));
        List<Finding> f = ReplicationRules.channel(config, observations(config, primary(), s));

        assertThat(f).extracting(Finding::id, Finding::severity).contains(
                tuple("replica-io-thread", Severity.ERROR), tuple("replica-sql-thread", Severity.ERROR));
        Finding io = f.stream().filter(x -> x.id().equals("replica-io-thread")).findFirst().orElseThrow();
        assertThat(io.message()).contains("Connecting", "1045", "error connecting to master");
        assertThat(io.fix()).contains("password", "file:/etc/vakt/repl.password", "START SLAVE IO_THREAD");
        Finding sql = f.stream().filter(x -> x.id().equals("replica-sql-thread")).findFirst().orElseThrow();
        assertThat(sql.message()).contains("1062", "Duplicate entry");
        assertThat(sql.fix()).contains("never skip", "START SLAVE SQL_THREAD");
    }

    @Test
    void theIoThreadFixNamesACauseOnlyWhenOneIsShown() {
        var stopped = standby();
        stopped.replica = Optional.of(replica("No", "Yes", 0, "", 0, "", true, "Slave_Pos"));
        assertThat(ioFinding(stopped).fix()).startsWith("it stopped without an error (STOP SLAVE, or a restart with"
                + " skip-slave-start): look at bergen-db's error log").endsWith("on bergen-db: START SLAVE IO_THREAD;");

        var connecting = standby();
        connecting.replica = Optional.of(replica("Connecting", "Yes", 0, "", 0, "", true, "Slave_Pos"));
        assertThat(ioFinding(connecting).fix()).contains("still trying to connect to 10.0.1.10:3306")
                .contains("bind-address, firewall").doesNotContain("cause above");

        var failed = standby();
        failed.replica = Optional.of(replica("No", "Yes", 2026, "TLS/SSL error: unable to verify", 0, "", true,
                "Slave_Pos"));
        assertThat(ioFinding(failed).message()).contains("last error 2026: TLS/SSL error");
        assertThat(ioFinding(failed).fix()).startsWith("fix the cause above, then on bergen-db: START SLAVE IO_THREAD;");

        var purged = standby();
        purged.replica = Optional.of(replica("No", "Yes", 1236, "Got fatal error 1236 from master when reading data"
                + " from binary log: 'Could not find GTID state requested by slave in any binlog files. Probably the"
                + " slave state is too old and required binlog files have been purged.'", 0, "", true, "Slave_Pos"));
        assertThat(ioFinding(purged).fix()).startsWith("oslo-db no longer has the binary logs bergen-db needs (purged)")
                .contains("vakt replicate --overwrite");
    }

    private Finding ioFinding(States.Node standby) {
        return ReplicationRules.channel(config, observations(config, primary(), standby)).stream()
                .filter(x -> x.id().equals("replica-io-thread")).findFirst().orElseThrow();
    }

    @Test
    void channelWithoutGtidOrFromElsewhere() {
        var s = standby();
        s.replica = Optional.of(new ReplicaStatus("10.9.9.9", 3307, "Yes", "Yes", 0L, 0, "", 0, "", true, "No", Map.of()));
        assertThat(ReplicationRules.channel(config, observations(config, primary(), s)))
                .extracting(Finding::id, Finding::severity)
                .contains(tuple("replica-source", Severity.WARNING), tuple("replica-using-gtid", Severity.WARNING));
    }

    @Test
    void primaryThatAlsoReplicatesIsCircular() {
        var p = primary();
        p.replica = Optional.of(replica("Yes", "Yes", 0, "", 0, "", true, "Slave_Pos"));
        assertThat(ReplicationRules.primaryReplicates(config, observations(config, p, standby())))
                .extracting(Finding::id, Finding::severity)
                .containsExactly(tuple("primary-replicates", Severity.WARNING));
    }

    @Test
    void standbyBehindIsNotErrant() {
        var s = standby().set("gtid_current_pos", "0-1-90").set("gtid_slave_pos", "0-1-90")
                .set("gtid_binlog_state", "0-1-90");
        var f = ReplicationRules.errantTransactions(config, observations(config, primary(), s));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.OK);
            assertThat(x.message()).contains("'0-1-90'", "'0-1-100'", "10 behind");
        });
    }

    @Test
    void standbyAheadOfThePrimaryIsErrant() {
        var s = standby().set("gtid_current_pos", "0-2-101").set("gtid_binlog_state", "0-1-100,0-2-101");
        var f = ReplicationRules.errantTransactions(config, observations(config, primary(), s));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("errant", "0-2-101", "standby gtid_current_pos '0-2-101'",
                    "primary gtid_binlog_pos '0-1-100'");
        });
    }

    @Test
    void standbyWriteIsErrantEvenAfterThePrimaryMovedPastItsSequence() {
        // The standby wrote 0-2-50 long ago; the primary has since reached 0-1-100 and never saw it.
        var s = standby().set("gtid_binlog_state", "0-2-50,0-1-100");
        var f = ReplicationRules.errantTransactions(config, observations(config, primary(), s));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("0-2-50");
        });
    }

    @Test
    void standbyWritesThePrimaryReplicatedBackAreNotErrant() {
        // After a failover and back, the primary's binlog holds the standby's old GTIDs too.
        var p = primary().set("gtid_binlog_state", "0-2-50,0-1-100");
        var s = standby().set("gtid_binlog_state", "0-2-50,0-1-100");
        assertThat(ReplicationRules.errantTransactions(config, observations(config, p, s)))
                .extracting(Finding::severity).containsExactly(Severity.OK);
    }

    @Test
    void noErrantCheckWithoutAPrimaryBinlog() {
        var p = primary().set("log_bin", "OFF").set("gtid_binlog_pos", "").set("gtid_binlog_state", "");
        assertThat(ReplicationRules.errantTransactions(config, observations(config, p, standby()))).isEmpty();
    }

    @Test
    void lagIsTheStandbysHeartbeatAgeMinusThePrimarys() {
        var p = primary();
        p.heartbeatLagMs = 30_000L; // the writer stopped 30 s ago: that is not lag
        var s = standby();
        s.heartbeatLagMs = 30_200L;
        List<Finding> f = ReplicationRules.lag(config, observations(config, p, s));
        assertThat(f).extracting(Finding::id, Finding::severity).containsExactly(
                tuple("heartbeat", Severity.WARNING), tuple("replication-lag", Severity.OK));
        assertThat(f.get(1).message()).contains("heartbeat lag 200 ms, RPO 1s");
    }

    @Test
    void lagAboveTheRpoIsAnErrorEvenWhenSecondsBehindMasterSaysZero() {
        var s = standby();
        s.heartbeatLagMs = 5_100L; // the primary's is 100 ms
        assertThat(ReplicationRules.lag(config, observations(config, primary(), s))).singleElement().satisfies(x -> {
            assertThat(x.id()).isEqualTo("replication-lag");
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("heartbeat lag 5000 ms", "Seconds_Behind_Master 0");
        });
    }

    @Test
    void heartbeatMissingOnEitherSide() {
        var p = primary();
        p.heartbeatLagMs = null;
        assertThat(ReplicationRules.lag(config, observations(config, p, standby())))
                .extracting(Finding::id, Finding::severity)
                .containsExactly(tuple("heartbeat", Severity.WARNING), tuple("replication-lag", Severity.INFO));
        var s = standby();
        s.heartbeatLagMs = null;
        assertThat(ReplicationRules.lag(config, observations(config, primary(), s)))
                .extracting(Finding::id, Finding::severity)
                .containsExactly(tuple("replication-lag", Severity.ERROR));
    }

    private static final String ONE_SITE = "  - name: bergen\n    zone: bergen-1\n    country: NO\n    nodes:\n";

    private static ReplicaStatus plainChannelTo(String host) {
        return new ReplicaStatus(host, 3306, "Yes", "Yes", null, 0, "", 0, "", false, "Slave_Pos", Map.of());
    }

    private List<Finding> plainTls(VaktConfig config, String masterHost) {
        var plain = standby();
        plain.replica = Optional.of(plainChannelTo(masterHost));
        return ReplicationRules.tls(config, observations(config, primary(), plain));
    }

    /** No replication.tls section at all: nobody chose plaintext. */
    private static final UnaryOperator<String> NO_TLS_SECTION = t -> t.replace("  tls:\n    enabled: false\n", "");

    @Test
    void plaintextChannelAcrossSitesIsAnErrorAsAdminTlsIs() {
        VaktConfig config = config(NO_TLS_SECTION);
        assertThat(config.replication().tls().plaintextChosen()).isFalse();
        List<Finding> f = plainTls(config, States.PRIMARY_HOST);
        assertThat(f).extracting(Finding::severity).containsExactly(Severity.ERROR);
        assertThat(f.get(0).message()).contains("TLS is off: the channel to 10.0.1.10:3306", "between sites oslo and bergen",
                "GDPR Art. 32");
        assertThat(f.get(0).fix()).contains("set replication.tls (enabled: true", "run vakt replicate");

        VaktConfig twoZones = config(t -> NO_TLS_SECTION.apply(t).replace(ONE_SITE, "")
                .replace("      - name: bergen-db\n", "      - name: bergen-db\n        zone: oslo-2\n"));
        assertThat(plainTls(twoZones, States.PRIMARY_HOST)).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("between zones oslo-1 and oslo-2");
        });
    }

    @Test
    void plaintextWrittenDownAcrossSitesIsAWarningAsAdminTlsModeDisableIs() {
        // replication.tls.enabled: false in the config (a VPN between the sites, say): said, not failed.
        assertThat(config.replication().tls().plaintextChosen()).isTrue();
        assertThat(plainTls(config, States.PRIMARY_HOST)).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).contains("between sites oslo and bergen", "chosen by replication.tls.enabled: false");
        });
    }

    @Test
    void plaintextChannelInsideOneSiteAndZoneIsAWarning() {
        VaktConfig oneSite = config(t -> NO_TLS_SECTION.apply(t).replace(ONE_SITE, ""));
        assertThat(plainTls(oneSite, States.PRIMARY_HOST)).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).endsWith("(inside one site and zone)");
        });
    }

    @Test
    void plaintextChannelOnLoopbackIsOk() {
        // Judged by where the channel goes (Master_Host), not by the config: a loopback channel never leaves the host.
        for (String host : List.of("127.0.0.1", "127.12.0.7", "localhost")) {
            assertThat(plainTls(config, host)).singleElement().satisfies(x -> {
                assertThat(x.severity()).as(host).isEqualTo(Severity.OK);
                assertThat(x.message()).contains("plaintext, on loopback");
            });
        }
    }

    @Test
    void tlsTheConfigRequiresButTheChannelLacksIsAnErrorEvenOnLoopback() {
        VaktConfig required = config(t -> t.replace("tls:\n    enabled: false", "tls:\n    enabled: true\n    ca: /etc/vakt/ca.pem"));
        for (String host : List.of(States.PRIMARY_HOST, "127.0.0.1")) {
            var f = plainTls(required, host);
            assertThat(f).extracting(Finding::severity).as(host).containsExactly(Severity.ERROR);
            assertThat(f.get(0).fix()).contains("MASTER_SSL = 1, MASTER_SSL_CA = '/etc/vakt/ca.pem',"
                    + " MASTER_SSL_VERIFY_SERVER_CERT = 1", "(or vakt replicate)");
        }
        assertThat(ReplicationRules.tls(required, observations(required, primary(), standby())))
                .extracting(Finding::severity).containsExactly(Severity.OK);
    }

    @Test
    void fixesNameVaktRejoinWhenTheConfigsRolesAreReversed() {
        // The live standby is the configured primary: vakt replicate would rebuild it the config's way round.
        Observations live = States.reversed(config);
        var follower = standby();
        follower.replica = Optional.of(new ReplicaStatus(States.STANDBY_HOST, 3306, "Yes", "Yes", null, 0, "", 0, "",
                false, "Slave_Pos", Map.of()));
        var plain = observations(config, live.primary(), follower.build(config.primary()));
        assertThat(ReplicationRules.tls(config, plain)).singleElement()
                .satisfies(x -> assertThat(x.fix()).contains("run vakt rejoin oslo-db").doesNotContain("vakt replicate"));

        var nobody = standby();
        nobody.replica = Optional.empty();
        var unset = observations(config, live.primary(), nobody.build(config.primary()));
        assertThat(ReplicationRules.channel(config, unset)).singleElement().satisfies(x -> {
            assertThat(x.id()).isEqualTo("replica-configured");
            assertThat(x.fix()).isEqualTo("set up replication from bergen-db: vakt rejoin oslo-db");
        });
        // Following the live primary is right, whatever the config's role: fields say.
        assertThat(ReplicationRules.channel(config, live)).extracting(Finding::id).doesNotContain("replica-source");
    }

    @Test
    void semiSync() {
        assertThat(ReplicationRules.semiSync(config, States.healthy(config))).isEmpty();
        VaktConfig semi = config(t -> t.replace("semi-sync: false", "semi-sync: true"));

        assertThat(ReplicationRules.semiSync(semi, observations(semi, primary(), standby())))
                .extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.WARNING), tuple("bergen-db", Severity.WARNING));

        var fellBack = primary().set("rpl_semi_sync_master_enabled", "ON");
        var acking = standby().set("rpl_semi_sync_slave_enabled", "ON");
        List<Finding> f = ReplicationRules.semiSync(semi, observations(semi, fellBack, acking));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).contains("fell back to asynchronous");
        });

        var on = primary().set("rpl_semi_sync_master_enabled", "ON");
        on.semi.put("rpl_semi_sync_master_status", "ON");
        assertThat(ReplicationRules.semiSync(semi, observations(semi, on, acking)))
                .extracting(Finding::severity).containsExactly(Severity.OK);
    }

    @Test
    void canaryOutcomes() {
        assertThat(canary(CanaryResult.arrived(12, Duration.ofSeconds(5)))).containsExactly(Severity.OK);
        assertThat(canary(CanaryResult.arrived(1500, Duration.ofSeconds(5)))).containsExactly(Severity.WARNING);
        assertThat(canary(CanaryResult.notArrived(Duration.ofSeconds(5), null))).containsExactly(Severity.ERROR);
        assertThat(canary(CanaryResult.writeFailed("read-only"))).containsExactly(Severity.ERROR);
        assertThat(canary(CanaryResult.skipped("--no-canary"))).containsExactly(Severity.INFO);
    }

    private List<Severity> canary(CanaryResult result) {
        var base = States.healthy(config);
        var o = new Observations(base.primary(), base.standby(), base.primaryReplicationHosts(),
                base.standbyReplicationHosts(), result, List.of());
        return ReplicationRules.canary(config, o).stream().map(Finding::severity).toList();
    }
}
