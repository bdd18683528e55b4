package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import no.vakt.alert.Alert;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.failover.planned.Switchover;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.JournalJson;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** {@code vakt switchover}'s exit code and alert; a real switchover whose traffic switch fails. */
class SwitchoverCommandTest {
    private static final OperatorCommands COMMANDS = OperatorCommands.of(Path.of("/etc/vakt/shop.yml"), null);

    private static Switchover.Result completed(boolean trafficPending) {
        return new Switchover.Result(Switchover.Outcome.COMPLETED, "oslo-db", "bergen-db", Duration.ofMillis(90), 4,
                (trafficPending ? "traffic pending: " : "") + "oslo-db -> bergen-db, epoch 4", trafficPending);
    }

    @Test
    void onlyACleanSwitchOrADryRunExitsZero() {
        assertThat(completed(true).ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
        assertThat(completed(false).ending()).isEqualTo(FailoverEnding.COMPLETED);
        assertThat(SwitchoverCommand.exitCode(completed(false))).isEqualTo(ExitCodes.OK);
        assertThat(SwitchoverCommand.exitCode(completed(true))).as("switched, users not moved").isEqualTo(ExitCodes.FAILED);
        assertThat(SwitchoverCommand.exitCode(new Switchover.Result(Switchover.Outcome.DRY_RUN, "oslo-db", "bergen-db",
                null, 0, "dry run"))).isEqualTo(ExitCodes.OK);
        assertThat(SwitchoverCommand.exitCode(new Switchover.Result(Switchover.Outcome.REFUSED, null, null, null, 0,
                "no primary"))).isEqualTo(ExitCodes.FAILED);
        assertThat(SwitchoverCommand.exitCode(new Switchover.Result(Switchover.Outcome.ABORTED, "oslo-db", "bergen-db",
                null, 4, "APPLY_RELAY_LOG failed"))).isEqualTo(ExitCodes.FAILED);
        Switchover.Result late = new Switchover.Result(Switchover.Outcome.ABORTED, "oslo-db", "bergen-db", null, 4,
                "REPOINT_OLD_PRIMARY failed", false, true);
        assertThat(late.ending()).isEqualTo(FailoverEnding.ABORTED_AFTER_PROMOTION);
        assertThat(SwitchoverCommand.exitCode(late)).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void aSwitchThatLeftTrafficPendingAlertsAWarningWithTheCommandForThisConfig() {
        VaktConfig cfg = ConfigLoader.load(Path.of("examples/vakt.yml"));
        Alert pending = SwitchoverCommand.switchoverAlert(cfg, completed(true), COMMANDS).orElseThrow();
        assertThat(pending.severity()).isEqualTo(Severity.WARNING);
        assertThat(pending.event()).isEqualTo("switchover: bergen-db is the primary, traffic switch pending");
        assertThat(pending.action()).contains("users may still be sent to oslo-db")
                .endsWith("by hand: vakt traffic apply --config /etc/vakt/shop.yml");

        Alert clean = SwitchoverCommand.switchoverAlert(cfg, completed(false), COMMANDS).orElseThrow();
        assertThat(clean.severity()).isEqualTo(Severity.INFO);
        assertThat(clean.event()).isEqualTo("switchover: bergen-db is the primary");
    }

    @Test
    void anAbortAfterThePromotionSaysTheNewPrimaryIsPrimaryNotTheOldOne() {
        VaktConfig cfg = ConfigLoader.load(Path.of("examples/vakt.yml"));
        Alert late = SwitchoverCommand.switchoverAlert(cfg, new Switchover.Result(Switchover.Outcome.ABORTED, "oslo-db",
                "bergen-db", Duration.ofMillis(90), 4, "REPOINT_OLD_PRIMARY failed", false, true), COMMANDS).orElseThrow();
        assertThat(late.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(late.event()).contains("aborted after promoting bergen-db");
        assertThat(late.action()).startsWith("bergen-db is the primary now").doesNotContain("oslo-db stays primary")
                .contains("vakt rejoin oslo-db --config /etc/vakt/shop.yml");
        Alert early = SwitchoverCommand.switchoverAlert(cfg, new Switchover.Result(Switchover.Outcome.ABORTED, "oslo-db",
                "bergen-db", null, 4, "catch-up timed out"), COMMANDS).orElseThrow();
        assertThat(early.action()).startsWith("oslo-db stays primary");
    }

    @Test
    void aSwitchoverWhoseTrafficSwitchFailsExitsOneAndNamesTheCommand() throws Exception {
        try (TestPair pair = PromoteCommandTest.replicatingPair(null)) {
            // A traffic entry whose program always fails (exit 1: not retryable), past the promotion.
            pair.rewriteConfig(y -> y.replace("traffic: []\n", "traffic:\n  - type: command\n    command: [/bin/false]\n"
                    + "    timeout: 5s\n"));
            String cfg = pair.configFile.toString();
            String apply = "vakt traffic apply --config " + pair.configFile.toAbsolutePath().normalize();

            Cli r = PromoteCommandTest.vakt("switchover", "--config", cfg, "--timeout", "10s");
            assertThat(r.exitCode()).as("roles swapped, users not moved: not a clean success").isEqualTo(1);
            assertThat(r.out()).contains("HANDOVER: FAILED: file sync now from bergen-db; traffic switch to bergen-db failed: 1 of 1 traffic"
                    + " entries failed")
                    .contains("switchover completed, traffic PENDING: oslo-db -> bergen-db")
                    .contains("Switched: bergen-db is the primary (epoch 1), but traffic is PENDING")
                    .contains("by hand: " + apply);

            JsonNode history = JournalJson.mapper().readTree(PromoteCommandTest.vakt("history", "--config", cfg, "--json").out());
            assertThat(history.at("/failovers/0/label").asText()).isEqualTo("completed, traffic pending");
            assertThat(history.at("/failovers/0/outcome").asText()).isEqualTo("completed");
            assertThat(history.at("/failovers/0/ending").asText()).isEqualTo("completed_traffic_pending");
        }
    }
}
