package no.vakt.failover.planned;

import static no.vakt.failover.planned.PairSql.column;
import static no.vakt.failover.planned.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.journal.Journal;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import no.vakt.traffic.TrafficSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application account with ALL PRIVILEGES (which holds READ ONLY ADMIN on MariaDB 10.11) writes straight
 * through read_only: without locking it, a switchover's fence does not keep it out and its writes on the old
 * primary become errant transactions the repoint adopts.
 */
class FenceLocksSwitchoverTest {
    static final String APP = "'app'@'127.0.0.1'";
    /** Locked by the operator before the switchover: Vakt must never unlock it. */
    static final String RETIRED = "'retired'@'127.0.0.1'";
    static final String APP_PASSWORD = "app-pw";

    private static TestPair pairWithApplicationAccounts(boolean semiSync) throws Exception {
        TestPair pair = TestPair.builder().semiSync(semiSync).start();
        try {
            ReplicationFixture.start(pair);
            // Binlogged on purpose: the application account exists on both nodes, as it does in production.
            TestPair.sql(pair.primary, "CREATE DATABASE IF NOT EXISTS shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "CREATE USER " + APP + " IDENTIFIED BY '" + APP_PASSWORD + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO " + APP,
                    "CREATE USER " + RETIRED + " IDENTIFIED BY '" + APP_PASSWORD + "' ACCOUNT LOCK",
                    "GRANT ALL PRIVILEGES ON *.* TO " + RETIRED);
            ReplicationFixture.awaitCaughtUp(pair);
            return pair;
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    static Connection app(MariaDbServer server) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + server.host() + ":" + server.port()
                + "/?connectTimeout=1000&socketTimeout=2000", "app", APP_PASSWORD);
    }

    static boolean locked(MariaDbServer server, String account) {
        return scalar(server, "SHOW CREATE USER " + account).orElseThrow().contains("ACCOUNT LOCK");
    }

    private static Switchover.Result switchover(TestPair pair, Journal journal, TrafficSwitch traffic, Duration catchUp,
            boolean dryRun, StringWriter text) throws Exception {
        return new Switchover(journal, traffic, Clock.systemUTC(), Duration.ofSeconds(3))
                .run(pair.config(), new Switchover.Options(catchUp, Duration.ofSeconds(30), dryRun), new PrintWriter(text, true));
    }

    /** An application that writes wherever traffic points and reconnects after every failure, as a pool does. */
    private static final class Writer implements AutoCloseable {
        final AtomicReference<MariaDbServer> target;
        final Queue<Integer> acknowledged = new ConcurrentLinkedQueue<>();
        final Queue<String> refusals = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger next = new AtomicInteger(1);
        final Thread thread;

        Writer(MariaDbServer first) {
            target = new AtomicReference<>(first);
            thread = new Thread(this::loop, "app-writer");
            thread.start();
        }

        private void loop() {
            Instant end = Instant.now().plusSeconds(120);
            while (!stop.get() && Instant.now().isBefore(end)) {
                try (Connection c = app(target.get()); Statement st = c.createStatement()) {
                    for (int i = 0; i < 50 && !stop.get(); i++) {
                        int id = next.getAndIncrement();
                        st.execute("INSERT INTO shop.orders VALUES (" + id + ")");
                        acknowledged.add(id);
                    }
                } catch (SQLException e) {
                    refusals.add(e.getMessage());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    @ParameterizedTest(name = "semi-sync {0}")
    @ValueSource(booleans = {false, true})
    void anAccountWithAllPrivilegesIsKeptOutForTheFenceAndWritesOnTheNewPrimaryAfterwards(boolean semiSync) throws Exception {
        try (TestPair pair = pairWithApplicationAccounts(semiSync)) {
            AtomicReference<String> duringFence = new AtomicReference<>();
            StringWriter text = new StringWriter();
            Writer writer = new Writer(pair.primary);
            try (writer; Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                await("the application writes").atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged.size() >= 20);
                // The traffic switch runs after the repoint: the old primary is still fenced, and an account that
                // bypasses read_only would write an errant transaction into it now.
                TrafficSwitch traffic = (cluster, node, epoch) -> {
                    try (Connection c = app(pair.primary); Statement st = c.createStatement()) {
                        st.execute("INSERT INTO shop.orders VALUES (-1)");
                        duringFence.set("written");
                    } catch (SQLException e) {
                        duringFence.set("refused: " + e.getMessage());
                    }
                    writer.target.set(pair.standby);
                };
                Switchover.Result r = switchover(pair, journal, traffic, Duration.ofSeconds(10), false, text);
                assertThat(r.outcome()).as(text.toString()).isEqualTo(Switchover.Outcome.COMPLETED);
                int before = writer.acknowledged.size();
                await("the application writes on the new primary").atMost(Duration.ofSeconds(20))
                        .until(() -> writer.acknowledged.size() >= before + 20);
            }
            System.out.println(text);
            assertThat(duringFence.get()).startsWith("refused:").containsIgnoringCase("locked");
            assertThat(text.toString()).contains(APP + " locked").contains("stay locked on oslo-db");
            // Every acknowledged write is on the new primary, and the old one holds nothing else: no errant transaction.
            ReplicationFixture.awaitRunning(pair.primary);
            await("oslo-db caught up").atMost(Duration.ofSeconds(20)).until(() ->
                    column(pair.primary, "SELECT id FROM shop.orders ORDER BY id")
                            .equals(column(pair.standby, "SELECT id FROM shop.orders ORDER BY id")));
            List<String> onNew = column(pair.standby, "SELECT id FROM shop.orders");
            assertThat(onNew).doesNotContain("-1")
                    .containsAll(writer.acknowledged.stream().map(String::valueOf).toList());
            assertThat(locked(pair.primary, APP)).as("locked on the fenced old primary").isTrue();
            assertThat(locked(pair.standby, APP)).as("never locked on the new primary").isFalse();

            // vakt rejoin ends the fence for good: the account Vakt locked works again, the operator's stays locked.
            Cli rejoin = Cli.run("rejoin", "oslo-db", "--config", pair.configFile.toString());
            assertThat(rejoin.exitCode()).as(rejoin.out() + rejoin.err()).isZero();
            assertThat(rejoin.out()).contains("on oslo-db: " + APP + " unlocked");
            assertThat(locked(pair.primary, APP)).isFalse();
            assertThat(locked(pair.primary, RETIRED)).isTrue();
            assertThat(scalar(pair.primary, "SELECT COUNT(*) FROM vakt.fence_locks")).contains("0");
            // Nothing of it was binlogged: the new primary has no fence_locks table at all.
            assertThat(scalar(pair.standby, "SELECT COUNT(*) FROM vakt.fence_locks")).isEmpty();
        }
    }

    /**
     * Nothing irreversible happened: lifting the fence unlocks what it locked, and only that. Then a switch-back:
     * promoting the node an earlier fence locked unlocks its accounts.
     */
    @Test
    void anAbortedSwitchoverUnlocksExactlyTheAccountsItLockedAndASwitchBackUnlocksThePromotedNode() throws Exception {
        try (TestPair pair = pairWithApplicationAccounts(false);
                Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
            StringWriter plan = new StringWriter();
            assertThat(switchover(pair, journal, new NoOpTrafficSwitch(), Duration.ofSeconds(1), true, plan).outcome())
                    .isEqualTo(Switchover.Outcome.DRY_RUN);
            // The plan says what the server enforces: no super_read_only, and which account the fence locks.
            assertThat(plan.toString()).contains("MariaDB has no super_read_only").contains("READ ONLY ADMIN")
                    .contains(APP + " locked for the fence").doesNotContain("retired").doesNotContain("super_read_only=ON");

            // The standby cannot catch up (its SQL thread waits behind a global read lock): the switchover aborts
            // before promoting anything.
            StringWriter text = new StringWriter();
            Switchover.Result r;
            try (Connection held = pair.standby.rootConnection(); Statement st = held.createStatement()) {
                st.execute("FLUSH TABLES WITH READ LOCK");
                TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (1)");
                r = switchover(pair, journal, new NoOpTrafficSwitch(), Duration.ofSeconds(1), false, text);
                st.execute("UNLOCK TABLES");
            }
            assertThat(r.outcome()).as(text.toString()).isEqualTo(Switchover.Outcome.ABORTED);
            assertThat(r.detail()).contains("fence lifted").contains(APP + " unlocked");
            assertThat(locked(pair.primary, APP)).isFalse();
            assertThat(locked(pair.primary, RETIRED)).isTrue();
            try (Connection c = app(pair.primary); Statement st = c.createStatement()) {
                st.execute("INSERT INTO shop.orders VALUES (2)");
            }

            ReplicationFixture.awaitCaughtUp(pair);
            StringWriter there = new StringWriter();
            assertThat(switchover(pair, journal, new NoOpTrafficSwitch(), Duration.ofSeconds(10), false, there).outcome())
                    .as(there.toString()).isEqualTo(Switchover.Outcome.COMPLETED);
            assertThat(locked(pair.primary, APP)).isTrue();
            StringWriter back = new StringWriter();
            assertThat(switchover(pair, journal, new NoOpTrafficSwitch(), Duration.ofSeconds(10), false, back).outcome())
                    .as(back.toString()).isEqualTo(Switchover.Outcome.COMPLETED);
            assertThat(back.toString()).contains("PROMOTE_STANDBY: oslo-db: STOP SLAVE; RESET SLAVE ALL; read_only=OFF").contains(APP + " unlocked")
                    .contains("stay locked on bergen-db");
            assertThat(locked(pair.primary, APP)).isFalse();
            assertThat(locked(pair.standby, APP)).isTrue();
            assertThat(locked(pair.primary, RETIRED)).isTrue();
            try (Connection c = app(pair.primary); Statement st = c.createStatement()) {
                st.execute("INSERT INTO shop.orders VALUES (3)");
            }
        }
    }
}
