package no.vakt.check;

import static no.vakt.check.States.config;
import static no.vakt.check.States.observations;
import static no.vakt.check.States.primary;
import static no.vakt.check.States.standby;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.VaktConfig;
import no.vakt.db.ReplicaStatus;
import org.junit.jupiter.api.Test;

class FilterRulesTest {
    private final VaktConfig config = config();

    @Test
    void binlogDoDbThatLeavesVaktOutIsAnError() {
        var p = primary();
        p.binlogFilters = Map.of("binlog_do_db", "shop");
        var f = FilterRules.binlogFilters(config, observations(config, p, standby()));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("binlog_do_db = shop", "leaves out vakt");
        });
    }

    @Test
    void binlogDoDbWithEverythingNeededIsAWarningThatExplainsStatementFormat() {
        var p = primary().set("binlog_format", "MIXED");
        p.binlogFilters = Map.of("binlog_do_db", "shop,vakt");
        var f = FilterRules.binlogFilters(config, observations(config, p, standby()));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).contains("default database", "cross-database update", "silently left out")
                    .doesNotContain("leaves out");
        });
    }

    @Test
    void binlogIgnoreDbOfAConfiguredDatabase() {
        var p = primary();
        p.binlogFilters = Map.of("binlog_ignore_db", "shop");
        assertThat(FilterRules.binlogFilters(config, observations(config, p, standby())))
                .singleElement().satisfies(x -> assertThat(x.message()).contains("leaves out shop"));
    }

    @Test
    void replicateFiltersFromVariablesAndSlaveStatus() {
        var s = standby().set("replicate_wild_ignore_table", "vakt.%");
        s.replica = Optional.of(new ReplicaStatus(States.PRIMARY_HOST, 3306, "Yes", "Yes", 0L, 0, "", 0, "", true,
                "Slave_Pos", Map.of("replicate_ignore_table", "shop.sessions")));
        var f = FilterRules.replicationFilters(config, observations(config, primary(), s));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("replicate_ignore_table = shop.sessions",
                    "replicate_wild_ignore_table = vakt.%", "never reach the standby", "leaves out vakt");
            assertThat(x.fix()).contains("SET GLOBAL replicate_ignore_table = '';",
                    "SET GLOBAL replicate_wild_ignore_table = '';");
        });
    }

    @Test
    void partialTableFilterIsAWarning() {
        var s = standby().set("replicate_ignore_table", "shop.sessions");
        assertThat(FilterRules.replicationFilters(config, observations(config, primary(), s)))
                .extracting(Finding::severity).containsExactly(Severity.WARNING);
    }

    @Test
    void replicateFilterOnThePrimaryOnlyMattersOnTheWayBack() {
        var p = primary().set("replicate_do_db", "shop");
        assertThat(FilterRules.replicationFilters(config, observations(config, p, standby())))
                .extracting(Finding::node, Finding::severity).containsExactly(tuple("oslo-db", Severity.WARNING));
    }

    @Test
    void whichDatabasesAFilterLeavesOut() {
        List<String> wanted = List.of("shop", "vakt");
        assertThat(DatabaseFilters.excluded(Map.of("replicate_do_db", "shop"), wanted)).containsExactly("vakt");
        assertThat(DatabaseFilters.excluded(Map.of("replicate_wild_do_table", "shop.%,vakt.%"), wanted)).isEmpty();
        assertThat(DatabaseFilters.excluded(Map.of("replicate_do_table", "shop.orders"), wanted)).containsExactly("vakt");
        assertThat(DatabaseFilters.excluded(Map.of("replicate_wild_ignore_table", "s%.%"), wanted)).containsExactly("shop");
        assertThat(DatabaseFilters.excluded(Map.of("replicate_wild_ignore_table", "shop.tmp%"), wanted)).isEmpty();
        assertThat(DatabaseFilters.excluded(Map.of(), wanted)).isEmpty();
    }
}
