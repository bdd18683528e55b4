package no.vakt.failover.steps;

import static no.vakt.failover.steps.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import no.vakt.db.DbSession;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeInspector;
import no.vakt.db.ReadOnlyBypass;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepResult;
import no.vakt.journal.StepOutcome;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** A failover's fence keeps an account with ALL PRIVILEGES (READ ONLY ADMIN on 10.11) out of the old primary. */
class FenceLocksStepTest {
    static final StepContext CTX = new StepContext(1, "test", "oslo-db", "bergen-db", 1, true);
    static final String APP = "'app'@'127.0.0.1'";

    static Connection app(MariaDbServer server) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + server.host() + ":" + server.port()
                + "/?connectTimeout=1000&socketTimeout=2000", "app", "app-pw");
    }

    @Test
    void theFenceLocksAndDisconnectsAccountsThatBypassReadOnlyOnTheOldPrimaryOnly() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "CREATE USER " + APP + " IDENTIFIED BY 'app-pw'", "GRANT ALL PRIVILEGES ON *.* TO " + APP);
            ReplicationFixture.awaitCaughtUp(pair);
            StepNodes nodes = new StepNodes(pair.config(), new NodeInspector(Duration.ofSeconds(2)));
            FenceOldPrimaryStep fence = new FenceOldPrimaryStep(nodes);

            try (Connection held = app(pair.primary)) {
                StepResult fenced = fence.execute(CTX);
                assertThat(fenced.outcome()).as(fenced.detail()).isEqualTo(StepOutcome.OK);
                assertThat(fenced.detail()).contains("read_only=ON").contains("MariaDB has no super_read_only")
                        .contains(APP + " locked until a rejoin or promotion");
                assertThat(PairSql.killed(held)).isTrue();
            }
            // Reconnecting does not help it: without the lock it would insert despite read_only=ON.
            assertThatThrownBy(() -> app(pair.primary).close()).isInstanceOf(SQLException.class).hasMessageContaining("locked");
            // Repeating the fence keeps the record of what it locked, so the way back still unlocks it.
            StepResult again = fence.execute(CTX);
            assertThat(again.outcome()).isEqualTo(StepOutcome.OK);
            assertThat(again.detail()).contains("no application account bypasses read_only");
            try (DbSession db = nodes.open("oslo-db")) {
                assertThat(FenceLocks.lockedByVakt(db)).containsExactly(new ReadOnlyBypass.Account("app", "127.0.0.1"));
            }
            // The standby, soon the new primary, keeps the account: nothing of the lock was binlogged.
            try (Connection c = app(pair.standby); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            assertThat(scalar(pair.standby, "SHOW CREATE USER " + APP).orElseThrow()).doesNotContain("ACCOUNT LOCK");

            // The way back: unlocking on the (read-only) old primary restores exactly that account.
            try (DbSession db = nodes.open("oslo-db")) {
                assertThat(FenceLocks.unlock(db)).containsExactly(new ReadOnlyBypass.Account("app", "127.0.0.1"));
                assertThat(FenceLocks.lockedByVakt(db)).isEmpty();
            }
            app(pair.primary).close();
        }
    }
}
