package no.vakt.lab;

import static org.assertj.core.api.Assertions.assertThat;

import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

class TestPairSmokeTest {
    @Test
    void startsTwoConfiguredServersAndRemovesThemAfter() throws Exception {
        TestPair pair = TestPair.start();
        try (pair) {
            var config = pair.config();
            NodeState p = new NodeInspector(java.time.Duration.ofSeconds(2)).inspect(config.primary());
            NodeState s = new NodeInspector(java.time.Duration.ofSeconds(2)).inspect(config.standby());
            assertThat(p.reachable()).as(p.error()).isTrue();
            assertThat(p.serverId()).isEqualTo(1);
            assertThat(p.readOnly()).isFalse();
            assertThat(s.serverId()).isEqualTo(2);
            assertThat(s.readOnly()).isTrue();
        }
        assertThat(pair.primary.isRunning()).isFalse();
        assertThat(pair.dir).doesNotExist();
    }
}
