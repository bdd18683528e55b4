package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the `vakt run` process in the middle of a failover, then a restart: the new daemon finds
 * the unfinished failover in the journal and completes it. The failover is held in its first step by
 * a fencing command that blocks on its first call only (as a slow STONITH would), so the kill lands
 * mid-failover every time.
 */
class DaemonCrashRecoveryTest {
    @Test
    void aDaemonKilledMidFailoverIsCompletedByTheNextOne() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            Path marker = pair.dir.resolve("fence-started");
            Path calls = pair.dir.resolve("fence-calls");
            Path script = pair.dir.resolve("slow-stonith");
            Files.writeString(script, String.join("\n", "#!/bin/sh",
                    "echo \"$1\" >> " + calls,
                    "if [ ! -e " + marker + " ]; then echo $$ > " + marker + "; exec sleep 120; fi",
                    "echo \"powered off $1\"", ""));
            script.toFile().setExecutable(true);
            pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                    .replace("  max-apply-wait: 30s\n", "  max-apply-wait: 30s\n  fence-command: [" + script + ", '{node}']\n"));
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            for (int i = 1; i <= 20; i++) TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (" + i + ")");
            ReplicationFixture.awaitCaughtUp(pair);

            Path log = pair.dir.resolve("daemon.log");
            Process daemon = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "no.vakt.cli.Main",
                    "run", "--config", pair.configFile.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Optional<Long> sleeper = Optional.empty();
            try {
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));
                await("monitor heartbeats replicated").atMost(Duration.ofSeconds(30)).until(() -> {
                    Long lag = inspector.inspect(pair.config().standby()).heartbeatLagMs();
                    return lag != null && lag < 500;
                });
                pair.primary.kill();
                await("failover held in the fence step").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker));
                daemon.destroyForcibly(); // SIGKILL
                assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
                sleeper = Optional.of(Long.parseLong(Files.readString(marker).strip()));

                try (Journal journal = journal(pair)) {
                    assertThat(journal.unfinishedFailover()).as(Files.readString(log)).isPresent();
                }
                assertThat(inspector.inspect(pair.config().standby()).readOnly()).as("not promoted yet").isTrue();

                Cli restarted = Cli.run("run", "--config", pair.configFile.toString(), "--duration", "3s");
                assertThat(restarted.out()).as(restarted.out() + restarted.err())
                        .contains("recovered an interrupted failover: RESUME_FROM");

                NodeState bergen = inspector.inspect(pair.config().standby());
                assertThat(bergen.readOnly()).isFalse();
                assertThat(bergen.replica()).isEmpty();
                try (Connection c = pair.standby.rootConnection(); Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(20);
                }
                try (Journal journal = journal(pair)) {
                    assertThat(journal.unfinishedFailover()).isEmpty();
                    FailoverRecord f = journal.failovers(5).get(0);
                    assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                    assertThat(f.toNode()).isEqualTo("bergen-db");
                    assertThat(journal.currentEpoch()).isEqualTo(1);
                }
                // The fence ran again on resume: a fence is always safe to repeat.
                assertThat(Files.readAllLines(calls)).containsExactly("oslo-db", "oslo-db");
            } finally {
                daemon.destroyForcibly();
                sleeper.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static Journal journal(TestPair pair) {
        return new Journal(pair.configFile.getParent().resolve(".vakt/journal.db"), Clock.systemUTC());
    }
}
