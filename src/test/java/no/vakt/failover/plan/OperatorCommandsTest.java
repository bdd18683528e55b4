package no.vakt.failover.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import no.vakt.cluster.OperatorCommands;
import org.junit.jupiter.api.Test;

class OperatorCommandsTest {
    @Test
    void namesTheConfigAbsolutelyAndTheJournalOnlyWhenItIsNotTheDefault() {
        // A config in /etc/vakt keeps its state in /var/lib/vakt/NAME (StateDir): that journal is the default.
        OperatorCommands c = OperatorCommands.of(Path.of("/etc/vakt/shop.yml"), Path.of("/var/lib/vakt/shop/journal.db"));
        assertThat(c.promote(false)).isEqualTo("vakt promote --confirm --config /etc/vakt/shop.yml");
        assertThat(c.promote(true)).isEqualTo("vakt promote --confirm --force --config /etc/vakt/shop.yml");
        assertThat(c.trafficApply()).isEqualTo("vakt traffic apply --config /etc/vakt/shop.yml");
        assertThat(c.rejoin("oslo-db")).isEqualTo("vakt rejoin oslo-db --config /etc/vakt/shop.yml");
        OperatorCommands own = OperatorCommands.of(Path.of("/etc/vakt/shop.yml"), Path.of("/var/lib/vakt/shop.db"));
        assertThat(own.promote(false)).isEqualTo("vakt promote --confirm --config /etc/vakt/shop.yml --journal /var/lib/vakt/shop.db");
        assertThat(own.replicate()).as("replicate keeps no journal").isEqualTo("vakt replicate --config /etc/vakt/shop.yml");
        assertThat(OperatorCommands.of(Path.of("vakt.yml"), null).trafficApply())
                .isEqualTo("vakt traffic apply --config " + Path.of("vakt.yml").toAbsolutePath());
    }

    @Test
    void quotesWhatAShellWouldSplitAndBareCommandsWithoutAConfig() {
        assertThat(OperatorCommands.of(Path.of("/srv/it's mine/vakt.yml"), null).trafficApply())
                .isEqualTo("vakt traffic apply --config '/srv/it'\\''s mine/vakt.yml'");
        assertThat(OperatorCommands.NONE.promote(false)).isEqualTo(FailoverPlanner.APPROVE);
        assertThat(OperatorCommands.NONE.promote(true)).isEqualTo(FailoverPlanner.APPROVE_FORCED);
        assertThat(OperatorCommands.NONE.rejoin("oslo-db")).isEqualTo("vakt rejoin oslo-db");
    }

    @Test
    void aPlanNamesTheApproveCommandWithTheConfig() {
        OperatorCommands c = OperatorCommands.of(Path.of("/etc/vakt/shop.yml"), null);
        FailoverPlan manual = FailoverPlanner.plan(FailoverPlannerTest.base().mode(no.vakt.config.FailoverMode.MANUAL)
                .commands(c).build());
        assertThat(manual.decision()).isEqualTo(Decision.WAIT_FOR_OPERATOR);
        assertThat(manual.approveCommand()).isEqualTo("vakt promote --confirm --config /etc/vakt/shop.yml");
    }
}
