package no.vakt.check;

import static no.vakt.check.States.config;
import static no.vakt.check.States.observations;
import static no.vakt.check.States.primary;
import static no.vakt.check.States.standby;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import org.junit.jupiter.api.Test;

class ServerRulesTest {
    private final VaktConfig config = config();

    @Test
    void healthyPairHasOnlyOkFindings() {
        List<Finding> findings = Preflight.evaluate(config, States.healthy(config));
        assertThat(findings).isNotEmpty().allSatisfy(f -> assertThat(f.severity()).as(f.toString()).isEqualTo(Severity.OK));
        assertThat(Preflight.ready(findings)).isTrue();
    }

    @Test
    void unreachableNodeIsAnErrorAndItsRulesAreSkipped() {
        NodeState down = NodeState.unreachable(config.standby(), "Socket fail to connect to host:address=(host=10.0.2.10)");
        var o = new Observations(primary().build(config), down, List.of("10.0.0.1"), null,
                CanaryResult.skipped("a node is unreachable"), List.of());

        List<Finding> findings = Preflight.evaluate(config, o);

        assertThat(findings).filteredOn(f -> f.severity() == Severity.ERROR)
                .extracting(Finding::id, Finding::node)
                .containsExactly(tuple("reachable", "bergen-db"));
        assertThat(findings.get(0).message()).contains("cannot log in to 10.0.2.10:3306 as vakt", "Socket fail");
        assertThat(findings.get(0).fix()).contains("mariadbd runs on 10.0.2.10", "port 3306");
        assertThat(findings).filteredOn(f -> "bergen-db".equals(f.node())).extracting(Finding::id)
                .containsOnly("reachable", "jurisdiction");
        assertThat(Preflight.ready(findings)).isFalse();
    }

    @Test
    void accessDeniedPointsAtTheAccountAndSecret() {
        NodeState down = NodeState.unreachable(config.primary(), "Access denied for user 'vakt'@'10.0.0.1' [error 1045]");
        var f = ServerRules.reachability(config, observations(config, down, standby().build(config)));
        assertThat(f.get(0).fix()).contains("vakt@", "file:/etc/vakt/admin.password");
    }

    @Test
    void duplicateOrZeroServerIds() {
        var same = ServerRules.serverIds(config, observations(config, primary(), standby().set("server_id", "1")));
        assertThat(same).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.node()).isNull();
            assertThat(f.fix()).contains("on bergen-db: SET GLOBAL server_id = 2");
        });
        var zero = ServerRules.serverIds(config, observations(config, primary().set("server_id", "0"), standby()));
        assertThat(zero).extracting(Finding::id, Finding::severity, Finding::node)
                .containsExactly(tuple("server-id", Severity.ERROR, "oslo-db"));
    }

    @Test
    void binaryLogs() {
        var primaryOff = ServerRules.binaryLog(config, observations(config, primary().set("log_bin", "OFF"), standby()));
        assertThat(primaryOff).extracting(Finding::id, Finding::severity)
                .contains(tuple("log-bin", Severity.ERROR), tuple("standby-log-bin", Severity.OK));

        var standbyOff = ServerRules.binaryLog(config, observations(config, primary(), standby().set("log_bin", "OFF")));
        assertThat(standbyOff).extracting(Finding::id, Finding::severity)
                .containsExactly(tuple("log-bin", Severity.OK), tuple("standby-log-bin", Severity.ERROR));

        var noSlaveUpdates = ServerRules.binaryLog(config,
                observations(config, primary(), standby().set("log_slave_updates", "OFF")));
        assertThat(noSlaveUpdates).extracting(Finding::id, Finding::severity)
                .contains(tuple("log-slave-updates", Severity.WARNING));
    }

    @Test
    void binlogFormatIsAnErrorOnlyForStatementOnThePrimary() {
        assertThat(ServerRules.binlogFormat(config, observations(config, primary().set("binlog_format", "STATEMENT"),
                standby()))).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.ERROR), tuple("bergen-db", Severity.OK));
        assertThat(ServerRules.binlogFormat(config, observations(config, primary().set("binlog_format", "MIXED"),
                standby().set("binlog_format", "STATEMENT")))).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.WARNING), tuple("bergen-db", Severity.WARNING));
    }

    @Test
    void durabilityIsAnErrorOnThePrimaryAndAWarningOnTheStandby() {
        var o = observations(config, primary().set("sync_binlog", "0").set("innodb_flush_log_at_trx_commit", "2"),
                standby().set("sync_binlog", "0").set("innodb_flush_log_at_trx_commit", "0"));
        assertThat(ServerRules.syncBinlog(config, o)).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.ERROR), tuple("bergen-db", Severity.WARNING));
        List<Finding> flush = ServerRules.innodbFlush(config, o);
        assertThat(flush).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.ERROR), tuple("bergen-db", Severity.WARNING));
        assertThat(flush.get(0).message()).contains("innodb_flush_log_at_trx_commit is 2");
        assertThat(flush.get(0).fix()).contains("SET GLOBAL innodb_flush_log_at_trx_commit = 1",
                "innodb-flush-log-at-trx-commit = 1");
    }

    @Test
    void readOnlyOnTheWrongNode() {
        var o = observations(config, primary().set("read_only", "ON"), standby().set("read_only", "OFF"));
        assertThat(ServerRules.readOnly(config, o)).extracting(Finding::id, Finding::severity)
                .containsExactly(tuple("standby-read-only", Severity.ERROR), tuple("primary-read-only", Severity.WARNING));
    }

    @Test
    void everyNodesServerConfigMustStartItReadOnly() {
        // Where read_only's value came from: the server config (ON), nothing (OFF), or SET GLOBAL since the start.
        var o = observations(config,
                primary().set("read_only", "OFF").set(NodeState.READ_ONLY_ORIGIN, "COMPILE-TIME"),
                standby().set("read_only", "ON").set(NodeState.READ_ONLY_ORIGIN, "CONFIG"));
        List<Finding> found = ServerRules.readOnly(config, o).stream().filter(f -> f.id().equals("read-only-at-start")).toList();
        assertThat(found).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.WARNING), tuple("bergen-db", Severity.OK));
        assertThat(found.get(0).message()).contains("leaves read_only OFF (compile-time)", "second writable primary");
        assertThat(found.get(0).fix()).contains("read_only = ON under [mysqld] in oslo-db's server config");

        var opened = observations(config, primary().set("read_only", "OFF").set(NodeState.READ_ONLY_ORIGIN, "SQL"),
                standby().set("read_only", "ON"));
        assertThat(ServerRules.readOnly(config, opened)).filteredOn(f -> f.id().equals("read-only-at-start"))
                .singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.INFO);
                    assertThat(f.message()).contains("set by SQL", "make sure its my.cnf says read_only = ON");
                });
    }

    @Test
    void strictModeAndNameResolutionAreWarningsPerNode() {
        var o = observations(config, primary().set("gtid_strict_mode", "OFF"), standby().set("skip_name_resolve", "OFF"));
        assertThat(ServerRules.gtidStrictMode(config, o)).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.WARNING));
        assertThat(ServerRules.skipNameResolve(config, o)).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("bergen-db", Severity.WARNING));
    }

    @Test
    void nonInnodbTablesAreListedTenAtMost() {
        Observations base = States.healthy(config);
        assertThat(ServerRules.transactionalTables(config, base)).as("not read: nothing said").isEmpty();
        List<TableEngine> many = java.util.stream.IntStream.rangeClosed(1, 12)
                .mapToObj(i -> new TableEngine("shop", "t" + i, "Aria")).toList();
        var f = ServerRules.transactionalTables(config, withTables(base, many));
        assertThat(f).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo(Severity.WARNING);
            assertThat(w.node()).isEqualTo("oslo-db");
            assertThat(w.message()).startsWith("12 tables are not InnoDB: shop.t1 (Aria), ").contains("shop.t10 (Aria) and 2 more;")
                    .doesNotContain("shop.t11");
            assertThat(w.fix()).startsWith("on oslo-db: ALTER TABLE shop.t1 ENGINE=InnoDB;");
        });
        assertThat(ServerRules.transactionalTables(config, withTables(base, List.of()))).extracting(Finding::severity)
                .containsExactly(Severity.OK);
    }

    private static Observations withTables(Observations o, List<TableEngine> tables) {
        return new Observations(o.primary(), o.standby(), o.primaryReplicationHosts(), o.standbyReplicationHosts(),
                o.canary(), o.secrets(), o.traffic(), o.files(), o.roles(), tables);
    }
}
