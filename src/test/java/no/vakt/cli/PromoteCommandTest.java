package no.vakt.cli;

import static no.vakt.failover.steps.PairSql.column;
import static no.vakt.failover.steps.PairSql.readOnly;
import static no.vakt.failover.steps.PairSql.scalar;
import static no.vakt.failover.steps.PairSql.slaveStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.steps.PairSql;
import no.vakt.journal.JournalJson;
import no.vakt.replication.HeartbeatWriter;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** {@code vakt promote} and {@code vakt history} against a real replicating pair, one pair per test. */
class PromoteCommandTest {
    static final Duration AWAIT = Duration.ofSeconds(15);
    static final int ROWS = 20;

    static Cli vakt(String... args) {
        Cli r = Cli.run(args);
        System.out.println("$ vakt " + String.join(" ", args) + "\n" + r.out() + r.err() + "[exit " + r.exitCode() + "]");
        return r;
    }

    static TestPair replicatingPair(String rpo) throws Exception {
        TestPair pair = TestPair.start();
        try {
            if (rpo != null) pair.rewriteConfig(s -> s.replace("rpo: 1s", "rpo: " + rpo));
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))");
            ReplicationFixture.start(pair);
            return pair;
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    static void writeRows(TestPair pair, int from, int to) {
        for (int i = from; i <= to; i++) TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (" + i + ", 'item " + i + "')");
    }

    static void killPrimaryAndAwaitTheStandbyLosingIt(TestPair pair) {
        pair.primary.kill();
        await("the standby's IO thread lost the primary").atMost(AWAIT)
                .until(() -> !"Yes".equals(slaveStatus(pair.standby, "Slave_IO_Running")));
    }

    static List<String> ids(TestPair pair) {
        return column(pair.standby, "SELECT id FROM shop.orders ORDER BY id");
    }

    static List<String> expectedIds(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) out.add(String.valueOf(i));
        return out;
    }

    @Test
    void afterKillNineOfThePrimaryPromoteConfirmPromotesTheStandbyWithoutLosingReplicatedRows() throws Exception {
        try (TestPair pair = replicatingPair("5m")) {
            VaktConfig config = pair.config();
            try (HeartbeatWriter hb = HeartbeatWriter.forNode(config.primary(), Duration.ofMillis(250), Clock.systemUTC()).start()) {
                writeRows(pair, 1, ROWS);
                ReplicationFixture.awaitCaughtUp(pair);
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
                await().atMost(AWAIT).until(() -> inspector.inspect(config.standby()).heartbeatLagMs() != null);
            }
            killPrimaryAndAwaitTheStandbyLosingIt(pair);

            Cli r = vakt("promote", "--config", pair.configFile.toString(), "--confirm");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("Decision: PROCEED").contains("Promoted bergen-db (epoch 1)")
                    .containsPattern("FENCE_OLD_PRIMARY\\s+skipped").containsPattern("BUMP_EPOCH\\s+ok\\s+\\d+ ms")
                    .contains("Total: ");

            assertThat(readOnly(pair.standby)).isFalse();
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).as("no replica config left").isNull();
            assertThat(ids(pair)).containsExactlyElementsOf(expectedIds(ROWS));
            assertThat(scalar(pair.standby, "SELECT CONCAT(epoch, ' ', primary_node) FROM vakt.cluster")).contains("1 bergen-db");

            // The journal sits next to the config by default; history reads it back.
            assertThat(pair.dir.resolve(".vakt/journal.db")).exists();
            Cli h = vakt("history", "--config", pair.configFile.toString(), "--json");
            assertThat(h.exitCode()).isZero();
            JsonNode doc = JournalJson.mapper().readTree(h.out());
            assertThat(doc.get("current_epoch").asLong()).isEqualTo(1);
            JsonNode failover = doc.get("failovers").get(0);
            assertThat(failover.get("outcome").asText()).isEqualTo("completed");
            assertThat(failover.get("fromNode").asText()).isEqualTo("oslo-db");
            assertThat(failover.get("toNode").asText()).isEqualTo("bergen-db");
            List<String> steps = new ArrayList<>();
            failover.get("steps").forEach(s -> steps.add(s.get("name").asText()));
            assertThat(steps).containsExactly(java.util.Arrays.stream(StepName.values()).map(Enum::name).toArray(String[]::new));
            failover.get("steps").forEach(s -> assertThat(s.get("outcome").asText()).isIn("ok", "skipped"));
            assertThat(failover.get("steps").get(0).get("detail").asText()).contains("not answering");

            Cli text = vakt("history", "--config", pair.configFile.toString(), "--limit", "5");
            assertThat(text.exitCode()).isZero();
            assertThat(text.out()).contains("oslo-db -> bergen-db, completed, trigger operator").contains("PROMOTE_STANDBY");
        }
    }

    @Test
    void withThePrimaryAlivePromoteFencesItFirstAndLeavesOneWritableNode() throws Exception {
        try (TestPair pair = replicatingPair(null)) {
            writeRows(pair, 1, ROWS);
            Path journal = pair.dir.resolve("j/journal.db");
            try (Connection held = pair.primary.rootConnection()) {
                Cli r = vakt("promote", "--config", pair.configFile.toString(), "--journal", journal.toString(), "--confirm");
                assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
                assertThat(r.out()).contains("planned switchover").containsPattern("FENCE_OLD_PRIMARY\\s+ok")
                        .contains("MariaDB has no super_read_only");
                assertThat(PairSql.killed(held)).as("a client connection held open on the old primary").isTrue();
            }
            assertThat(readOnly(pair.primary)).isTrue();
            assertThat(readOnly(pair.standby)).isFalse();
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isNull();
            assertThat(ids(pair)).containsExactlyElementsOf(expectedIds(ROWS));
            assertThat(Files.exists(journal)).isTrue();

            // Running it again finds a failover completed moments ago: the cooldown refuses, nothing changes.
            Cli again = vakt("promote", "--config", pair.configFile.toString(), "--journal", journal.toString(), "--confirm");
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.out()).contains("COOLDOWN_ACTIVE").contains("Refused: nothing changed");
            assertThat(readOnly(pair.primary)).isTrue();
            assertThat(readOnly(pair.standby)).isFalse();
        }
    }

    @Test
    void aStandbyLaggingBeyondTheRpoIsRefusedAndForceOverrides() throws Exception {
        try (TestPair pair = replicatingPair(null)) {
            VaktConfig config = pair.config();
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
            try (HeartbeatWriter hb = HeartbeatWriter.forNode(config.primary(), Duration.ofMillis(250), Clock.systemUTC()).start()) {
                writeRows(pair, 1, 5);
                await().atMost(AWAIT).until(() -> inspector.inspect(config.standby()).heartbeatLagMs() != null);
                TestPair.sql(pair.standby, "STOP SLAVE");
                writeRows(pair, 6, ROWS);
                // Writes are neither received nor applied: the standby falls behind by more than the RPO (1s).
                // (A standby that received them holds them in its relay log: LaggingStandbyPromoteTest.)
                await().atMost(AWAIT).until(() -> inspector.inspect(config.standby()).heartbeatLagMs() > 1500);
            }
            pair.primary.kill();
            String journal = pair.dir.resolve("journal.db").toString();

            Cli refused = vakt("promote", "--config", pair.configFile.toString(), "--journal", journal, "--confirm");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.out()).contains("Decision: REFUSE").contains("RPO_EXCEEDED").contains("[--force overrides]")
                    .contains("vakt promote --confirm --force").contains("Refused: nothing changed");
            assertThat(readOnly(pair.standby)).isTrue();
            assertThat(slaveStatus(pair.standby, "Slave_SQL_Running")).isEqualTo("No");
            assertThat(ids(pair)).containsExactlyElementsOf(expectedIds(5));

            Cli forced = vakt("promote", "--config", pair.configFile.toString(), "--journal", journal, "--confirm", "--force");
            assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
            assertThat(forced.out()).contains("overridden by --force: RPO_EXCEEDED")
                    .contains("started the stopped SQL thread").containsPattern("CHECK_DATA_LOSS\\s+ok");
            assertThat(readOnly(pair.standby)).isFalse();
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isNull();
            // Never received: lost, as --force accepted.
            assertThat(ids(pair)).containsExactlyElementsOf(expectedIds(5));

            JsonNode doc = JournalJson.mapper().readTree(
                    vakt("history", "--config", pair.configFile.toString(), "--journal", journal, "--json").out());
            assertThat(doc.get("failovers").get(0).get("outcome").asText()).isEqualTo("completed");
            assertThat(doc.get("failovers").get(0).get("trigger").asText()).isEqualTo("operator-force");
            assertThat(doc.get("failovers").get(1).get("outcome").asText()).isEqualTo("refused");
            assertThat(doc.get("failovers").get(1).get("summary").asText()).contains("RPO_EXCEEDED");
        }
    }

    @Test
    void dryRunAndAPromoteWithoutConfirmChangeNothing() throws Exception {
        try (TestPair pair = replicatingPair(null)) {
            String journal = pair.dir.resolve("journal.db").toString();
            // Binlogged: an application account with ALL PRIVILEGES on both nodes, as in production.
            TestPair.sql(pair.primary, "CREATE USER 'shopapp'@'%' IDENTIFIED BY 'x'", "GRANT ALL PRIVILEGES ON *.* TO 'shopapp'@'%'");
            Cli dry = vakt("promote", "--config", pair.configFile.toString(), "--journal", journal, "--dry-run");
            assertThat(dry.exitCode()).isZero();
            assertThat(dry.out()).contains("Failover plan for test: oslo-db -> bergen-db").contains("Dry run: nothing changed");
            // The plan says what the server enforces: no super_read_only, and the account the fence locks.
            assertThat(dry.out()).doesNotContain("super_read_only=ON").contains("Fence on oslo-db: read_only=ON; MariaDB has no"
                    + " super_read_only: accounts with READ ONLY ADMIN still write; 'shopapp'@'%' locked for the fence");
            for (StepName s : StepName.values()) assertThat(dry.out()).contains(s.name());

            Cli unconfirmed = vakt("promote", "--config", pair.configFile.toString(), "--journal", journal);
            assertThat(unconfirmed.exitCode()).isEqualTo(1);
            assertThat(unconfirmed.out()).contains("Decision: WAIT_FOR_OPERATOR")
                    .contains("Re-run with --confirm to promote: vakt promote --confirm");

            assertThat(readOnly(pair.primary)).isFalse();
            assertThat(readOnly(pair.standby)).isTrue();
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isEqualTo("Yes");
            JsonNode doc = JournalJson.mapper().readTree(
                    vakt("history", "--config", pair.configFile.toString(), "--journal", journal, "--json").out());
            assertThat(doc.get("failovers")).isEmpty();
            assertThat(doc.get("current_epoch").asLong()).isZero();
        }
    }
}
