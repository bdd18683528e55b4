package no.vakt.replication;

import static no.vakt.replication.ReplicateCommandTest.column;
import static no.vakt.replication.ReplicateCommandTest.replicate;
import static no.vakt.replication.ReplicateCommandTest.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The heartbeat writer and the lag the standby measures from it. One replicating pair for the class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeartbeatTest {
    TestPair pair;
    VaktConfig config;
    final NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));

    @BeforeAll
    void replicatingPair() throws Exception {
        pair = TestPair.start();
        Cli r = replicate(pair);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        config = pair.config();
    }

    @AfterAll
    void close() throws Exception {
        if (pair != null) pair.close();
    }

    Long standbyLag() {
        return inspector.inspect(config.standby()).heartbeatLagMs();
    }

    @Test
    void lagStaysSmallGrowsWhenTheStandbyStopsApplyingAndClearsAgain() {
        try (HeartbeatWriter writer = HeartbeatWriter.forNode(config.primary(), config.replication().heartbeatInterval(),
                Clock.systemUTC()).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> standbyLag() != null && standbyLag() < 1000);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> standbyLag() < 1000);

            TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
            try {
                // Seconds_Behind_Master would read NULL or 0 here; the heartbeat's age keeps growing.
                await().atMost(Duration.ofSeconds(10)).until(() -> standbyLag() > 1000);
            } finally {
                TestPair.sql(pair.standby, "START SLAVE SQL_THREAD");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> standbyLag() < 1000);
            assertThat(writer.stats().written()).isGreaterThan(10);
            assertThat(writer.stats().failures()).isZero();
        }
    }

    @Test
    void neverWritesToAReadOnlyNode() throws Exception {
        try (HeartbeatWriter toStandby = HeartbeatWriter.forNode(config.standby(), Duration.ofMillis(100), Clock.systemUTC());
                HeartbeatWriter toPrimary = HeartbeatWriter.forNode(config.primary(), Duration.ofMillis(100), Clock.systemUTC())) {
            assertThat(toStandby.writeOnce()).isEqualTo(HeartbeatWriter.Outcome.READ_ONLY);
            assertThat(toStandby.stats().skippedReadOnly()).isEqualTo(1);
            assertThat(column(pair.standby, "SELECT server_id FROM vakt.heartbeat")).doesNotContain("2");

            // The primary demoted between two beats: the same statement sees read_only and writes nothing.
            assertThat(toPrimary.writeOnce()).isEqualTo(HeartbeatWriter.Outcome.WRITTEN);
            String before = scalar(pair.primary, "SELECT ts FROM vakt.heartbeat WHERE server_id = 1").orElseThrow();
            TestPair.sql(pair.primary, "SET GLOBAL read_only = ON");
            try {
                assertThat(toPrimary.writeOnce()).isEqualTo(HeartbeatWriter.Outcome.READ_ONLY);
                assertThat(scalar(pair.primary, "SELECT ts FROM vakt.heartbeat WHERE server_id = 1")).contains(before);
            } finally {
                TestPair.sql(pair.primary, "SET GLOBAL read_only = OFF");
            }
            assertThat(toPrimary.writeOnce()).isEqualTo(HeartbeatWriter.Outcome.WRITTEN);
        }
    }

    @Test
    void reconnectsAfterItsConnectionIsLost() {
        try (HeartbeatWriter writer = HeartbeatWriter.forNode(config.primary(), Duration.ofMillis(100), Clock.systemUTC())) {
            assertThat(writer.writeOnce()).isEqualTo(HeartbeatWriter.Outcome.WRITTEN);
            for (String id : column(pair.primary,
                    "SELECT id FROM information_schema.processlist WHERE user = 'vakt' AND command <> 'Binlog Dump'")) {
                TestPair.sql(pair.primary, "KILL " + id);
            }
            List<HeartbeatWriter.Outcome> outcomes = new ArrayList<>();
            outcomes.add(writer.writeOnce());
            outcomes.add(writer.writeOnce());
            assertThat(outcomes).containsExactly(HeartbeatWriter.Outcome.FAILED, HeartbeatWriter.Outcome.WRITTEN);
            assertThat(writer.stats().lastError()).isNotBlank();
        }
    }

    @Test
    void commandPrintsTheMeasuredLagBesideSecondsBehindMaster() {
        Cli once = Cli.run("heartbeat", "--config", pair.configFile.toString(), "--once");
        assertThat(once.exitCode()).as(once.out() + once.err()).isZero();
        assertThat(once.out()).contains("heartbeat: wrote to oslo-db; bergen-db lag ").contains("Seconds_Behind_Master 0");

        Cli run = Cli.run("heartbeat", "--config", pair.configFile.toString(), "--duration", "2s", "--report-every", "500ms");
        System.out.println(run.out() + run.err());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("writing to oslo-db every 250ms for 2s").contains("oslo-db +")
                .containsPattern("bergen-db lag \\d+ ms \\(Seconds_Behind_Master \\d+, shown, not trusted\\)")
                .contains("heartbeat: stopped: ");
        assertThat(run.out().lines().filter(l -> l.contains(" lag ")).count()).isGreaterThanOrEqualTo(3);

        Cli bad = Cli.run("heartbeat", "--config", pair.configFile.toString(), "--duration", "soon");
        assertThat(bad.exitCode()).isEqualTo(2);
    }
}
