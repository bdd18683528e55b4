package no.vakt.failover;

import static no.vakt.failover.steps.PairSql.column;
import static no.vakt.failover.steps.PairSql.readOnly;
import static no.vakt.failover.steps.PairSql.slaveStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.stream.IntStream;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.replication.HeartbeatWriter;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault matrix's lagging-standby row against a real pair: the standby's SQL thread is stopped while
 * its IO thread keeps receiving, then the primary is killed. The relay log holds every write, so the
 * failover proceeds without --force: APPLY_RELAY_LOG starts the SQL thread and applies it, CHECK_DATA_LOSS
 * then finds the loss within the RPO. Before the fix the planner judged by the applied heartbeat and
 * refused with RPO_EXCEEDED.
 */
class LaggingStandbyPromoteTest {
    static final Duration AWAIT = Duration.ofSeconds(20);
    static final int ROWS = 40;

    @ParameterizedTest(name = "semi-sync {0}")
    @ValueSource(booleans = {false, true})
    void aStandbyWhoseSqlThreadLaggedButReceivedEverythingIsPromotedWithEveryRow(boolean semiSync) throws Exception {
        try (TestPair pair = TestPair.builder().semiSync(semiSync).start()) {
            // The applied heartbeat falls 9 s behind. An operator's promote assumes the dead primary wrote until
            // now, so after the apply the window is the time from the kill to the check: within 8 s even under load.
            pair.rewriteConfig(y -> y.replace("rpo: 1s", "rpo: 8s"));
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            ReplicationFixture.start(pair);
            VaktConfig config = pair.config();
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
            try (HeartbeatWriter hb = HeartbeatWriter.forNode(config.primary(), Duration.ofMillis(100), Clock.systemUTC()).start()) {
                await().atMost(AWAIT).until(() -> inspector.inspect(config.standby()).heartbeatLagMs() != null);
                TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
                for (int i = 1; i <= ROWS; i++) TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (" + i + ")");
                await("the applied heartbeat 9 s old").atMost(AWAIT).pollInterval(Duration.ofMillis(50))
                        .until(() -> inspector.inspect(config.standby()).heartbeatLagMs() > 9000);
                // Kill while the heartbeat still runs: the newest write is the kill, not some time earlier.
                pair.primary.kill();
            }
            await("the standby's IO thread lost the primary").atMost(AWAIT)
                    .until(() -> !"Yes".equals(slaveStatus(pair.standby, "Slave_IO_Running")));
            assertThat(slaveStatus(pair.standby, "Slave_SQL_Running")).isEqualTo("No");

            Cli r = Cli.run("promote", "--config", pair.configFile.toString(), "--confirm");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("Decision: PROCEED").doesNotContain("RPO_EXCEEDED")
                    .contains("it has not applied yet").contains("started the stopped SQL thread")
                    .containsPattern("CHECK_DATA_LOSS\\s+ok");
            assertThat(readOnly(pair.standby)).isFalse();
            assertThat(column(pair.standby, "SELECT id FROM shop.orders ORDER BY id"))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, ROWS).mapToObj(String::valueOf).toList());
        }
    }
}
