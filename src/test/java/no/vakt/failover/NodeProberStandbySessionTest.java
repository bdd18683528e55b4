package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The standby's inspection keeps its session between ticks (a fresh TLS handshake each second was most of
 * a steady vakt run's CPU), yet a kept session that dies is replaced at once and a standby that stops
 * answering is still seen unreachable within the probe's deadline, against a real replicating pair.
 */
class NodeProberStandbySessionTest {
    TestPair pair;
    NodeProber prober;
    Node standby;
    Duration timeout;

    @BeforeEach
    void setUp() throws Exception {
        pair = TestPair.start();
        ReplicationFixture.start(pair);
        VaktConfig config = pair.config();
        standby = config.standby();
        timeout = config.policy().checks().timeout();
        prober = new NodeProber(timeout);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (prober != null) prober.close();
        if (pair != null) pair.close();
    }

    private NodeProber.StandbySample inspect() {
        return prober.awaitStandby(prober.inspectStandby(standby), standby);
    }

    @Test
    void successiveInspectionsShareOneSessionAndStillReadTheStandby() throws Exception {
        try (Connection root = pair.standby.rootConnection()) {
            long before = connections(root);
            for (int i = 0; i < 5; i++) {
                NodeProber.StandbySample s = inspect();
                assertThat(s.state().reachable()).as(s.state().error()).isTrue();
                assertThat(s.state().replica()).isPresent();
                assertThat(s.fingerprint()).isNotNull();
            }
            assertThat(connections(root) - before).as("new connections for 5 inspections").isEqualTo(1);
        }
    }

    @Test
    void aKeptSessionTheServerEndedIsReplacedInTheSameInspection() throws Exception {
        assertThat(inspect().state().reachable()).isTrue();
        try (Connection root = pair.standby.rootConnection()) {
            List<Long> killed = killAdminSessions(root);
            assertThat(killed).as("the kept session").hasSize(1);
            long before = connections(root);
            NodeProber.StandbySample s = inspect();
            assertThat(s.state().reachable()).as(s.state().error()).isTrue();
            assertThat(connections(root) - before).isEqualTo(1);
        }
    }

    @Test
    void aKeptSessionWhoseServerRestartedIsReplacedInTheSameInspection() throws Exception {
        assertThat(inspect().state().reachable()).isTrue();
        pair.standby.stop();
        pair.standby.start();
        NodeProber.StandbySample s = inspect();
        assertThat(s.state().reachable()).as(s.state().error()).isTrue();
        try (Connection root = pair.standby.rootConnection()) {
            long before = connections(root);
            assertThat(inspect().state().reachable()).isTrue();
            assertThat(connections(root) - before).as("the replacement is kept").isZero();
        }
    }

    @Test
    void aStandbyThatStopsAnsweringIsUnreachableWithinTheDeadlineAndReadAgainAfter() throws Exception {
        assertThat(inspect().state().reachable()).isTrue();
        try (FrozenServer frozen = FrozenServer.freeze(pair.standby)) {
            long start = System.nanoTime();
            NodeProber.StandbySample s = inspect();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(s.state().reachable()).isFalse();
            // The same bound as a fresh connection's: the probe's deadline (twice the timeout), plus scheduling.
            assertThat(took).isLessThan(timeout.multipliedBy(2).plusSeconds(2));
        }
        NodeProber.StandbySample again = inspect();
        assertThat(again.state().reachable()).as(again.state().error()).isTrue();
    }

    @Test
    void aStoppedStandbyIsUnreachable() {
        assertThat(inspect().state().reachable()).isTrue();
        pair.standby.stop();
        NodeProber.StandbySample s = inspect();
        assertThat(s.state().reachable()).isFalse();
        assertThat(s.fingerprint()).isNull();
    }

    private static long connections(Connection root) throws SQLException {
        try (Statement st = root.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Connections'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private static List<Long> killAdminSessions(Connection root) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = root.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + TestPair.ADMIN_USER + "'")) {
            while (rs.next()) ids.add(rs.getLong(1));
        }
        try (Statement st = root.createStatement()) {
            for (long id : ids) st.execute("KILL CONNECTION " + id);
        }
        return ids;
    }
}
