package no.vakt.check;

import static no.vakt.check.States.config;
import static no.vakt.check.States.observations;
import static no.vakt.check.States.primary;
import static no.vakt.check.States.standby;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;

class WarmthRulesTest {
    private final VaktConfig config = config();

    @Test
    void aNodeThatDoesNotDumpOrLoadItsPoolIsAWarningOnThatNode() {
        var f = WarmthRules.dumpAndLoad(config, observations(config, primary(),
                standby().set("innodb_buffer_pool_load_at_startup", "OFF")));
        assertThat(f).extracting(Finding::id, Finding::node, Finding::severity).containsExactly(
                tuple("buffer-pool-dump", "oslo-db", Severity.OK), tuple("buffer-pool-dump", "bergen-db", Severity.WARNING));
        assertThat(f.get(1).message()).contains("innodb_buffer_pool_load_at_startup is OFF").contains("cold");
    }

    @Test
    void aStandbyPoolSmallerThanThePrimarysIsAWarningAndEqualIsFine() {
        var smaller = WarmthRules.poolSize(config, observations(config, primary(),
                standby().set("innodb_buffer_pool_size", Long.toString(4L << 30))));
        assertThat(smaller).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).contains("4096 MiB", "8192 MiB", "cold site");
            assertThat(x.fix()).contains("innodb_buffer_pool_size = " + (8L << 30));
        });
        assertThat(WarmthRules.poolSize(config, observations(config, primary(), standby())))
                .extracting(Finding::severity).containsExactly(Severity.OK);
    }

    @Test
    void aSmallDumpPercentageIsAHint() {
        var f = WarmthRules.dumpPct(config, observations(config, primary().set("innodb_buffer_pool_dump_pct", "25"), standby()));
        assertThat(f).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.INFO), tuple("bergen-db", Severity.OK));
        assertThat(f.get(0).message()).contains("only the 25 %");
    }
}
