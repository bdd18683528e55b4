package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import no.vakt.config.Node;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.RunningDaemon;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * The old primary of a failover comes back fenced: under `vakt run`, kill -9 of the primary promotes the
 * standby; the killed server is then restarted with its my.cnf (read_only=ON, as in every node's config)
 * while a client polls read_only over TCP every few ms from the restart on: not one sample is writable,
 * and the door fence waiting at it still ends its client sessions. Before the read-only my.cnf it was
 * writable until the door fence's SET GLOBAL landed. The SIGSTOP variant: a frozen old primary (no
 * restart, so read_only stays as it was in memory), resumed after the failover: the door fence makes it
 * read-only on the first connection it answers ({@link #assertFencedAtTheDoor}).
 */
class DoorFenceTest {
    static final Duration AWAIT = Duration.ofSeconds(30);

    @Test
    void aKilledOldPrimaryRestartsReadOnlyAndIsNeverWritable() throws Exception {
        // Vakt's operating model: read_only=ON in every node's my.cnf; vakt replicate opened the primary.
        try (TestPair pair = TestPair.builder().primaryOption("read-only", "1").start()) {
            ReplicationFixture.start(pair);
            assertThat(ReplicationFixture.variable(pair.primary, "read_only")).isEqualTo("0");
            pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms"));
            Path journalFile = pair.configFile.getParent().resolve(".vakt/journal.db");
            try (RunningDaemon run = RunningDaemon.start(pair.configFile)) {
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));
                awaitHeartbeats(inspector, pair);
                pair.primary.kill();
                awaitPromoted(inspector, pair.config().standby());
                await("the door fence waits at oslo-db").atMost(AWAIT).until(() -> journaled(journalFile, "door fence waiting at oslo-db"));

                List<String> samples = new CopyOnWriteArrayList<>();
                AtomicBoolean polling = new AtomicBoolean(true);
                Thread poller = new Thread(() -> poll(pair.primary, samples, polling), "read-only-poller");
                poller.start();
                try {
                    pair.primary.start(); // its my.cnf makes it read-only
                    await("samples from the restarted server").atMost(AWAIT).until(() -> samples.size() >= 30);
                    await("fenced at its door").atMost(AWAIT)
                            .until(() -> journaled(journalFile, "door fence: oslo-db answered again and was fenced at once"));
                } finally {
                    polling.set(false);
                    poller.join(5000);
                }
                // Every sample from the first connection it accepted until after the fence: never writable.
                assertThat(samples).as("read_only of the restarted old primary, every few ms").containsOnly("1");
                assertThat(ReplicationFixture.variable(pair.standby, "read_only")).isEqualTo("0");
                await("fenced at its door, journaled").atMost(AWAIT)
                        .until(() -> journaled(journalFile, "door fence: oslo-db answered again and was fenced at once"));
                await("the fence printed").atMost(AWAIT)
                        .until(() -> run.output().contains("door fence: oslo-db answered again and was fenced at once"));
                run.stop();
            }
        }
    }

    @Test
    void aFrozenOldPrimaryIsFencedAtItsDoorOnSigcont() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            // An application account that writes through read_only: the door fence must lock it too.
            TestPair.sql(pair.primary, "SET SESSION sql_log_bin = 0", "CREATE USER 'shopapp'@'%' IDENTIFIED BY 'x'",
                    "GRANT READ ONLY ADMIN, INSERT ON *.* TO 'shopapp'@'%'");
            pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms"));
            Path journalFile = pair.configFile.getParent().resolve(".vakt/journal.db");
            try (RunningDaemon run = RunningDaemon.start(pair.configFile)) {
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));
                awaitHeartbeats(inspector, pair);
                List<String> samples = new CopyOnWriteArrayList<>();
                AtomicBoolean polling = new AtomicBoolean(true);
                Thread poller;
                try (FrozenServer frozen = FrozenServer.freeze(pair.primary)) {
                    awaitPromoted(inspector, pair.config().standby());
                    await("the door fence waits at oslo-db").atMost(AWAIT)
                            .until(() -> journaled(journalFile, "door fence waiting at oslo-db"));
                    poller = new Thread(() -> poll(pair.primary, samples, polling), "read-only-poller");
                    poller.start();
                } // SIGCONT: the server answers its pending connections, the door fence's first
                try {
                    await("samples from the resumed server").atMost(AWAIT).until(() -> samples.size() >= 30);
                } finally {
                    polling.set(false);
                    poller.join(5000);
                }
                assertFencedAtTheDoor(samples);
                await("fenced at its door, journaled").atMost(AWAIT)
                        .until(() -> journaled(journalFile, "door fence: oslo-db answered again and was fenced at once"));
                assertThat(accountLocked(pair.primary, "shopapp")).as("the bypassing account on the old primary; journal: %s", history(journalFile)).isIn("1", "true");
                run.stop();
            }
        }
    }

    /**
     * The door fence's session is the first connection the server answers (knocking for a restart, queued
     * first for a frozen server), but a client whose connection is answered in the same few milliseconds
     * can complete its own handshake and query before the fence's SET GLOBAL lands, more so on a loaded
     * machine: at most a couple of such samples, then never writable again. Without the door fence the
     * node stayed writable until the monitor's next probe: dozens of samples at this polling rate.
     */
    private static void assertFencedAtTheDoor(List<String> samples) {
        int firstReadOnly = samples.indexOf("1");
        assertThat(firstReadOnly).as("samples " + samples).isBetween(0, 2);
        assertThat(samples.subList(firstReadOnly, samples.size())).as("after the fence").containsOnly("1");
    }

    /** A fresh TCP session per sample, as an application's pool would open one, every few ms. */
    private static void poll(MariaDbServer server, List<String> samples, AtomicBoolean polling) {
        String url = "jdbc:mariadb://" + server.host() + ":" + server.port() + "/?connectTimeout=1000&socketTimeout=2000";
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (polling.get() && System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(url, "root", ""); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT @@GLOBAL.read_only")) {
                rs.next();
                samples.add(rs.getString(1));
            } catch (SQLException e) {
                // Not up yet: refused.
            }
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String accountLocked(MariaDbServer server, String user) throws SQLException {
        try (Connection c = server.rootConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT JSON_VALUE(Priv, '$.account_locked') FROM mysql.global_priv WHERE User = '"
                        + user + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String history(Path journalFile) {
        try (Journal j = new Journal(journalFile, Clock.systemUTC())) {
            return j.history(EventKind.STATE_CHANGE, 200).stream().map(e -> e.summary()).toList().toString();
        }
    }

    private static boolean journaled(Path journalFile, String summary) {
        try (Journal j = new Journal(journalFile, Clock.systemUTC())) {
            return j.history(EventKind.STATE_CHANGE, 200).stream().anyMatch(e -> e.summary().startsWith(summary));
        }
    }

    private static void awaitHeartbeats(NodeInspector inspector, TestPair pair) {
        await("monitor heartbeats replicated").atMost(AWAIT).until(() -> {
            Long lag = inspector.inspect(pair.config().standby()).heartbeatLagMs();
            return lag != null && lag < 500;
        });
    }

    private static void awaitPromoted(NodeInspector inspector, Node node) {
        await(node.name() + " promoted").atMost(AWAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            NodeState s = inspector.inspect(node);
            return s.reachable() && !s.readOnly() && s.replica().isEmpty();
        });
    }
}
