package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.RunningDaemon;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** The daemon end to end: kill -9 of the primary under `vakt run` promotes the standby with every replicated row. */
class AutomaticFailoverTest {
    @Test
    void killingThePrimaryUnderVaktRunPromotesTheStandbyWithoutLosingReplicatedRows() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms"));
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            for (int i = 1; i <= 50; i++) TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (" + i + ")");
            TestPair.sql(pair.primary, "DELETE FROM vakt.heartbeat"); // only the monitor's own beats count below
            ReplicationFixture.awaitCaughtUp(pair);

            Cli out;
            try (RunningDaemon run = RunningDaemon.start(pair.configFile)) {
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));
                // The monitor's heartbeats arriving on the standby: the loss window is then measured, not assumed.
                await("monitor heartbeats replicated").atMost(Duration.ofSeconds(10)).until(() -> {
                    Long lag = inspector.inspect(pair.config().standby()).heartbeatLagMs();
                    return lag != null && lag < 500;
                });
                pair.primary.kill();

                await("bergen promoted").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    NodeState s = inspector.inspect(pair.config().standby());
                    return s.reachable() && !s.readOnly() && s.replica().isEmpty();
                });
                try (Connection c = pair.standby.rootConnection(); Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(50);
                }
                out = stopAfterFailover(run, pair, 1);
            }
            assertThat(out.out()).as(out.out() + out.err()).contains("DOWN").contains("failover: PROCEED");
            try (Journal journal = new Journal(pair.configFile.getParent().resolve(".vakt/journal.db"), Clock.systemUTC())) {
                FailoverRecord f = journal.failovers(10).get(0);
                assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(f.toNode()).isEqualTo("bergen-db");
                assertThat(journal.currentEpoch()).isEqualTo(1);
            }
        }
    }

    /**
     * The live roles, not the config's role: fields, drive the daemon: after a failover to bergen and a
     * rejoin of oslo, killing bergen fails back over to oslo with the config unchanged.
     */
    @Test
    void aSecondFailoverFollowsTheLiveRolesNotTheConfig() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                    .replace("cooldown: 1h", "cooldown: 1s"));
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "INSERT INTO shop.orders VALUES (1)");
            ReplicationFixture.awaitCaughtUp(pair);
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));

            try (RunningDaemon first = RunningDaemon.start(pair.configFile)) {
                awaitHeartbeatsOn(inspector, pair.config().standby());
                pair.primary.kill();
                awaitPromoted(inspector, pair.config().standby());
                stopAfterFailover(first, pair, 1);
            }

            pair.primary.start();
            Cli rejoin = Cli.run("rejoin", "oslo-db", "--discard-errant", "--config", pair.configFile.toString());
            assertThat(rejoin.exitCode()).as(rejoin.out() + rejoin.err()).isZero();
            TestPair.sql(pair.standby, "INSERT INTO shop.orders VALUES (2)");

            Cli out;
            try (RunningDaemon second = RunningDaemon.start(pair.configFile)) {
                awaitHeartbeatsOn(inspector, pair.config().primary());
                awaitCooldownOver(pair);
                pair.standby.kill();
                awaitPromoted(inspector, pair.config().primary());
                out = stopAfterFailover(second, pair, 2);
            }
            assertThat(out.out()).as(out.out() + out.err()).contains("failover: PROCEED");
            try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            try (Journal journal = new Journal(pair.configFile.getParent().resolve(".vakt/journal.db"), Clock.systemUTC())) {
                FailoverRecord f = journal.failovers(10).get(0);
                assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(f.fromNode()).isEqualTo("bergen-db");
                assertThat(f.toNode()).isEqualTo("oslo-db");
                assertThat(journal.currentEpoch()).isEqualTo(2);
            }
        }
    }

    /**
     * Stops the daemon once its failover number {@code nth} has ended (whatever the outcome, asserted after),
     * instead of sitting out a fixed --duration.
     */
    private static Cli stopAfterFailover(RunningDaemon run, TestPair pair, int nth) {
        try (Journal journal = new Journal(pair.configFile.getParent().resolve(".vakt/journal.db"), Clock.systemUTC())) {
            await("failover " + nth + " ended").atMost(Duration.ofSeconds(20)).until(() -> {
                List<FailoverRecord> all = journal.failovers(10);
                return all.size() >= nth && all.get(0).outcome() != FailoverOutcome.RUNNING;
            });
            return run.stop();
        }
    }

    /** The config's 1 s cooldown after the last failover has run out: a failover inside it is refused, as it should be. */
    private static void awaitCooldownOver(TestPair pair) {
        try (Journal journal = new Journal(pair.configFile.getParent().resolve(".vakt/journal.db"), Clock.systemUTC())) {
            java.time.Instant over = journal.failovers(1).get(0).endedAt().plusSeconds(1);
            await("the cooldown after failover 1 over").atMost(Duration.ofSeconds(10)).until(() -> java.time.Instant.now().isAfter(over));
        }
    }

    private static void awaitHeartbeatsOn(NodeInspector inspector, no.vakt.config.Node standby) {
        await("monitor heartbeats replicated to " + standby.name()).atMost(Duration.ofSeconds(10)).until(() -> {
            Long lag = inspector.inspect(standby).heartbeatLagMs();
            return lag != null && lag < 500;
        });
    }

    private static void awaitPromoted(NodeInspector inspector, no.vakt.config.Node node) {
        await(node.name() + " promoted").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            NodeState s = inspector.inspect(node);
            return s.reachable() && !s.readOnly() && s.replica().isEmpty();
        });
    }
}
