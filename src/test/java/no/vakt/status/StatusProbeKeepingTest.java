package no.vakt.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard's sampler probe keeps one session per node, and still reports a node that went away. */
class StatusProbeKeepingTest {
    TestPair pair;

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) pair.close();
    }

    @Test
    void keptSessionsServeSuccessiveSamplesAndAStoppedNodeIsUnreachable() throws Exception {
        pair = TestPair.start();
        VaktConfig config = pair.config();
        try (StatusProbe probe = StatusProbe.keeping(config); Connection root = pair.primary.rootConnection()) {
            long before = connections(root);
            for (int i = 0; i < 4; i++) {
                assertThat(probe.inspectAll(config)).allSatisfy(s -> assertThat(s.reachable()).as(s.error()).isTrue());
            }
            assertThat(connections(root) - before).as("new connections to the primary for 4 samples").isEqualTo(1);

            pair.standby.stop();
            List<NodeState> states = probe.inspectAll(config);
            assertThat(states).allSatisfy(s -> assertThat(s.reachable()).isEqualTo(!s.node().equals(config.standby())));
        }
    }

    private static long connections(Connection root) throws SQLException {
        try (Statement st = root.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Connections'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
