package no.vakt.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.RunningDaemon;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * The gate end to end: `vakt pause` with no daemon writes the journal; under `vakt run` (automatic mode) a
 * killed primary then only alerts "paused"; `vakt promote` still promotes.
 */
class PauseGateTest {
    @Test
    void whilePausedADownPrimaryAlertsButIsNotFailedOverAndPromoteStillWorks() throws Exception {
        try (TestPair pair = TestPair.builder().failoverMode("automatic").start()) {
            ReplicationFixture.start(pair);
            pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                    + "server:\n  enabled: false\n");
            String config = pair.configFile.toString();
            Path journalFile = pair.configFile.getParent().resolve(".vakt/journal.db");

            Cli pause = Cli.run("pause", "--for", "10m", "--reason", "planned maintenance", "--config", config);
            assertThat(pause.exitCode()).as(pause.out() + pause.err()).isZero();
            assertThat(pause.out()).contains("automatic failover paused until").contains("reason 'planned maintenance'")
                    .contains("written to the journal " + journalFile).contains("server.enabled is false");
            Cli status = Cli.run("status", "--config", config);
            assertThat(status.out()).contains("PAUSED: no automatic failover until").contains("planned maintenance");

            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));
            Cli out;
            try (RunningDaemon run = RunningDaemon.start(pair.configFile)) {
                await("monitor heartbeats replicated").atMost(Duration.ofSeconds(10)).until(() -> {
                    Long lag = inspector.inspect(pair.config().standby()).heartbeatLagMs();
                    return lag != null && lag < 500;
                });
                pair.primary.kill();

                try (Journal journal = new Journal(journalFile, Clock.systemUTC())) {
                    Optional<JournalEvent> alert = await("the paused DOWN alert").atMost(Duration.ofSeconds(20))
                            .until(() -> journal.history(EventKind.ALERT, 50).stream()
                                    .filter(e -> e.details().path("action").asText().startsWith("paused: no automatic failover"))
                                    .findFirst(), Optional::isPresent);
                    assertThat(alert.get().summary()).isEqualTo("primary oslo-db down");
                    assertThat(alert.get().details().path("action").asText()).contains("planned maintenance")
                            .contains("by " + System.getProperty("user.name")).contains("`vakt promote` still works");
                    // The decision came before any failover could begin: none was journaled, nor on the
                    // still-down ticks after it (every 200 ms), and bergen stays read-only.
                    await("no failover while paused").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                            .until(() -> journal.failovers(10).isEmpty() && inspector.inspect(pair.config().standby()).readOnly());
                }
                NodeState standby = inspector.inspect(pair.config().standby());
                assertThat(standby.readOnly()).as("bergen not promoted").isTrue();
                out = run.stop();
            }
            assertThat(out.out()).contains("automatic failover paused until").contains("paused: no automatic failover")
                    .doesNotContain("failover: PROCEED");

            Cli promote = Cli.run("promote", "--config", config, "--confirm");
            assertThat(promote.exitCode()).as(promote.out() + promote.err()).isZero();
            NodeState promoted = inspector.inspect(pair.config().standby());
            assertThat(promoted.readOnly()).as("vakt promote works while paused").isFalse();
        }
    }
}
