package no.vakt.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.lab.LabConfigTemplate;
import org.junit.jupiter.api.Test;

/** The bootstrap decision, without a server: observations in, plan out. */
class BootstrapPlannerTest {
    static final String P_HOST = "127.0.0.10";
    static final int P_PORT = 3310;
    static final VaktConfig CONFIG = config(false);

    static VaktConfig config(boolean tls) {
        String yml = new LabConfigTemplate("t", P_HOST, P_PORT, "127.0.0.11", 3311, "vakt", Path.of("/s/admin"), "repl",
                Path.of("/s/repl"), List.of("shop"), "manual", tls ? Path.of("/s/ca.pem") : null, false, "127.0.0.1")
                .render();
        return ConfigLoader.parse(Path.of("/tmp/vakt.yml"), yml);
    }

    /** A fluent builder of observations; defaults: fresh pair, nothing replicating. */
    static final class Obs {
        Map<String, String> p = vars(1, "", "", "", false);
        Map<String, String> s = vars(2, "", "", "", true);
        Optional<ReplicaStatus> standbyReplica = Optional.empty();
        Optional<ReplicaStatus> primaryReplica = Optional.empty();
        Set<String> primaryDbs = Set.of();
        Map<String, Integer> standbyTables = Map.of("shop", 0);
        boolean vaktSchema = false;
        AccountState pAccount = AccountState.missing("repl", "127.0.0.1");
        AccountState sAccount = AccountState.missing("repl", "127.0.0.1");
        String masterUser;
        Observation.OldestBinlog oldestBinlog;

        static Map<String, String> vars(int id, String binlogPos, String binlogState, String slavePos, boolean ro) {
            Map<String, String> v = new HashMap<>();
            v.put("server_id", Integer.toString(id));
            v.put("log_bin", "ON");
            v.put("gtid_binlog_pos", binlogPos);
            v.put("gtid_binlog_state", binlogState);
            v.put("gtid_slave_pos", slavePos);
            v.put("gtid_current_pos", binlogPos.isEmpty() ? slavePos : binlogPos);
            v.put("read_only", ro ? "ON" : "OFF");
            return v;
        }

        Obs primaryGtids(String pos, String state) {
            p.put("gtid_binlog_pos", pos);
            p.put("gtid_binlog_state", state);
            p.put("gtid_current_pos", pos);
            return this;
        }

        Obs standbyGtids(String binlogPos, String binlogState, String slavePos) {
            s.put("gtid_binlog_pos", binlogPos);
            s.put("gtid_binlog_state", binlogState);
            s.put("gtid_slave_pos", slavePos);
            s.put("gtid_current_pos", binlogPos.isEmpty() ? slavePos : binlogPos);
            return this;
        }

        Obs replicating(String host, int port, String io, String sql, boolean ssl) {
            standbyReplica = Optional.of(new ReplicaStatus(host, port, io, sql, 0L, 0, "", 0, "", ssl, "Slave_Pos", Map.of()));
            masterUser = "repl";
            return this;
        }

        Obs accountsUpToDate() {
            pAccount = new AccountState("repl", "127.0.0.1", true, true, true, false);
            sAccount = new AccountState("repl", "127.0.0.1", true, true, true, false);
            return this;
        }

        Observation build() {
            var cfg = CONFIG;
            return new Observation(
                    new NodeState(cfg.primary(), true, null, p, primaryReplica, null, Map.of(), Map.of()),
                    new NodeState(cfg.standby(), true, null, s, standbyReplica, null, Map.of(), Map.of()),
                    primaryDbs, standbyTables, vaktSchema, pAccount, sAccount, masterUser, oldestBinlog);
        }
    }

    static BootstrapPlan plan(Obs o) {
        return BootstrapPlanner.plan(CONFIG, o.build(), false);
    }

    @Test
    void freshPairIsSeededWithVaktEvenWhenTheDatabaseDoesNotExistYet() {
        BootstrapPlan plan = plan(new Obs());
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
        assertThat(plan.seed()).isTrue();
        assertThat(plan.reset()).isFalse();
        assertThat(plan.seedDatabases()).containsExactly("vakt");
        assertThat(plan.missingDatabases()).containsExactly("shop");
        assertThat(plan.accounts()).extracting(a -> a.node() + ":" + a.binlogged())
                .containsExactly("oslo-db:true", "bergen-db:false");
    }

    @Test
    void existingPrimaryDataIsSeeded() {
        Obs o = new Obs().primaryGtids("0-1-40", "0-1-40");
        o.primaryDbs = Set.of("shop");
        BootstrapPlan plan = plan(o);
        assertThat(plan.seed()).isTrue();
        assertThat(plan.seedDatabases()).containsExactly("shop", "vakt");
        assertThat(plan.missingDatabases()).isEmpty();
    }

    @Test
    void standbyBehindThePrimaryIsNotSeededAgain() {
        Obs o = new Obs().primaryGtids("0-1-42", "0-1-42").standbyGtids("0-1-30", "0-1-30", "0-1-30");
        BootstrapPlan plan = plan(o);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
        assertThat(plan.seed()).isFalse();
        assertThat(plan.seedReason()).isEqualTo("skipped, standby already holds 0-1-30 (12 transactions behind)");
        assertThat(plan.alignSlavePosTo()).isNull();
    }

    @Test
    void formerPrimaryStartsFromItsWholeHistory() {
        // Back from a failover: its own writes 0-2-50 are in its binlog, not in gtid_slave_pos.
        Obs o = new Obs().primaryGtids("0-1-60", "0-2-50,0-1-60").standbyGtids("0-2-50", "0-1-40,0-2-50", "0-1-40");
        BootstrapPlan plan = plan(o);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
        assertThat(plan.seed()).isFalse();
        assertThat(plan.alignSlavePosTo()).isEqualTo("0-2-50");
    }

    @Test
    void errantGtidBeyondThePrimaryIsRefused() {
        Obs o = new Obs().standbyGtids("0-2-3", "0-2-3", "");
        BootstrapPlan plan = plan(o);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.REFUSE);
        assertThat(plan.reasons()).singleElement().asString().contains("GTIDs 0-2-3").contains("written on bergen-db");
    }

    @Test
    void errantGtidBelowThePrimarysSequenceIsStillRefused() {
        // 0-2-1 is not beyond 0-1-9 by sequence, but the primary never saw anything from server 2.
        Obs o = new Obs().primaryGtids("0-1-9", "0-1-9").standbyGtids("0-2-1", "0-2-1", "");
        assertThat(plan(o).decision()).isEqualTo(BootstrapPlan.Decision.REFUSE);
        assertThat(plan(o).reasons().get(0)).contains("0-2-1");
    }

    @Test
    void standbyAheadOfThePrimaryInAKnownDomainIsRefused() {
        Obs o = new Obs().primaryGtids("0-1-9", "0-1-9").standbyGtids("0-1-12", "0-1-12", "0-1-12");
        assertThat(plan(o).decision()).isEqualTo(BootstrapPlan.Decision.REFUSE);
    }

    @Test
    void standbyDataWithoutHistoryIsRefused() {
        Obs o = new Obs();
        o.standbyTables = Map.of("shop", 2);
        BootstrapPlan plan = plan(o);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.REFUSE);
        assertThat(plan.reasons()).singleElement().asString().contains("shop (2 tables)");
    }

    @Test
    void overwriteTurnsAConflictIntoAResetAndSeed() {
        Obs o = new Obs().primaryGtids("0-1-9", "0-1-9").standbyGtids("0-2-1", "0-2-1", "");
        o.standbyTables = Map.of("shop", 1);
        BootstrapPlan plan = BootstrapPlanner.plan(CONFIG, o.build(), true);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
        assertThat(plan.reset()).isTrue();
        assertThat(plan.seed()).isTrue();
        assertThat(plan.reasons()).hasSize(1);
    }

    @Test
    void overwriteAlwaysWipesAndSeedsAgain() {
        // Nothing conflicts and the standby replicates as configured: --overwrite still copies it again.
        Obs o = new Obs().primaryGtids("0-1-42", "0-1-42").standbyGtids("0-1-42", "0-1-42", "0-1-42")
                .replicating(P_HOST, P_PORT, "Yes", "Yes", false).accountsUpToDate();
        o.vaktSchema = true;
        o.primaryDbs = Set.of("shop");
        BootstrapPlan plan = BootstrapPlanner.plan(CONFIG, o.build(), true);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
        assertThat(plan.reset()).isTrue();
        assertThat(plan.seed()).isTrue();
        assertThat(plan.seedDatabases()).containsExactly("shop", "vakt");
        assertThat(plan.reasons()).singleElement().asString().startsWith("as asked, bergen-db's copies of shop, vakt");
        assertThat(plan.warnings()).noneMatch(w -> w.contains("--overwrite"));
        assertThat(ReplicationBootstrap.pipeline(plan, java.time.Clock.systemUTC()).steps())
                .extracting(Step::name).contains("reset", "seed");
    }

    @Test
    void aPositionThePrimarysBinaryLogsNoLongerReachIsRefusedBeforeAnythingChanges() {
        // The standby stopped at 0-1-11; the primary went on to 0-1-14 and purged every log before 0-1-14.
        Obs o = new Obs().primaryGtids("0-1-20", "0-1-20").standbyGtids("0-1-11", "0-1-11", "0-1-11")
                .replicating(P_HOST, P_PORT, "No", "Yes", false).accountsUpToDate();
        o.vaktSchema = true;
        o.oldestBinlog = new Observation.OldestBinlog("mysql-bin.000003",
                no.vakt.cluster.GtidPosition.parse("0-1-14"));
        BootstrapPlan plan = plan(o);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.REFUSE);
        assertThat(plan.reasons()).singleElement().asString()
                .contains("bergen-db is at 0-1-11 but oslo-db's oldest binary log mysql-bin.000003 starts after 0-1-14")
                .contains("purged").contains("cannot catch up by replication");
        assertThat(BootstrapPlanner.reseedReasons(CONFIG, o.build())).hasSize(1);

        BootstrapPlan forced = BootstrapPlanner.plan(CONFIG, o.build(), true);
        assertThat(forced.decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
        assertThat(forced.reset()).isTrue();
        assertThat(forced.seed()).isTrue();
        assertThat(forced.reasons()).singleElement().asString().contains("purged");
    }

    @Test
    void aPositionAtOrPastTheOldestLogsStartIsFine() {
        for (String standby : List.of("0-1-14", "0-1-17")) {
            Obs o = new Obs().primaryGtids("0-1-20", "0-1-20").standbyGtids(standby, standby, standby);
            o.oldestBinlog = new Observation.OldestBinlog("mysql-bin.000003", no.vakt.cluster.GtidPosition.parse("0-1-14"));
            BootstrapPlan plan = plan(o);
            assertThat(plan.decision()).as(standby).isEqualTo(BootstrapPlan.Decision.PROCEED);
            assertThat(plan.seed()).as(standby).isFalse();
        }
        // A domain the standby never saw, all of it before the oldest log: purged too.
        Obs lacking = new Obs().primaryGtids("0-1-20,1-1-9", "0-1-20,1-1-9").standbyGtids("0-1-17", "0-1-17", "0-1-17");
        lacking.oldestBinlog = new Observation.OldestBinlog("mysql-bin.000003",
                no.vakt.cluster.GtidPosition.parse("0-1-14,1-1-5"));
        assertThat(plan(lacking).decision()).isEqualTo(BootstrapPlan.Decision.REFUSE);
        assertThat(plan(lacking).reasons().get(0)).contains("bergen-db is at 0-1-17 but oslo-db's oldest binary log"
                + " mysql-bin.000003 starts after 0-1-14,1-1-5");
        // A standby without history is seeded: purged logs do not matter to a fresh copy.
        Obs fresh = new Obs().primaryGtids("0-1-20", "0-1-20");
        fresh.oldestBinlog = new Observation.OldestBinlog("mysql-bin.000003", no.vakt.cluster.GtidPosition.parse("0-1-14"));
        assertThat(plan(fresh).decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
        assertThat(plan(fresh).seed()).isTrue();
    }

    @Test
    void aReplicaThatRunsIsLeftAloneEvenWhenItsAppliedPositionIsBeforeTheOldestLog() {
        // Its IO thread fetched those events before the purge; only a new CHANGE MASTER would lose them.
        Obs o = new Obs().primaryGtids("0-1-20", "0-1-20").standbyGtids("0-1-11", "0-1-11", "0-1-11")
                .replicating(P_HOST, P_PORT, "Yes", "Yes", false).accountsUpToDate();
        o.vaktSchema = true;
        o.oldestBinlog = new Observation.OldestBinlog("mysql-bin.000003", no.vakt.cluster.GtidPosition.parse("0-1-14"));
        assertThat(plan(o).decision()).isEqualTo(BootstrapPlan.Decision.NOOP);
    }

    @Test
    void runningReplicationWithEverythingInPlaceIsANoOp() {
        Obs o = new Obs().primaryGtids("0-1-42", "0-1-42").standbyGtids("0-1-42", "0-1-42", "0-1-42")
                .replicating(P_HOST, P_PORT, "Yes", "Yes", false).accountsUpToDate();
        o.vaktSchema = true;
        BootstrapPlan plan = plan(o);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.NOOP);
        assertThat(plan.reasons().get(0)).contains("already replicating from oslo-db");
    }

    @Test
    void anythingOutOfPlaceIsNotANoOp() {
        // Each of these alone keeps the bootstrap from being a no-op.
        List<java.util.function.Consumer<Obs>> drifts = List.of(
                o -> o.replicating(P_HOST, P_PORT, "Connecting", "Yes", false),
                o -> o.replicating(P_HOST, P_PORT, "Yes", "No", false),
                o -> o.replicating("127.0.0.99", P_PORT, "Yes", "Yes", false),
                o -> o.replicating(P_HOST, P_PORT, "Yes", "Yes", true),
                o -> o.masterUser = "someone",
                o -> o.pAccount = new AccountState("repl", "127.0.0.1", true, false, true, false),
                o -> o.sAccount = AccountState.missing("repl", "127.0.0.1"),
                o -> o.s.put("read_only", "OFF"),
                o -> o.vaktSchema = false);
        for (var drift : drifts) {
            Obs o = new Obs().primaryGtids("0-1-42", "0-1-42").standbyGtids("0-1-42", "0-1-42", "0-1-42")
                    .replicating(P_HOST, P_PORT, "Yes", "Yes", false).accountsUpToDate();
            o.vaktSchema = true;
            drift.accept(o);
            BootstrapPlan plan = plan(o);
            assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.PROCEED);
            assertThat(plan.seed()).isFalse();
        }
    }

    @Test
    void tlsMakesAPlainAccountOutOfDate() {
        VaktConfig tls = config(true);
        Obs o = new Obs().accountsUpToDate();
        BootstrapPlan plan = BootstrapPlanner.plan(tls, o.build(), false);
        assertThat(plan.accounts()).noneMatch(BootstrapPlan.AccountTask::upToDate);
        assertThat(plan.accounts().get(0).observed().drift(true)).isEqualTo("lacks REQUIRE SSL");
    }

    @Test
    void blockersCannotBeOverwritten() {
        Obs noBinlog = new Obs();
        noBinlog.p.put("log_bin", "OFF");
        Obs sameId = new Obs();
        sameId.s.put("server_id", "1");
        Obs swapped = new Obs();
        swapped.primaryReplica = Optional.of(new ReplicaStatus("127.0.0.11", 3311, "Yes", "Yes", 0L, 0, "", 0, "", false,
                "Slave_Pos", Map.of()));
        assertThat(BootstrapPlanner.plan(CONFIG, noBinlog.build(), true).reasons()).singleElement().asString()
                .contains("log_bin=OFF");
        assertThat(BootstrapPlanner.plan(CONFIG, sameId.build(), true).reasons()).singleElement().asString()
                .contains("server_id 1");
        assertThat(BootstrapPlanner.plan(CONFIG, swapped.build(), true).reasons()).singleElement().asString()
                .contains("roles in the config look swapped");
    }

    @Test
    void unreachableNodeIsRefused() {
        Obs o = new Obs();
        Observation base = o.build();
        Observation down = new Observation(base.primary(), NodeState.unreachable(CONFIG.standby(), "Connection refused"),
                base.primaryDatabases(), base.standbyTables(), false, base.primaryAccount(), base.standbyAccount(), null,
                null);
        BootstrapPlan plan = BootstrapPlanner.plan(CONFIG, down, false);
        assertThat(plan.decision()).isEqualTo(BootstrapPlan.Decision.REFUSE);
        assertThat(plan.reasons()).singleElement().asString().contains("cannot reach bergen-db").contains("Connection refused");
    }

    @Test
    void warnsAboutPrimaryDatabasesThatAreNotReplicatedOnPurpose() {
        Obs o = new Obs();
        o.primaryDbs = Set.of("shop", "legacy");
        assertThat(plan(o).warnings()).anyMatch(w -> w.contains("also has legacy, not in replication.databases"));
    }
}
