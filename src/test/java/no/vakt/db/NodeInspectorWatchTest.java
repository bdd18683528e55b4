package no.vakt.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.replication.SemiSyncState;
import no.vakt.roles.LiveRole;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The watch (the monitor's standby inspection, the dashboard's sampler) reads only the variables it needs;
 * everything a status report and the live roles take from a node's state is the same as from a full read.
 */
class NodeInspectorWatchTest {
    TestPair pair;

    @AfterEach
    void tearDown() throws Exception {
        if (pair != null) pair.close();
    }

    @ParameterizedTest(name = "semi-sync {0}")
    @ValueSource(booleans = {false, true})
    void aWatchedStateReadsAsAFullOne(boolean semiSync) throws Exception {
        pair = TestPair.builder().semiSync(semiSync).start();
        ReplicationFixture.start(pair);
        VaktConfig config = pair.config();
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
        for (Node node : config.nodes()) {
            try (DbSession db = inspector.open(node)) {
                NodeState full = inspector.inspect(node, db);
                NodeState watched = inspector.watch(node, db);
                assertThat(watched.variables()).hasSize(NodeInspector.WATCHED_VARIABLES.size() - missing(full));
                for (String name : NodeInspector.WATCHED_VARIABLES) {
                    assertThat(watched.variable(name)).as(name).isEqualTo(full.variable(name));
                }
                assertThat(watched.serverId()).isEqualTo(full.serverId());
                assertThat(watched.version()).isEqualTo(full.version());
                assertThat(watched.readOnly()).isEqualTo(full.readOnly());
                assertThat(watched.gtidCurrentPos()).isEqualTo(full.gtidCurrentPos());
                assertThat(watched.gtidBinlogPos()).isEqualTo(full.gtidBinlogPos());
                assertThat(watched.gtidSlavePos()).isEqualTo(full.gtidSlavePos());
                assertThat(watched.binlogFilters()).isEqualTo(full.binlogFilters());
                assertThat(SemiSyncState.of(watched)).isEqualTo(SemiSyncState.of(full));
                assertThat(LiveRole.of(watched)).isEqualTo(LiveRole.of(full));
            }
        }
    }

    /** Watched names a server lacks (the semi-sync ones before the plugin is loaded, say). */
    private static int missing(NodeState full) {
        return (int) NodeInspector.WATCHED_VARIABLES.stream().filter(n -> full.variable(n) == null).count();
    }
}
